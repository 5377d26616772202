"""Single sign-on in a real browser: the sign-in page's "Sign in with …" link, the test provider's own
sign-in page (a separate process on 127.0.0.1), and back to misper signed in, with no code asked; a
user whose token lacks the second factor sees a plain refusal. At 375 and 1280 px, checked with axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.journeys.demo import page_width

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [375, 1280])
def test_sign_in_with_the_agency_s_provider(
    browser, live_server, transactional_db, sso_world, idp, axe, shot, width
):  # type: ignore[no-untyped-def]
    idp.control("a", redirect_uri=f"{live_server.url}/sign-in/sso/callback")
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto("/sign-in")
    axe(page, f"sign-in-with-sso-{width}")
    assert page_width(page) <= width
    page.get_by_role("link", name="Sign in with Ssoshire Police account").click()
    expect(page.get_by_role("heading", name="Test identity provider a")).to_be_visible()
    page.get_by_label("Account").select_option("alice")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/sign-in" not in page.url
    shot(page, f"sso-signed-in-{width}")

    # Another person whose provider sign-in had no second factor: refused in plain words.
    other = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900}).new_page()
    other.goto("/sign-in")
    other.get_by_role("link", name="Sign in with Ssoshire Police account").click()
    other.get_by_label("Account").select_option("nomfa")
    other.get_by_role("button", name="Continue").click()
    expect(other.get_by_role("heading", name="You are not signed in")).to_be_visible()
    expect(other.get_by_text("did not include a second factor")).to_be_visible()
    axe(other, f"sso-refused-{width}")
    assert page_width(other) <= width
    context.close()
