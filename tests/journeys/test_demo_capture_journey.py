"""Acceptance on the real demo: ``misper seed`` (the same generator and loader as ``make run``, at a small
scale so it takes seconds), then, as the demo personas, what the README promises -- find a child by exact
name, a misspelt name and a nickname with no date of birth; add a flag and an adult of concern; report the
child missing and see the engine cite them; record the child found with that adult. At 375 and 1280 px.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from tests.journeys.demo import answer_risk_questions, fill_date

pytestmark = pytest.mark.browser
NARROW, WIDE = {"width": 375, "height": 800}, {"width": 1280, "height": 900}
DEMO_SCALE = "0.08"  # about 120 children: the generator's full code path in a few seconds


def sign_in(browser, live_server, username: str, viewport: dict[str, int]):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(settings.MISPER_DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def search(page, typed: str, child) -> None:  # type: ignore[no-untyped-def]
    """Search by name alone and expect the child in the results."""
    page.goto("/children/search")
    page.get_by_label("Name").fill(typed)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name=child.full_name).first).to_be_visible()


def no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
        "window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + "
        "Math.round(e.getBoundingClientRect().right))"
    )
    assert width <= page.viewport_size["width"] + 1, f"{page.url} scrolls sideways at {width}px: {wide}"


def _demo_child():  # type: ignore[no-untyped-def]
    """A demo child with a nickname, placed by the demo council (so its social worker sees them), not
    missing now, and without a self-harm flag (the flag the journey adds)."""
    from misper.demo import world
    from misper.episodes.models import Status
    from misper.people.models import Child, ChildAlias

    adult_born = timezone.localdate() - timedelta(days=365 * 17)
    children = (
        Child.objects.filter(
            force__code=world.FORCE,
            placing_authority__code=world.HOME_LA,
            aliases__kind=ChildAlias.Kind.NICKNAME,
            date_of_birth__gt=adult_born,
        )
        .exclude(episodes__status__in=[Status.REPORTED, Status.ACTIVE])
        .exclude(flags__code="self_harm")
        .order_by("pk")
    )
    child = children.first()
    assert child is not None, "the demo has a child placed by its council with a nickname"
    return child


def _misspelt(name: str) -> str:
    middle = len(name) // 2
    return name[:middle] + name[middle] + name[middle:]


def test_the_demo_personas_capture_what_the_engine_reads(browser, live_server, transactional_db, shot, axe):  # type: ignore[no-untyped-def]
    from misper.demo import world
    from misper.episodes.models import Episode
    from misper.people.models import Associate, ChildAlias, VulnerabilityFlag

    call_command("seed", "--scale", DEMO_SCALE, "--seed", "2016")
    child = _demo_child()
    nickname = ChildAlias.objects.filter(child=child, kind=ChildAlias.Kind.NICKNAME).first()
    assert nickname is not None

    # Every police persona and the social worker find the child by name alone, three ways.
    for username, viewport in (
        ("demo-calltaker", WIDE),
        ("demo-officer", NARROW),
        ("demo-supervisor", WIDE),
        ("demo-coordinator", NARROW),
        ("demo-analyst", WIDE),
        ("demo-socialcare", NARROW),
    ):
        page = sign_in(browser, live_server, username, viewport)
        search(page, child.full_name, child)
        search(page, f"{_misspelt(child.given_name)} {child.family_name}", child)
        search(page, f"{nickname.given_name} {child.family_name}", child)
        no_sideways_scroll(page)
        page.context.close()

    # The social worker adds a flag; police will see it came from the council. No associates for her.
    social = sign_in(browser, live_server, "demo-socialcare", NARROW)
    social.goto(f"/children/{child.pk}")
    social.get_by_role("link", name="Add a flag").click()
    axe(social, "add a flag")
    social.get_by_label("Vulnerability").select_option("self_harm")
    social.get_by_label("Who says so?").fill("Allocated social worker")
    social.get_by_label("What does it rest on?").fill("Cut her arm last week; told her foster carer.")
    social.get_by_role("button", name="Add the flag").click()
    expect(social.get_by_test_id("flags")).to_contain_text("self-harm", ignore_case=True)
    expect(social.get_by_text("Associates of concern (police only)")).to_have_count(0)
    assert social.goto(f"/children/{child.pk}/associates/new").status == 403
    no_sideways_scroll(social)
    shot(social, "capture-01-partner-flag-375")
    assert VulnerabilityFlag.objects.filter(
        child=child, code="self_harm", source_agency__code=world.HOME_LA
    ).exists()

    # The call handler links a new adult of concern, reports the child missing and sees the engine cite both.
    page = sign_in(browser, live_server, "demo-calltaker", WIDE)
    page.goto(f"/children/{child.pk}")
    expect(page.get_by_test_id("flags")).to_contain_text("Allocated social worker")
    page.get_by_role("link", name="Link a person to this child").click()
    axe(page, "link a person")
    page.get_by_label("Or a new person: first name").fill("Darren")
    page.get_by_label("Last name").fill("Journeyman")
    page.get_by_label("Relationship to the child").select_option("associate")
    page.get_by_label("What is the concern?").select_option("suspected_exploiter")
    page.get_by_label("Who says so?").fill("Youth worker")
    page.get_by_role("button", name="Link the person").click()
    expect(page.get_by_test_id("associates")).to_contain_text("Darren Journeyman")
    adult = Associate.objects.get(family_name="Journeyman")

    page.get_by_role("link", name="Report this child missing").click()
    page.wait_for_url(re.compile(r"/children/\d+/report$"))
    page.get_by_label("Care home").check()
    fill_date(page, "When was the child last seen?", timezone.now() - timedelta(hours=2))
    page.get_by_label("What happened?").fill("Did not come home from school.")
    answer_risk_questions(page)
    page.get_by_role("button", name="Continue to the risk grade").click()
    page.wait_for_url(re.compile(r"/episodes/\d+/grade$"))
    reasons = page.locator(".govuk-summary-list").first
    expect(reasons).to_contain_text("Associate of concern")
    expect(reasons).to_contain_text("self-harm", ignore_case=True)
    shot(page, "capture-02-engine-cites-1280")
    page.get_by_role("button", name="Confirm the grade").click()
    page.wait_for_url(re.compile(r"/episodes/\d+$"))
    episode = Episode.objects.filter(child=child).order_by("-pk").first()
    assert episode is not None
    assert "associate_of_concern" in {r["code"] for r in episode.assessments.latest("pk").result["reasons"]}

    # The officer, on a phone, records the child found with that adult, picked from the people on file.
    officer = sign_in(browser, live_server, "demo-officer", NARROW)
    officer.goto(f"/episodes/{episode.pk}/found")
    axe(officer, "found with")
    officer.get_by_label("Found by police").check()
    officer.get_by_label("Were they with someone police already know about?").select_option(str(adult.pk))
    officer.get_by_role("button", name="Record found").click()
    officer.wait_for_url(re.compile(r"/episodes/\d+$"))
    no_sideways_scroll(officer)
    episode.refresh_from_db()
    assert episode.found_with_associate_id == adult.pk

    # Every child linked to that adult, on the adult's page.
    officer.goto(f"/people/{adult.pk}")
    expect(officer.get_by_test_id("linked-children")).to_contain_text(child.full_name)
    axe(officer, "person of concern")
    no_sideways_scroll(officer)
    shot(officer, "capture-03-adult-375")
