"""Welsh in a real browser: a child opens their feedback link on a phone or a computer, chooses Cymraeg in the
header, and reads and answers the form in Welsh; the page fits the screen and passes axe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.journeys.demo import WIDTHS, page_width

pytestmark = pytest.mark.browser


def _feedback_code(cast) -> str:  # type: ignore[no-untyped-def]
    from misper.learning.services import feedback_invite_create
    from tests.factories import episode_make

    now = timezone.now()
    episode = episode_make(
        cast.child, reported_at=now - timedelta(days=2), status="closed", found_at=now - timedelta(days=1)
    )
    _, code = feedback_invite_create(episode_id=episode.pk, acting_user=cast.calltaker)
    return code


@pytest.mark.parametrize("width", WIDTHS)
def test_a_child_answers_the_feedback_form_in_welsh(browser, live_server, cast, axe, shot, width) -> None:  # type: ignore[no-untyped-def]
    from misper.learning.models import Feedback

    code = _feedback_code(cast)
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"/feedback/{code}")
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    page.get_by_role("link", name="Cymraeg").click()
    page.wait_for_url(f"**/feedback/{code}")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    heading = page.get_by_role("heading", name="Dywedwch wrthym sut gwnaeth yr heddlu eich trin")
    expect(heading).to_be_visible()
    assert page_width(page) <= width
    axe(page, f"feedback form in Welsh at {width}px")
    shot(page, f"welsh-01-feedback-{width}")

    page.get_by_role("button", name="Anfon fy atebion").click()  # nothing chosen: errors in Welsh
    expect(page.get_by_role("heading", name="Mae problem")).to_be_visible()
    expect(page).to_have_title("Gwall: Dywedwch wrthym sut gwnaeth yr heddlu eich trin – misper")
    expect(page.get_by_role("link", name="Dewiswch a wnaeth yr heddlu wrando arnoch chi")).to_be_visible()
    assert page_width(page) <= width
    axe(page, f"feedback errors in Welsh at {width}px")

    for question in (
        "Wnaeth yr heddlu wrando arnoch chi?",
        "Gawsoch chi eich trin â pharch?",
        "Oeddech chi'n teimlo eich bod yn cael y bai?",
        "Oeddech chi'n teimlo'n ddiogel gyda'r swyddog?",
    ):
        page.get_by_role("group", name=question).get_by_label("Ie").check()
    page.get_by_role("button", name="Anfon fy atebion").click()
    expect(page.get_by_role("heading", name="Diolch. Mae eich atebion wedi'u hanfon.")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    assert Feedback.objects.filter(listened="yes", felt_safe="yes").count() == 1

    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Thank you. Your answers have been sent.")).to_be_visible()
    context.close()
