"""The missing person coordinator on the seeded demo, at 375 and 1280 px: Mia (C-DEMO-3), missing past the
72-hour point, is on the UK Missing Persons Unit list and her episode; the coordinator reads what to send,
records that it was sent, and sees it as sent; the printable page and the dashboard fit the screen."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.journeys.demo import WIDTHS, demo_load, fill_date, page_width, sign_in_as

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):  # type: ignore[no-untyped-def]
    from misper.demo.notices import ukmpu_demo
    from misper.demo.world import FORCE

    loaded = demo_load()
    ukmpu_demo(FORCE)  # what `misper seed` adds after loading: through the services
    return loaded


def _fits(page, name: str, width: int) -> None:  # type: ignore[no-untyped-def]
    assert page_width(page) <= width, f"{name} is {page_width(page)} px wide at {width}"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_coordinator_sees_mias_notice_records_it_and_it_shows_as_sent(  # type: ignore[no-untyped-def]
    browser, live_server, demo, axe, shot, width
):
    from misper.episodes.models import Episode, UkmpuNotice

    mia = Episode.objects.get(child__ref="C-DEMO-3")
    page = sign_in_as(browser, live_server, "demo-coordinator", width)
    page.goto("/board")
    page.get_by_role("link", name="UK Missing Persons Unit notices: what to send, what was sent").click()
    expect(page.get_by_role("heading", name="UK Missing Persons Unit notices", level=1)).to_be_visible()
    row = page.locator(f'tr[data-episode-id="{mia.pk}"]')
    expect(row).to_contain_text("Mia Instance")
    expect(row).to_contain_text("Due")
    axe(page, f"ukmpu list {width}")
    _fits(page, "the notices list", width)

    page.goto(f"/episodes/{mia.pk}")
    expect(page.get_by_test_id("ukmpu-state")).to_contain_text("Due since")
    _fits(page, "the episode", width)
    page.get_by_role("link", name="See what to send and record it").click()
    fields = page.get_by_test_id("ukmpu-fields")
    expect(fields.locator('[data-field="name"]')).to_have_text("Mia Instance")
    expect(fields.locator('[data-field="force_reference"]')).to_have_text(mia.reference)
    axe(page, f"ukmpu notice {width}")
    _fits(page, "the notice", width)

    page.get_by_role("button", name="Record the notice as sent").click()  # nothing chosen yet
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert page.title().startswith("Error: ")
    fill_date(page, "When was the notice sent?", timezone.now().replace(second=0, microsecond=0))
    page.get_by_label("Secure email").check()
    page.get_by_label("The unit's reference (if it gave one)").fill("UKMPU-J-1")
    page.get_by_role("button", name="Record the notice as sent").click()
    expect(page.get_by_test_id("ukmpu-state")).to_contain_text("Sent on")
    notice = UkmpuNotice.objects.get(episode=mia)
    assert (notice.sent_by.username, notice.ukmpu_reference) == ("demo-coordinator", "UKMPU-J-1")
    shot(page, f"ukmpu-notice-{width}")
    _fits(page, "the notice once sent", width)

    page.goto(f"/episodes/{mia.pk}/ukmpu/print")
    expect(page.get_by_role("heading", name="Notice to the UK Missing Persons Unit")).to_be_visible()
    _fits(page, "the printable notice", width)
    page.goto("/dashboard")
    expect(page.get_by_text("UK Missing Persons Unit notices").first).to_be_visible()
    _fits(page, "the dashboard", width)
