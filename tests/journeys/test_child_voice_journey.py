"""The child's voice in a real browser: what a child said last time shows at the next intake, and the
child's own feedback form works on a phone without an account and keeps nothing that identifies them."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WISHES = "I want to live with my nan and not go back to Oak House."
PHONE = {"width": 375, "height": 667}


def signed_in_page(browser, live_server, user):  # type: ignore[no-untyped-def]
    """A page whose context carries a session for ``user`` (made by Django's test client), so this
    journey does not depend on the sign-in steps, which have their own tests."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context.new_page()


def _found_episode_with_check(cast, conducted_at: datetime):  # type: ignore[no-untyped-def]
    from misper.episodes.models import SafeAndWellCheck
    from tests.factories import episode_make

    episode = episode_make(
        cast.child, reported_at=conducted_at - timedelta(hours=8), status="closed",
        found_at=conducted_at - timedelta(hours=1), beat="DM01", owner=cast.calltaker,
    )  # fmt: skip
    SafeAndWellCheck.objects.create(
        episode=episode,
        conducted_at=conducted_at,
        child_account="The staff shout at me and a man from the park buys me food.",
        push_factors="Arguments with staff",
        pull_factors="A man from the park",
        child_wishes=WISHES,
    )
    return episode


def test_previous_wishes_show_at_the_next_intake(browser, live_server, cast, axe, shot):  # type: ignore[no-untyped-def]
    conducted = timezone.make_aware(datetime(2026, 3, 3, 16, 30))
    _found_episode_with_check(cast, conducted)
    page = signed_in_page(browser, live_server, cast.calltaker)
    page.goto(f"/children/{cast.child.pk}")
    voice = page.get_by_test_id("child-voice")
    expect(voice).to_contain_text("Last time, on 3 March 2026, she said (safe-and-well check):")
    page.get_by_role("link", name="Report this child missing").click()
    page.wait_for_url(re.compile(r"/children/\d+/report$"))
    voice = page.get_by_test_id("child-voice")
    expect(voice).to_contain_text("Last time, on 3 March 2026, she said")
    expect(voice).to_contain_text(WISHES)
    expect(voice).to_contain_text("Arguments with staff")
    axe(page, "report form with the child's voice")
    shot(page, "voice-01-next-intake")
    page.context.close()


def test_feedback_form_on_a_phone_without_an_account(browser, live_server, cast, axe, shot):  # type: ignore[no-untyped-def]
    from misper.learning.models import Feedback
    from misper.learning.services import feedback_invite_create

    episode = _found_episode_with_check(cast, timezone.now() - timedelta(days=1))
    _, code = feedback_invite_create(episode_id=episode.pk, acting_user=cast.calltaker)
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"/feedback/{code}")
    expect(page.get_by_role("heading", name="Tell us how the police treated you")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe(page, "feedback form on a phone")
    page.get_by_role("button", name="Send my answers").tap()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    for question, answer in (
        ("Did the police listen to you?", "A bit"),
        ("Were you treated with respect?", "Yes"),
        ("Did you feel blamed?", "No"),
        ("Did you feel safe with the officer?", "I'd rather not say"),
    ):
        page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
    page.get_by_label("Is there anything else you want to tell us?").fill("The officer listened.")
    shot(page, "voice-02-feedback-phone")
    page.get_by_role("button", name="Send my answers").tap()
    expect(page.get_by_role("heading", name="Thank you. Your answers have been sent.")).to_be_visible()
    axe(page, "feedback thanks")

    row = Feedback.objects.get()
    assert (row.listened, row.respected, row.blamed, row.felt_safe) == (
        "a_bit",
        "yes",
        "no",
        "rather_not_say",
    )
    stored = {f.attname for f in Feedback._meta.concrete_fields}
    assert stored.isdisjoint({"child_id", "episode_id", "invite_id", "created_by_id", "created_at"})
    assert str(episode.pk) not in {str(getattr(row, a)) for a in stored if a != "id"} - {row.area, row.team}

    page.goto(f"/feedback/{code}")
    expect(page.get_by_role("heading", name=re.compile("already been used"))).to_be_visible()
    context.close()
