"""Sign-in: password then TOTP for non-demo users, lockout, timeouts, and access ending on the next
request when a user is disabled or loses their agency."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from misper.accounts import signin
from misper.accounts.services import second_factor_reset
from misper.accounts.views import PENDING_KEY
from misper.web.middleware import CSP, SESSION_SEEN_KEY

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password-1"  # tests.factories.user_make


def _password_step(client: Client, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/sign-in", {"username": username, "password": password})


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):06d}"


def _enrolled(user) -> TOTPDevice:  # type: ignore[no-untyped-def]
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def test_a_password_alone_does_not_sign_in_a_non_demo_user(world, client):
    second_factor_reset(user=world.calltaker, acting_user=None, granted_by="test")
    resp = _password_step(client, "calltaker")
    assert resp.status_code == 302
    assert resp["Location"].startswith("/sign-in/enrol")
    assert client.get("/").status_code == 302  # not signed in yet


def test_first_sign_in_enrols_an_authenticator_with_a_qr_code(world, client):
    second_factor_reset(user=world.calltaker, acting_user=None, granted_by="test", reason="new_account")
    _password_step(client, "calltaker")
    page = client.get("/sign-in/enrol")
    assert page.status_code == 200
    assert b"data:image/svg+xml;base64," in page.content
    device = TOTPDevice.objects.get(user=world.calltaker)
    assert not device.confirmed
    resp = client.post("/sign-in/enrol", {"code": _code(device)})
    assert resp.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


def test_an_enrolled_user_signs_in_with_a_code(world, client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp otherwise delays the retry after a wrong code
    device = _enrolled(world.supervisor)
    assert _password_step(client, "supervisor")["Location"].startswith("/sign-in/code")
    wrong = client.post("/sign-in/code", {"code": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert signin.WRONG_CODE.encode() in wrong.content
    assert client.get("/").status_code == 302
    assert client.post("/sign-in/code", {"code": _code(device)}).status_code == 302
    assert client.get("/").status_code == 200


def test_the_code_step_needs_a_fresh_password_step(world, client):
    device = _enrolled(world.supervisor)
    _password_step(client, "supervisor")
    session = client.session
    session[PENDING_KEY] = {"user": world.supervisor.pk, "at": time.time() - 3600}
    session.save()
    assert client.post("/sign-in/code", {"code": _code(device)})["Location"] == "/sign-in"
    assert client.get("/").status_code == 302


def test_demo_users_in_demo_mode_need_no_second_factor(world, client):
    world.calltaker.is_demo = True
    world.calltaker.save()
    assert _password_step(client, "calltaker")["Location"] == "/"
    assert client.get("/").status_code == 200


def test_demo_users_need_a_second_factor_outside_demo_mode(world, client, settings):
    settings.DEMO_MODE = False
    world.calltaker.is_demo = True
    world.calltaker.save()
    second_factor_reset(user=world.calltaker, acting_user=None, granted_by="test")
    assert _password_step(client, "calltaker")["Location"].startswith("/sign-in/enrol")


def test_repeated_failures_lock_the_username_even_with_the_right_password(world, client, settings):
    for _ in range(settings.MISPER_SIGNIN_MAX_FAILURES):
        assert _password_step(client, "calltaker", "wrong-password").status_code == 200
    locked = _password_step(client, "calltaker")
    assert locked.status_code == 429
    assert signin.LOCKED_MESSAGE.encode() in locked.content
    assert PENDING_KEY not in client.session


def test_unknown_usernames_lock_the_same_way(db, client, settings):
    for _ in range(settings.MISPER_SIGNIN_MAX_FAILURES):
        _password_step(client, "nobody-here", "x")
    assert _password_step(client, "nobody-here", "x").status_code == 429


def test_an_idle_session_ends(world, client, settings):
    client.force_login(world.calltaker)
    assert client.get("/").status_code == 200
    session = client.session
    session[SESSION_SEEN_KEY] = time.time() - settings.MISPER_SESSION_IDLE_SECONDS - 5
    session.save()
    resp = client.get("/")
    assert resp.status_code == 302
    assert resp["Location"].startswith("/sign-in")
    assert client.get("/").status_code == 302  # signed out, not just redirected once


def test_absolute_session_limit_is_one_shift(settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    assert settings.SESSION_COOKIE_HTTPONLY


def test_disabling_a_user_ends_session_and_api_token(world, client, api_as):
    client.force_login(world.calltaker)
    api = api_as(world.calltaker)
    assert client.get("/").status_code == 200
    assert api.get_json("/api/v1/episodes").status_code == 200
    world.calltaker.is_active = False
    world.calltaker.save()
    assert client.get("/").status_code == 302
    assert api.get_json("/api/v1/episodes").status_code == 401


def test_removing_the_agency_link_ends_session_and_api_token(world, client, api_as):
    client.force_login(world.calltaker)
    api = api_as(world.calltaker)
    assert client.get("/").status_code == 200
    world.calltaker.agency = None
    world.calltaker.save()
    assert client.get("/").status_code == 302
    assert client.get("/").status_code == 302
    assert api.get_json("/api/v1/episodes").status_code == 401


def test_pages_carry_security_headers_and_are_never_cached(world, client):
    client.force_login(world.calltaker)
    for path in ("/", "/sign-in", "/children/search"):
        resp = client.get(path, follow=False)
        assert resp["Cache-Control"] == "no-store", path
        assert resp["Content-Security-Policy"] == CSP
        assert "frame-ancestors 'none'" in resp["Content-Security-Policy"]
        assert resp["Referrer-Policy"] == "same-origin"
        assert resp["X-Frame-Options"] == "DENY"
        assert resp["X-Content-Type-Options"] == "nosniff"
        assert resp["X-Request-Id"]


def test_password_spraying_from_one_address_is_throttled(world, client, settings):
    """A few wrong passwords for each of many usernames from one address lock that address, even for a
    real user's right password; another address is not affected."""
    settings.MISPER_SIGNIN_MAX_FAILURES_PER_ADDRESS = 6
    for n in range(6):
        assert _password_step(client, f"sprayed-{n}", "Summer2026!").status_code == 200
    locked = _password_step(client, "calltaker")
    assert locked.status_code == 429
    assert signin.LOCKED_MESSAGE.encode() in locked.content
    elsewhere = Client(REMOTE_ADDR="192.0.2.44")
    world.calltaker.is_demo = True
    world.calltaker.save()
    assert _password_step(elsewhere, "calltaker")["Location"] == "/"


def test_a_forwarded_for_header_is_ignored_unless_trusted(world, client, settings):
    settings.MISPER_SIGNIN_MAX_FAILURES_PER_ADDRESS = 3
    for n in range(3):  # a different made-up address on each try: ignored, REMOTE_ADDR counts
        client.post(
            "/sign-in",
            {"username": f"sprayed-{n}", "password": "x"},
            headers={"X-Forwarded-For": f"198.51.100.{n}"},
        )
    assert _password_step(client, "calltaker").status_code == 429


def test_a_trusted_proxy_header_gives_the_address_the_proxy_saw(world, settings):
    """The proxy appends the address it saw; whatever the client put before it is not believed."""
    settings.MISPER_CLIENT_ADDRESS_HEADER = "X-Forwarded-For"
    settings.MISPER_SIGNIN_MAX_FAILURES_PER_ADDRESS = 3
    proxy = Client()

    def attempt(username: str, password: str, forwarded: str):  # type: ignore[no-untyped-def]
        return proxy.post(
            "/sign-in", {"username": username, "password": password}, headers={"X-Forwarded-For": forwarded}
        )

    for n in range(3):  # the client invents a new first address each time; the proxy saw 198.51.100.1
        attempt(f"sprayed-{n}", "x", f"203.0.113.{n}, 198.51.100.1")
    assert attempt("calltaker", PASSWORD, "198.51.100.1").status_code == 429
    world.calltaker.is_demo = True
    world.calltaker.save()
    assert attempt("calltaker", PASSWORD, "198.51.100.7")["Location"] == "/"
