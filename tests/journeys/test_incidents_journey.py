"""The control room on the seeded demo, at 375 and 1280 px: the call handler sees the missing-person
incidents without a report (one closed in the control room with no missing record, flagged), opens Jade's,
starts the report filled in from the incident, grades it, and the episode shows the incident number."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.journeys.demo import WIDTHS, answer_risk_questions, demo_load, fill_date, page_width, sign_in_as

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):  # type: ignore[no-untyped-def]
    from misper.demo.incidents import incidents_demo
    from misper.demo.world import FORCE

    loaded = demo_load()
    incidents_demo(FORCE)  # what `misper seed` adds after loading: through the feed
    return loaded


def _fits(page, name: str, width: int) -> None:  # type: ignore[no-untyped-def]
    assert page_width(page) <= width, f"{name} is {page_width(page)} px wide at {width}"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_call_handler_reports_from_a_waiting_incident(  # type: ignore[no-untyped-def]
    browser, live_server, demo, axe, shot, width
):
    from misper.incidents.models import Incident

    page = sign_in_as(browser, live_server, "demo-calltaker", width)
    page.get_by_role("link", name="Missing-person incidents without a report").click()
    expect(page.get_by_test_id("closed-without-record")).to_contain_text(
        "1 incident closed in the control room with no missing record"
    )
    closed = page.locator('tr[data-incident="DEM-CAD-0003"]')
    expect(closed).to_contain_text("Closed in the control room with no missing record")
    expect(page.locator('tr[data-incident="DEM-CAD-0001"]')).to_have_count(0)  # joined Tyler's episode
    axe(page, f"incident queue {width}")
    shot(page, f"incidents-queue-{width}")
    _fits(page, "the incident queue", width)

    page.get_by_role("link", name="DEM-CAD-0002").click()
    expect(page.get_by_test_id("incident-status")).to_contain_text("no report yet")
    axe(page, f"incident {width}")
    _fits(page, "the incident", width)
    page.get_by_role("link", name="Start the report for Jade Example").click()
    page.wait_for_url(re.compile(r"/children/\d+/report\?incident=\d+$"))
    expect(page.get_by_test_id("from-incident")).to_contain_text("From incident DEM-CAD-0002")
    expect(page.get_by_label("Reporter's name")).to_have_value("Night manager")
    expect(page.get_by_label("Name of the place or address")).to_have_value("Oakfield children's home")
    expect(page.get_by_label("What happened?")).to_contain_text("left the home at 21:00")
    axe(page, f"report from incident {width}")
    _fits(page, "the report form", width)
    incident = Incident.objects.get(number="DEM-CAD-0002")
    fill_date(page, "When was the child last seen?", incident.opened_at - timedelta(hours=1))
    answer_risk_questions(page)
    page.get_by_role("button", name="Continue to the risk grade").click()
    page.wait_for_url(re.compile(r"/episodes/\d+/grade$"))
    incident.refresh_from_db()
    assert incident.episode is not None
    assert incident.link_kind == "reported"
    page.goto(f"/episodes/{incident.episode.pk}")
    expect(page.get_by_test_id("incident-numbers")).to_have_text("DEM-CAD-0002")
    _fits(page, "the episode", width)
