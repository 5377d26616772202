"""Two-factor sign-in in a real browser, as a user who is not a demo user: a new account sets up its
authenticator once (with the administrator's enrolment grant), signs out, and signs in again with a
code; someone with only the password of that account reaches the code page and nothing else. At 375 px
(a phone) and checked with axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password-1"
PHONE = {"width": 375, "height": 667}


def _code(user) -> str:  # type: ignore[no-untyped-def]
    """The code the user's authenticator app shows now (the test reads the device's key)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user).latest("pk")
    return f"{totp(device.bin_key):06d}"


def _password(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_two_factor_sign_in_journey(browser, live_server, transactional_db, axe, shot, settings):  # type: ignore[no-untyped-def]
    from misper.accounts.models import AgencyKind, Role
    from misper.accounts.services import second_factor_reset
    from tests.factories import agency_make, user_make

    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    force = agency_make(AgencyKind.POLICE_FORCE, code="signin-force", name="Signinshire Police")
    officer = user_make(force, Role.INVESTIGATING_OFFICER, username="officer")
    second_factor_reset(user=officer, acting_user=None, granted_by="journey", reason="new_account")

    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    # First sign-in: the enrolment page, with the QR code; a wrong code is refused in plain words.
    _password(page, "officer")
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    axe(page, "sign-in-enrol")
    shot(page, "sign-in-enrol-375")
    page.get_by_label("Code from your authenticator app").fill("12345")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    page.get_by_label("Code from your authenticator app").fill(_code(officer))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("button", name="Menu").click()  # on a phone the navigation folds behind the menu button
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in")

    # Someone with only the password: the code page, and nothing else (not the enrolment page).
    intruder = browser.new_context(base_url=live_server.url, viewport=PHONE).new_page()
    _password(intruder, "officer")
    expect(intruder.get_by_role("heading", name="Enter the code from your authenticator app")).to_be_visible()
    axe(intruder, "sign-in-code")
    intruder.goto("/sign-in/enrol")
    expect(intruder.get_by_role("heading", name="Enter the code from your authenticator app")).to_be_visible()
    intruder.goto("/")
    expect(intruder).to_have_url(f"{live_server.url}/sign-in?next=/")

    # The officer signs in again with a code from the same app (a later one: each code works once).
    import time

    time.sleep(31 - time.time() % 30)
    _password(page, "officer")
    expect(page.get_by_role("heading", name="Enter the code from your authenticator app")).to_be_visible()
    page.get_by_label("Code from your authenticator app").fill(_code(officer))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/")
    shot(page, "signed-in-375")
