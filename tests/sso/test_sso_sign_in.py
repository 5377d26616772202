"""Single sign-on against a real OpenID provider process (``misper/accounts/devidp.py``) on 127.0.0.1: the journey, the
provider's second factor standing in for misper's, and the attacks — a password-only session borrowing
the single sign-on "verified" path, one agency's token signing someone into another agency, a token for
another audience, badly signed, expired, with a replayed nonce or state, a group with no role."""

from __future__ import annotations

import time
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import time_machine
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from misper.accounts.models import ExternalIdentity, IdentityProviderDevice, Role, User
from misper.accounts.sso import services
from misper.audit.models import AccessEvent
from tests.sso.fixtures import local_path, provider_consent, sso_sign_in, sso_start

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password-1"


def _signed_in(client: Client) -> bool:
    return client.get("/").status_code == 200


def _refusal_text(response) -> str:  # type: ignore[no-untyped-def]
    return unescape(response.content.decode())


def _user(subject: str, provider) -> User:  # type: ignore[no-untyped-def]
    return ExternalIdentity.objects.get(provider=provider, subject=subject).user


def test_the_sign_in_page_offers_each_agency_s_provider_beside_the_password(sso_world):
    page = Client().get("/sign-in").content.decode()
    assert "Sign in with Ssoshire Police account" in page
    assert "/sign-in/with/sso-force" in page
    assert "Sign in with Ssoshire Council account" in page
    assert 'name="password"' in page  # local accounts remain


def test_a_user_signed_in_with_the_provider_s_second_factor_is_not_asked_for_misper_s(sso_world):
    client = Client()
    response = sso_sign_in(client, "sso-force", "alice")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _signed_in(client)
    user = _user("alice-1", sso_world.provider_a)
    assert (user.agency, user.role, user.username) == (
        sso_world.force,
        Role.INVESTIGATING_OFFICER,
        "sso-force.alice",
    )
    assert not user.has_usable_password()  # the password form can never sign this account in
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert isinstance(IdentityProviderDevice.objects.get(user=user), IdentityProviderDevice)
    event = AccessEvent.objects.get(action="sign-in", user=user)
    assert event.purpose == "sign-in: single sign-on with Ssoshire Police account and its second factor"


def test_an_acr_value_the_agency_names_counts_as_the_second_factor(sso_world):
    client = Client()
    assert sso_sign_in(client, "sso-force", "acr")["Location"] == "/"
    assert _signed_in(client)


def test_the_sign_in_goes_back_to_the_page_asked_for_but_never_to_another_site(sso_world):
    client = Client()
    assert sso_sign_in(client, "sso-force", "alice", next_url="/episodes")["Location"] == "/episodes"
    other = Client()
    assert sso_sign_in(other, "sso-force", "alice", next_url="https://evil.example/")["Location"] == "/"


def test_a_token_without_the_second_factor_is_refused_when_misper_has_none_for_the_user(sso_world):
    client = Client()
    response = sso_sign_in(client, "sso-force", "nomfa")
    assert response.status_code == 403
    assert services.NO_SECOND_FACTOR.format(name="Ssoshire Police account") in _refusal_text(response)
    assert not _signed_in(client)


def test_a_token_without_the_second_factor_asks_for_misper_s_code_when_the_user_has_an_authenticator(
    sso_world,
):
    sso_sign_in(Client(), "sso-force", "nomfa")  # refused, but the account now exists
    user = _user("nomfa-2", sso_world.provider_a)
    key = bytes(range(20))
    TOTPDevice.objects.create(user=user, name="app", confirmed=True, key=key.hex())
    client = Client()
    response = sso_sign_in(client, "sso-force", "nomfa")
    assert response["Location"].startswith("/sign-in/code")
    assert not _signed_in(client)  # half signed in: nothing but the code page
    done = client.post(response["Location"], {"code": f"{totp(key):06d}"})
    assert done.status_code == 302
    assert _signed_in(client)
    event = AccessEvent.objects.get(action="sign-in", user=user)
    assert (
        event.purpose == "sign-in: single sign-on with Ssoshire Police account and misper's authenticator app"
    )


def test_an_agency_that_does_not_trust_its_provider_s_second_factor_gets_misper_s(sso_world):
    provider = sso_world.provider_a
    provider.trust_mfa = False
    provider.save()
    response = sso_sign_in(Client(), "sso-force", "alice")
    assert response.status_code == 403
    assert "did not include a second factor" in _refusal_text(response)


# Attacks --------------------------------------------------------------------------------------------


def test_a_password_only_session_cannot_use_the_single_sign_on_verified_path(sso_world):
    """The account also has a password (an administrator set one). Signing in with it and pointing the
    session at the provider's device — what a code path that forgot the code step might do — ends the
    session: the provider's device counts only in a session single sign-on signed in."""
    sso_sign_in(Client(), "sso-force", "alice")
    user = _user("alice-1", sso_world.provider_a)
    user.set_password(PASSWORD)
    user.save()
    device = IdentityProviderDevice.objects.get(user=user)
    attacker = Client()
    assert attacker.login(username=user.username, password=PASSWORD)
    session = attacker.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    response = attacker.get("/episodes")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in")
    assert not _signed_in(attacker)
    assert not device.verify_token("123456")  # and it never accepts a code at the code step


def test_the_password_step_does_not_skip_misper_s_code_for_an_account_that_once_used_single_sign_on(
    sso_world,
):
    sso_sign_in(Client(), "sso-force", "alice")
    user = _user("alice-1", sso_world.provider_a)
    user.set_password(PASSWORD)
    user.save()
    half = Client()
    response = half.post("/sign-in", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 403  # no authenticator in misper: told to ask the administrator
    assert not _signed_in(half)
    assert half.get("/sign-in/sso/callback?code=x&state=y").status_code == 400
    assert not _signed_in(half)


def test_a_token_from_agency_a_s_issuer_cannot_sign_anyone_in_to_agency_b(sso_world, idp):
    for tamper in ("issuer_of:a", "claimed_issuer:a"):
        idp.control("b", tamper=tamper)
        client = Client()
        response = sso_sign_in(client, "sso-council", "alice")
        assert response.status_code == 403, tamper
        assert not _signed_in(client)
    assert not User.objects.filter(agency=sso_world.council).exists()


def test_an_authorisation_response_naming_another_issuer_is_refused(sso_world, idp):
    client = Client()
    back = urlsplit(provider_consent(sso_start(client, "sso-council"), "alice"))
    query = {k: v[0] for k, v in parse_qs(back.query).items()}
    assert query["iss"] == idp.issuer("b")
    response = client.get(back.path + "?" + urlencode({**query, "iss": idp.issuer("a")}))
    assert response.status_code == 403
    assert not _signed_in(client)


def test_the_same_subject_at_two_agencies_is_two_people(sso_world):
    sso_sign_in(Client(), "sso-force", "alice")
    sso_sign_in(Client(), "sso-council", "alice")
    at_force, at_council = _user("alice-1", sso_world.provider_a), _user("alice-1", sso_world.provider_b)
    assert at_force != at_council
    assert (at_council.agency, at_council.role) == (sso_world.council, Role.PARTNER_PRACTITIONER)
    assert at_force.agency == sso_world.force


@pytest.mark.parametrize(
    "tamper",
    ["wrong_audience", "bad_signature", "expired", "replayed_nonce", "no_nonce", "hs256_with_client_secret"],
)
def test_a_bad_id_token_is_refused_and_signs_nobody_in(sso_world, idp, tamper):
    sso_sign_in(Client(), "sso-force", "key")  # an earlier sign-in: its nonce is the one replayed
    idp.control("a", tamper=tamper)
    client = Client()
    response = sso_sign_in(client, "sso-force", "alice")
    assert response.status_code == 403
    assert services.SSO_FAILED in _refusal_text(response)
    assert not _signed_in(client)
    assert not ExternalIdentity.objects.filter(subject="alice-1").exists()


def test_a_state_works_once(sso_world):
    client = Client()
    back = local_path(provider_consent(sso_start(client, "sso-force"), "alice"))
    assert client.get(back)["Location"] == "/"
    client.post("/sign-out")
    replay = client.get(back)
    assert replay.status_code == 400
    assert not _signed_in(client)


def test_a_callback_started_in_another_browser_is_refused(sso_world):
    """Login CSRF: the attacker's own code and state, delivered to the victim's browser."""
    attacker = Client()
    back = local_path(provider_consent(sso_start(attacker, "sso-force"), "alice"))
    victim = Client()
    assert victim.get(back).status_code == 400
    assert not _signed_in(victim)


def test_a_sign_in_started_more_than_ten_minutes_ago_must_start_again(sso_world):
    client = Client()
    authorize = sso_start(client, "sso-force")
    with time_machine.travel(time.time() + services.STATE_SECONDS + 5, tick=False):
        back = local_path(provider_consent(authorize, "alice"))
        assert client.get(back).status_code == 400
    assert not _signed_in(client)


def test_a_group_not_in_the_mapping_gives_no_role(sso_world):
    client = Client()
    response = sso_sign_in(client, "sso-force", "canteen")
    assert response.status_code == 403
    assert services.NO_GROUP.format(agency="Ssoshire Police") in _refusal_text(response)
    assert not _signed_in(client)
    assert not ExternalIdentity.objects.filter(subject="canteen-4").exists()


def test_the_role_follows_the_provider_s_groups_at_the_next_sign_in(sso_world, idp):
    from tests.sso.fixtures import USERS_A

    sso_sign_in(Client(), "sso-force", "alice")
    user = _user("alice-1", sso_world.provider_a)
    assert user.role == Role.INVESTIGATING_OFFICER
    # Promoted: in both groups now; the first row of the mapping (supervisors) wins.
    idp.control(
        "a", users={"alice": {**USERS_A["alice"], "groups": ["misper-officers", "misper-supervisors"]}}
    )
    assert sso_sign_in(Client(), "sso-force", "alice")["Location"] == "/"
    user.refresh_from_db()
    assert user.role == Role.SUPERVISOR
    change = AccessEvent.objects.get(action="change", record_type="user", record_ids=[str(user.pk)])
    assert change.purpose == "role from Ssoshire Police account groups: Investigating officer to Supervisor"
    # Left every mapped group: refused, never a default role.
    idp.control("a", users={"alice": {**USERS_A["alice"], "groups": []}})
    assert sso_sign_in(Client(), "sso-force", "alice").status_code == 403


def test_a_disabled_account_is_not_signed_in_again_and_its_session_ends(sso_world):
    client = Client()
    sso_sign_in(client, "sso-force", "alice")
    user = _user("alice-1", sso_world.provider_a)
    user.is_active = False
    user.save()
    assert not _signed_in(client)
    again = Client()
    response = sso_sign_in(again, "sso-force", "alice")
    assert response.status_code == 403
    assert services.ACCOUNT_DISABLED in _refusal_text(response)
    user.refresh_from_db()
    assert not user.is_active


def test_switching_a_provider_off_ends_the_sessions_its_second_factor_verified(sso_world):
    client = Client()
    sso_sign_in(client, "sso-force", "alice")
    assert _signed_in(client)
    provider = sso_world.provider_a
    provider.active = False
    provider.save()
    assert not _signed_in(client)
    assert Client().get("/sign-in/with/sso-force").status_code == 404


def test_a_cancelled_sign_in_is_refused_in_plain_words(sso_world):
    client = Client()
    back = provider_consent(sso_start(client, "sso-force"), "alice", decision="deny")
    response = client.get(local_path(back))
    assert response.status_code == 403
    assert services.SSO_CANCELLED in _refusal_text(response)


def test_a_missing_client_secret_is_a_plain_message_not_a_server_error(sso_world, monkeypatch):
    monkeypatch.delenv("MISPER_OIDC_SECRET_A")
    client = Client()
    response = sso_sign_in(client, "sso-force", "alice")
    assert response.status_code == 503
    assert "is not fully set up" in _refusal_text(response)


def test_the_agency_s_administrator_sees_who_signs_in_with_the_provider(sso_world):
    from tests.factories import user_make

    sso_sign_in(Client(), "sso-force", "alice")
    admin = user_make(sso_world.force, Role.ADMINISTRATOR, username="sso-admin")
    client = Client()
    client.force_login(admin)
    page = unescape(client.get("/account/users").content.decode())
    assert "sso-force.alice" in page
    assert "Signs in with Ssoshire Police account" in page


def test_a_first_sign_in_made_twice_at_once_is_a_plain_refusal_not_a_server_error(sso_world, monkeypatch):
    """Two first sign-ins of one new subject at once: the second's account insert breaks the unique
    (provider, subject) rule; it is told to start again."""
    from django.db import IntegrityError

    from misper.accounts.sso import backend

    def twice(**kwargs):  # type: ignore[no-untyped-def]
        raise IntegrityError("UNIQUE constraint failed: external_identity_once")

    monkeypatch.setattr(backend.services, "sso_user_sign_in", twice)
    client = Client(raise_request_exception=False)
    response = sso_sign_in(client, "sso-force", "alice")
    assert response.status_code == 403
    assert services.SSO_FAILED in _refusal_text(response)
