"""Attacks on the second factor: a password alone reaches nothing, enrolment never stands in for the code
of an existing device, a code works once, an enrolment grant works once and expires, and a session signed
in by any path that skipped the code is signed out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from misper.accounts import signin
from misper.accounts.models import EnrolmentGrant
from misper.accounts.services import second_factor_reset
from misper.accounts.tests import route_matrix as M  # noqa: N812
from misper.accounts.tests.matrix_world import matrix_world_build
from misper.accounts.tests.test_permission_matrix import _fill, api_operations, outcome_of, web_patterns
from misper.accounts.views import NO_AUTHENTICATOR, PENDING_KEY
from misper.audit.models import AccessEvent

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password-1"  # tests.factories.user_make
ATTACKER_KEY = bytes(range(20))  # the secret of an authenticator the attacker controls


def _password_step(client: Client, username: str):  # type: ignore[no-untyped-def]
    return client.post("/sign-in", {"username": username, "password": PASSWORD})


def _code(key: bytes) -> str:
    return f"{totp(key):06d}"


def _device(user) -> TOTPDevice:  # type: ignore[no-untyped-def]
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def _signed_in(client: Client) -> bool:
    return client.get("/").status_code == 200


@pytest.fixture(autouse=True)
def _no_otp_delay(settings):  # type: ignore[no-untyped-def]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp otherwise delays the retry after a wrong code


def test_a_password_only_session_reaches_nothing_an_anonymous_visitor_cannot():
    """Crawl every URL pattern and API operation with a session that passed only the password."""
    w = matrix_world_build()
    victim = w.users["supervisor"]
    _device(victim)
    half = Client(raise_request_exception=False)
    assert _password_step(half, victim.username)["Location"].startswith("/sign-in/code")
    own_steps = {"sign-in/code": M.OK, "sign-in/enrol": M.OK, "sign-out": M.SIGN_IN}
    wrong = []
    for pattern in sorted(set(web_patterns()) - set(own_steps)):
        route = M.WEB[pattern]
        path = _fill(pattern, w)
        resp = half.post(path, {}) if route.method == "POST" else half.get(path)
        got = outcome_of(resp.status_code, resp.get("Location", ""))
        if got != route.outcome("anonymous"):
            wrong.append(f"{pattern}: {got}, an anonymous visitor gets {route.outcome('anonymous')}")
    for op in sorted(api_operations()):
        method, pattern = op.split(" ", 1)
        resp = half.generic(method, _fill(pattern, w), "{}", content_type="application/json")
        got = outcome_of(resp.status_code, resp.get("Location", ""))
        if got != M.API[op].outcome("anonymous"):
            wrong.append(f"{op}: {got}, an anonymous visitor gets {M.API[op].outcome('anonymous')}")
    assert not wrong, "\n".join(wrong)
    assert half.get("/sign-in/code").status_code == 200  # still only half signed in
    enrol = half.get("/sign-in/enrol")
    assert enrol.status_code == 302
    assert enrol["Location"].startswith("/sign-in/code")
    half.post("/sign-out")
    assert half.get("/sign-in/code")["Location"] == "/sign-in"


def test_the_enrolment_page_refuses_an_account_with_a_confirmed_device(world):
    """The reported attack: password, skip the code, enrol the attacker's own authenticator."""
    _device(world.supervisor)
    attacker = Client()
    _password_step(attacker, "supervisor")
    page = attacker.get("/sign-in/enrol")
    assert page.status_code == 302
    assert page["Location"].startswith("/sign-in/code")
    assert not TOTPDevice.objects.filter(user=world.supervisor, confirmed=False).exists()
    # Plant an unconfirmed device with the attacker's key, as an earlier version of the page would have.
    TOTPDevice.objects.create(user=world.supervisor, name="x", confirmed=False, key=ATTACKER_KEY.hex())
    resp = attacker.post("/sign-in/enrol", {"code": _code(ATTACKER_KEY)})
    assert resp.status_code == 302
    assert resp["Location"].startswith("/sign-in/code")
    assert TOTPDevice.objects.filter(user=world.supervisor, confirmed=True).count() == 1
    assert not _signed_in(attacker)


def test_an_open_grant_does_not_let_an_account_with_a_device_enrol_again(world):
    _device(world.supervisor)
    EnrolmentGrant.objects.create(
        user=world.supervisor, reason="reset", granted_by="x", expires_at=timezone.now() + timedelta(hours=1)
    )
    TOTPDevice.objects.create(user=world.supervisor, name="x", confirmed=False, key=ATTACKER_KEY.hex())
    attacker = Client()
    _password_step(attacker, "supervisor")
    assert attacker.post("/sign-in/enrol", {"code": _code(ATTACKER_KEY)})["Location"].startswith(
        "/sign-in/code"
    )
    assert signin.totp_enrol_confirm(world.supervisor, _code(ATTACKER_KEY)) is None
    assert not _signed_in(attacker)


def test_a_code_works_once(world, client):
    device = _device(world.supervisor)
    code = _code(device.bin_key)
    _password_step(client, "supervisor")
    assert client.post("/sign-in/code", {"code": code}).status_code == 302
    assert _signed_in(client)
    replay = Client()
    _password_step(replay, "supervisor")
    refused = replay.post("/sign-in/code", {"code": code})
    assert refused.status_code == 400
    assert signin.WRONG_CODE.encode() in refused.content
    assert not _signed_in(replay)


def test_an_enrolment_grant_sets_up_one_authenticator_once(world, client):
    grant = second_factor_reset(user=world.calltaker, acting_user=None, granted_by="test")
    _password_step(client, "calltaker")
    assert client.get("/sign-in/enrol").status_code == 200
    device = TOTPDevice.objects.get(user=world.calltaker, confirmed=False)
    assert client.post("/sign-in/enrol", {"code": _code(device.bin_key)}).status_code == 302
    assert _signed_in(client)
    grant.refresh_from_db()
    assert grant.used_at is not None
    assert AccessEvent.objects.filter(action="enrol", record_ids=[str(world.calltaker.pk)]).exists()
    # The device is lost without an administrator's reset: the used grant does not allow a second one.
    TOTPDevice.objects.filter(user=world.calltaker).delete()
    again = Client()
    refused = _password_step(again, "calltaker")
    assert refused.status_code == 403
    assert NO_AUTHENTICATOR.encode() in refused.content
    session = again.session
    session[PENDING_KEY] = {"user": world.calltaker.pk, "at": timezone.now().timestamp()}
    session.save()
    assert again.get("/sign-in/enrol")["Location"] == "/sign-in"
    assert not TOTPDevice.objects.filter(user=world.calltaker).exists()
    assert not _signed_in(again)


def test_an_expired_grant_is_refused(world, client):
    grant = second_factor_reset(user=world.calltaker, acting_user=None, granted_by="test")
    EnrolmentGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    refused = _password_step(client, "calltaker")
    assert refused.status_code == 403
    assert PENDING_KEY not in client.session
    session = client.session
    session[PENDING_KEY] = {"user": world.calltaker.pk, "at": timezone.now().timestamp()}
    session.save()
    TOTPDevice.objects.create(user=world.calltaker, name="x", confirmed=False, key=ATTACKER_KEY.hex())
    assert client.post("/sign-in/enrol", {"code": _code(ATTACKER_KEY)})["Location"] == "/sign-in"
    assert not TOTPDevice.objects.filter(user=world.calltaker, confirmed=True).exists()


def test_an_account_without_a_grant_cannot_enrol(world, client):
    refused = _password_step(client, "calltaker")
    assert refused.status_code == 403
    assert NO_AUTHENTICATOR.encode() in refused.content
    assert client.get("/sign-in/enrol")["Location"] == "/sign-in"
    assert not TOTPDevice.objects.filter(user=world.calltaker).exists()


def test_a_session_signed_in_without_the_code_is_signed_out(world):
    """Whatever code path calls ``login`` without the code step (here Django's own ``Client.login``),
    the session is not verified by django-otp and ends on its next request."""
    _device(world.supervisor)
    skipped = Client()
    assert skipped.login(username="supervisor", password=PASSWORD)
    resp = skipped.get("/episodes/1")
    assert resp.status_code == 302
    assert resp["Location"].startswith("/sign-in")
    assert not _signed_in(skipped)


def test_a_reset_removes_the_devices_withdraws_old_grants_and_is_logged(world, capsys):
    _device(world.supervisor)
    first = second_factor_reset(user=world.supervisor, acting_user=None, granted_by="test")
    call_command("accounts", "reset-2fa", "supervisor")
    out = capsys.readouterr().out
    assert "supervisor can set up an authenticator app at their next sign-in, once, until" in out
    first.refresh_from_db()
    assert first.withdrawn_at is not None
    assert not TOTPDevice.objects.filter(user=world.supervisor).exists()
    assert signin.enrolment_allowed(world.supervisor)
    events = AccessEvent.objects.filter(action="reset-2fa", record_ids=[str(world.supervisor.pk)])
    assert events.count() == 2
    assert "command line" in events.latest("pk").purpose


@pytest.fixture
def admin(world):  # type: ignore[no-untyped-def]
    from misper.accounts.models import Role
    from tests.factories import user_make

    return user_make(world.force, Role.ADMINISTRATOR, username="force-admin")


def test_an_administrator_resets_a_users_authenticator_on_the_page(world, admin):
    old = _device(world.supervisor)
    page = Client()
    page.force_login(admin)
    listing = page.get("/account/users").content.decode()
    assert "supervisor" in listing
    assert "otherofficer" not in listing
    resp = page.post(f"/account/users/{world.supervisor.pk}/reset-2fa")
    assert resp.status_code == 302
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert signin.enrolment_allowed(world.supervisor)
    event = AccessEvent.objects.filter(action="reset-2fa").latest("pk")
    assert (event.username, event.record_ids) == ("force-admin", [str(world.supervisor.pk)])
    # The old app's code no longer signs in; the user sets up a new one instead.
    again = Client()
    assert _password_step(again, "supervisor")["Location"].startswith("/sign-in/enrol")


def test_only_an_administrator_of_the_users_own_agency_resets_it(world, admin):
    from misper.accounts.models import Role
    from tests.factories import user_make

    device = _device(world.other_force_officer)
    other_admin = user_make(world.other_force, Role.ADMINISTRATOR, username="other-admin")
    outsider = Client()
    outsider.force_login(admin)
    assert outsider.post(f"/account/users/{world.other_force_officer.pk}/reset-2fa").status_code == 404
    colleague = Client()
    colleague.force_login(world.supervisor)
    assert colleague.post(f"/account/users/{world.calltaker.pk}/reset-2fa").status_code == 403
    assert colleague.get("/account/users").status_code == 403
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not EnrolmentGrant.objects.exists()
    other = Client()
    other.force_login(other_admin)
    assert "supervisor" not in other.get("/account/users").content.decode()


def test_an_administrator_cannot_reset_their_own_authenticator(world, admin):
    """Someone holding an administrator's session must not swap in their own authenticator."""
    page = Client()
    page.force_login(admin)
    assert page.post(f"/account/users/{admin.pk}/reset-2fa").status_code == 403
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).exists()
    assert not EnrolmentGrant.objects.filter(user=admin).exists()


def test_a_reset_ends_the_sessions_signed_in_with_the_old_authenticator(world, client):
    """Whoever signed in with the lost phone is signed out on their next request."""
    device = _device(world.supervisor)
    _password_step(client, "supervisor")
    client.post("/sign-in/code", {"code": _code(device.bin_key)})
    assert _signed_in(client)
    second_factor_reset(user=world.supervisor, acting_user=None, granted_by="test")
    resp = client.get("/")
    assert resp.status_code == 302
    assert resp["Location"].startswith("/sign-in")
