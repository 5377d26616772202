"""The supervisor's board and an officer's pages on the seeded demo, at 375 and 1280 px: found but not
closed with its own deadlines (an overdue safe-and-well check in red), owners shown and an unowned
high-risk child flagged; every page fits the width without sideways scrolling; the service navigation
marks the current page and folds into a menu button on a phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.journeys.demo import WIDTHS, demo_load, page_width, sign_in_as

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):  # type: ignore[no-untyped-def]
    return demo_load()


def _set_the_scene():  # type: ignore[no-untyped-def]
    """Through the services, as on a shift: the longest-missing child found 30 hours ago and not yet
    checked; a child missing since yesterday just reported, graded high and not yet owned."""
    from misper.accounts.models import User
    from misper.episodes.models import Episode
    from misper.episodes.services import episode_found, episode_report

    supervisor = User.objects.get(username="demo-supervisor")
    open_ = Episode.objects.filter(force__code="demo-force", status__in=["reported", "active"])
    longest = open_.order_by("reported_at").first()
    found_at = max(longest.reported_at + timedelta(minutes=5), timezone.now() - timedelta(hours=30))
    episode_found(
        episode_id=longest.pk, acting_user=supervisor, found_at=found_at, expected_version=longest.version
    )
    calltaker = User.objects.get(username="demo-calltaker")
    now = timezone.now()
    doc = {
        "format": "misper/1",
        "child": {
            "ref": "JOURNEY-1",
            "given_name": "Ruby",
            "family_name": "Fenwick",
            "date_of_birth": "2012-06-01",
        },
        "report": {
            "reported_at": (now - timedelta(minutes=20)).isoformat(),
            "last_seen_at": (now - timedelta(hours=21)).isoformat(),
            "reported_by": "parent",
            "circumstances": "Did not come home from school yesterday.",
            "indicators": ["out_of_character"],
        },
        "operator_grading": {"category": "missing", "risk": "high"},
    }
    unowned = episode_report(doc=doc, acting_user=calltaker).episode
    return longest, unowned, found_at


@pytest.mark.parametrize("width", WIDTHS)
def test_the_board_shows_found_but_open_owners_and_unowned_high_risk(  # type: ignore[no-untyped-def]
    browser, live_server, demo, axe, shot, width
):
    found, unowned, found_at = _set_the_scene()
    page = sign_in_as(browser, live_server, "demo-supervisor", width)
    page.goto("/board")
    section = page.locator(f'#board-live tr[data-episode-id="{found.pk}"]')
    expect(page.get_by_role("heading", name="Found, not yet closed (1)")).to_be_visible()
    expect(section).to_contain_text(found.child.full_name)
    late = found_at + timedelta(hours=24) < timezone.now()
    if late:
        expect(section.locator(".govuk-tag--red").first).to_have_text("Overdue")
    expect(section).to_contain_text("due")
    row = page.locator(f'#board-live tr[data-episode-id="{unowned.pk}"]')
    expect(row.get_by_test_id("unowned-high")).to_have_text("High risk, no owner")
    expect(row).to_contain_text("Owner: nobody")
    current = page.locator(".govuk-service-navigation__item--active")
    expect(current).to_have_text("Board")
    expect(current.locator("a")).to_have_attribute("aria-current", "page")
    axe(page, f"board {width}")
    shot(page, f"board-{width}")
    assert page_width(page) <= width, f"board is {page_width(page)} px wide at {width}"


@pytest.mark.parametrize("width", WIDTHS)
def test_an_officers_pages_fit_the_screen_and_the_menu_folds_on_a_phone(  # type: ignore[no-untyped-def]
    browser, live_server, demo, axe, shot, width
):
    found, unowned, _ = _set_the_scene()
    page = sign_in_as(browser, live_server, "demo-officer", width)
    toggle = page.get_by_role("button", name="Menu")
    menu = page.get_by_role("navigation", name="Menu")
    if width < 641:
        expect(toggle).to_be_visible()
        expect(menu.get_by_role("link", name="Find a child")).to_be_hidden()
        toggle.click()
        expect(menu.get_by_role("link", name="Find a child")).to_be_visible()
    else:
        expect(toggle).to_be_hidden()
        expect(menu.get_by_role("link", name="Find a child")).to_be_visible()
    pages = {
        "episode": f"/episodes/{unowned.pk}",
        "found": f"/episodes/{unowned.pk}/found",
        "found-episode": f"/episodes/{found.pk}",
        "safe-and-well": f"/episodes/{found.pk}/safe-and-well",
        "briefing": "/briefing",
    }
    for name, url in pages.items():
        page.goto(url)
        axe(page, f"{name} {width}")
        shot(page, f"officer-{name}-{width}")
        assert page_width(page) <= width, f"{name} is {page_width(page)} px wide at {width}"


@pytest.mark.parametrize("width", WIDTHS)
def test_a_rejected_grading_reaches_the_call_handlers_own_inbox_naming_the_child(  # type: ignore[no-untyped-def]
    browser, live_server, demo, axe, shot, width
):
    from misper.accounts.models import User
    from misper.episodes.services import episode_report

    calltaker = User.objects.get(username="demo-calltaker")
    now = timezone.now()
    doc = {
        "format": "misper/1",
        "child": {
            "ref": "JOURNEY-2",
            "given_name": "Maisie",
            "family_name": "Holt",
            "date_of_birth": "2011-02-03",
        },
        "report": {
            "reported_at": (now - timedelta(minutes=10)).isoformat(),
            "last_seen_at": (now - timedelta(hours=3)).isoformat(),
            "reported_by": "parent",
            "circumstances": "Left a note saying she could not go on.",
            "indicators": ["suicidal_ideation", "out_of_character"],
        },
        "operator_grading": {"category": "missing", "risk": "low"},
    }
    outcome = episode_report(doc=doc, acting_user=calltaker, rationale="She has come back by herself before")
    pending, _episode = outcome.assessment, outcome.episode
    assert pending.approval_status == "pending"
    grader = calltaker.username
    page = sign_in_as(browser, live_server, "demo-supervisor", width)
    page.goto(f"/assessments/{pending.pk}/decide")
    page.get_by_label("Reject it: keep the recommended grade").check()
    page.get_by_label("Note").fill("The trigger plan says high: keep it high")
    page.get_by_role("button", name="Save the decision").click()
    page.context.close()

    page = sign_in_as(browser, live_server, grader, width)
    page.goto("/alerts")
    mine = page.locator('table[aria-labelledby="for-you"]')
    expect(mine).to_contain_text("A supervisor rejected your grading")
    expect(mine).to_contain_text(pending.episode.child.full_name)
    expect(mine).to_contain_text("The trigger plan says high: keep it high")
    axe(page, f"alerts {width}")
    shot(page, f"alerts-{width}")
    assert page_width(page) <= width, f"alerts is {page_width(page)} px wide at {width}"
    page.goto("/")
    expect(page.get_by_role("heading", name="My cases")).to_be_visible()
    axe(page, f"home {width}")
    assert page_width(page) <= width, f"home is {page_width(page)} px wide at {width}"


@pytest.mark.parametrize("width", WIDTHS)
def test_placements_and_panels_fit_the_screen(browser, live_server, demo, axe, shot, width):  # type: ignore[no-untyped-def]
    page = sign_in_as(browser, live_server, "demo-coordinator", width)
    for name in ("placements", "panels"):
        page.goto(f"/{name}")
        axe(page, f"{name} {width}")
        shot(page, f"officer-{name}-{width}")
        assert page_width(page) <= width, f"{name} is {page_width(page)} px wide at {width}"
