"""An officer's and a supervisor's day on the seeded demo, at a phone's width and a desk's (375 and
1280 px), with axe on every page: one open episode per child, actions as work, found but not closed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.demo import WIDTHS, demo_load, page_width, sign_in_as

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):  # type: ignore[no-untyped-def]
    return demo_load()


def _open_episode():  # type: ignore[no-untyped-def]
    from misper.episodes.models import Episode

    return (
        Episode.objects.filter(force__code="demo-force", status__in=["reported", "active"])
        .select_related("child")
        .order_by("reported_at")
        .first()
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_reporting_a_child_already_missing_leads_to_the_open_episode(  # type: ignore[no-untyped-def]
    browser, live_server, demo, axe, shot, width
):
    episode = _open_episode()
    child = episode.child
    page = sign_in_as(browser, live_server, "demo-calltaker", width)
    page.goto(f"/children/{child.pk}/report")
    expect(page.get_by_role("heading", name=f"{child.full_name} is already missing")).to_be_visible()
    axe(page, f"already missing {width}")
    shot(page, f"officer-01-already-missing-{width}")
    page.get_by_text("This is a separate incident").click()
    page.get_by_role("link", name="Report a separate incident").click()
    expect(page.get_by_label("Why is this a separate incident from the open episode?")).to_be_visible()
    page.get_by_role("button", name="Continue to the risk grade").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Say why this is a separate incident from the open episode")
    axe(page, f"separate incident errors {width}")
    page.goto(f"/children/{child.pk}/report")
    page.get_by_role("link", name=f"Go to episode {episode.reference}").click()
    page.wait_for_url(re.compile(rf"/episodes/{episode.pk}$"))
    assert child.episodes.count() == child.episodes.count()  # nothing was written by looking


@pytest.mark.parametrize("width", WIDTHS)
def test_an_officer_works_the_actions_and_finding_the_child_closes_the_search(  # type: ignore[no-untyped-def]
    browser, live_server, demo, axe, shot, width
):
    from misper.episodes.models import Action
    from misper.partners.models import ReturnInterview

    episode = _open_episode()
    page = sign_in_as(browser, live_server, "demo-officer", width)
    page.goto(f"/episodes/{episode.pk}")
    axe(page, f"episode {width}")
    page.get_by_role("link", name="Add an action").click()
    axe(page, f"add action {width}")
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what needs to be done")
    page.get_by_label("What needs to be done?").fill("Ask the bus company for the 22:00 route's CCTV")
    page.get_by_label("Who will do it? (optional)").select_option(
        label="Owen Officer (Investigating officer)"
    )
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_text("Action added: Ask the bus company")).to_be_visible()
    added = Action.objects.get(episode=episode, title__startswith="Ask the bus company")
    assert (added.source, added.assigned_to.username) == ("manual", "demo-officer")

    page.locator(f'a[href$="/actions/{added.pk}/cancel"]').click()
    axe(page, f"cancel action {width}")
    page.get_by_label("Why is this action no longer needed?").fill("The bus company sent it unasked")
    page.get_by_role("button", name="Cancel the action").click()
    added.refresh_from_db()
    assert (added.status, added.outcome) == ("cancelled", "The bus company sent it unasked")
    left = Action.objects.filter(episode=episode, status="open").count()
    expect(page.get_by_role("heading", name=f"To do ({left})")).to_be_visible()
    shot(page, f"officer-02-actions-{width}")

    page.get_by_role("link", name="Record found").first.click()
    page.get_by_label("Returned by themselves").check()
    page.get_by_role("button", name="Record found").click()
    page.wait_for_url(re.compile(rf"/episodes/{episode.pk}$"))
    expect(page.locator("h1 + p .govuk-tag").first).to_have_text("Found, not yet closed")
    search = Action.objects.filter(episode=episode, source__in=["standard", "trigger_plan"])
    assert not search.filter(status="open").exists()
    assert ReturnInterview.objects.filter(episode=episode).count() == 1
    left = Action.objects.filter(episode=episode, status="open").count()
    expect(page.get_by_role("heading", name=f"To do ({left})")).to_be_visible()
    axe(page, f"found episode {width}")
    shot(page, f"officer-03-found-{width}")
    assert page_width(page) >= width  # measured here; fitting the phone is checked in the phone journey
