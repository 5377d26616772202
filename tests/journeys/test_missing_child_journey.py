"""The main journey in a real browser: a known child at risk is found by a misspelt name, reported, graded
high; a lower grade is refused because her trigger plan says high (a floor binds people too, issue 16); the
supervisor sees her on the self-refreshing board; found, refused closure without a safe-and-well check,
checked, closed, and referred for a return interview."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.journeys.demo import answer_risk_questions, fill_date

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password-1"


def sign_in(browser, live_server, username: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def local(dt) -> str:  # type: ignore[no-untyped-def]
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_missing_child_journey(browser, live_server, cast, axe, shot):  # type: ignore[no-untyped-def]
    from misper.episodes.models import Episode
    from misper.partners.models import ReturnInterview

    # The call handler finds the child by a misspelt name and sees what is known, trigger plan first.
    page = sign_in(browser, live_server, "calltaker")
    axe(page, "home")
    page.get_by_role("link", name="Find a child").first.click()
    page.get_by_label("Name").fill("Kaitlyn Smyth")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name=re.compile(r"\d+ match"))).to_be_visible()
    assert page.url == f"{live_server.url}/children/search"  # posted: no name in the URL
    axe(page, "search results")
    page.get_by_role("link", name="Caitlin Smith").click()
    expect(page.get_by_role("heading", name=re.compile("Trigger plan: grade at least high"))).to_be_visible()
    axe(page, "child")
    shot(page, "01-child")

    # The report: circumstances and the risk questions.
    page.get_by_role("link", name="Report this child missing").click()
    page.wait_for_url(re.compile(r"/children/\d+/report$"))
    axe(page, "report form")
    page.get_by_label("Care home").check()
    fill_date(page, "When was the child last seen?", timezone.now() - timedelta(hours=2))
    page.get_by_label("Name of the place or address").fill("Oak House")
    page.get_by_label("Patrol beat (if known)").fill("DM01")
    page.get_by_label("What happened?").fill("Left after tea. Staff think she got into a taxi.")
    answer_risk_questions(page, yes=("out_of_character",))
    shot(page, "02-report")
    page.get_by_role("button", name="Continue to the risk grade").click()

    # The engine recommends high; the operator tries medium and is refused: her trigger plan says high.
    page.wait_for_url(re.compile(r"/episodes/\d+/grade$"))
    expect(page.get_by_text("The recommendation is missing, high risk")).to_be_visible()
    expect(page.get_by_text("You cannot grade below:")).to_be_visible()
    axe(page, "grade")
    shot(page, "03-recommendation")
    page.get_by_label("Medium").check()
    page.get_by_label("Why this grade?").fill("Carer has spoken to her by phone; she is on her way back.")
    page.get_by_role("button", name="Confirm the grade").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_text("which says to treat them as at least high risk").first).to_be_visible()
    axe(page, "grade error")
    shot(page, "04-floor-refused")
    page.get_by_label("High", exact=True).check()
    page.get_by_label("Why this grade?").fill("")
    page.get_by_role("button", name="Confirm the grade").click()
    page.wait_for_url(re.compile(r"/episodes/\d+$"))
    axe(page, "episode")
    episode = Episode.objects.get(child=cast.child)
    assert episode.risk == "high"

    # The supervisor sees her on the board; the board picks up a new case by itself.
    boss = sign_in(browser, live_server, "supervisor")
    boss.goto("/board?poll=2")
    row = boss.locator(f'[data-episode-id="{episode.pk}"]')
    expect(row).to_be_visible()
    axe(boss, "board")
    shot(boss, "05-board")
    boss.evaluate("window.__noReload = true")
    newcomer = _report_another_child(cast)
    boss.locator(f'[data-episode-id="{newcomer.pk}"]').wait_for(timeout=15000)
    assert boss.evaluate("window.__noReload") is True
    expect(boss.locator("#board-status")).to_contain_text("1 new: Robin Hughes")

    # Found; closure is refused without a safe-and-well check; the check; closure and the referral.
    page.goto(f"/episodes/{episode.pk}")
    page.get_by_role("link", name="Record found").click()
    axe(page, "found form")
    page.get_by_label("Found by police").check()
    page.get_by_label("Town or city").fill("Demoton")
    page.get_by_role("button", name="Record found").click()
    page.wait_for_url(re.compile(r"/episodes/\d+$"))
    page.get_by_role("link", name="Close the episode").click()
    page.get_by_role("button", name="Close the episode").click()
    expect(page.get_by_text("cannot be closed yet").first).to_be_visible()
    axe(page, "close refused")
    shot(page, "06-close-refused")
    page.get_by_role("link", name="Record the safe-and-well check").click()
    axe(page, "safe and well form")
    page.get_by_label("What the child said, in their own words").fill("I went to see a friend in town.")
    page.locator("#id_harm_disclosed-2").check()
    page.get_by_label("Where they went missing from").check()
    page.locator("#id_safe_to_return").check()
    page.get_by_label("What does the child want to happen?").fill("To stay at Oak House.")
    page.get_by_role("button", name="Record the check").click()
    page.wait_for_url(re.compile(r"/episodes/\d+$"))
    page.get_by_role("link", name="Close the episode").click()
    page.get_by_role("button", name="Close the episode").click()
    page.wait_for_url(re.compile(r"/episodes/\d+/closed$"))
    axe(page, "closed")
    shot(page, "07-closed")
    episode.refresh_from_db()
    ri = ReturnInterview.objects.get(episode=episode)
    assert ri.due_at == episode.found_at + timedelta(hours=72)
    due = timezone.localtime(ri.due_at).strftime("%-d %B %Y %H:%M")
    expect(page.get_by_test_id("return-interview")).to_contain_text(due)


def _report_another_child(cast):  # type: ignore[no-untyped-def]
    from misper.episodes.documents import FORMAT, child_section
    from misper.episodes.services import episode_report
    from tests.factories import child_make

    child = child_make(cast.force, given_name="Robin", family_name="Hughes")
    now = timezone.now()
    doc = {
        "format": FORMAT,
        "child": child_section(child, now),
        "report": {"reported_at": now.isoformat(), "reported_by": "parent", "circumstances": "Not home."},
    }
    return episode_report(doc=doc, acting_user=cast.calltaker).episode
