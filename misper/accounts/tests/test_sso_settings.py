"""An administrator sets an agency's single sign-on with ``misper sso``: every value checked by field, the
secret never stored, the mapping kept in order, and the change logged. The sign-in itself is tested
against a real provider in ``tests/sso``."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from misper.accounts.models import IdentityProvider, Role
from misper.accounts.sso.services import mfa_satisfied, role_for_groups
from misper.audit.models import AccessEvent

pytestmark = pytest.mark.django_db

SET = [
    "sso",
    "set",
    "test-force",
    "--name",
    "Testshire Police account",
    "--issuer",
    "https://login.example.invalid/testshire/v2.0",
    "--client-id",
    "misper",
    "--secret-env",
    "MISPER_OIDC_SECRET_TESTSHIRE",
    "--map",
    "MISPER-Supervisors=supervisor",
    "--map",
    "MISPER-Officers=investigating_officer",
    "--trust-mfa",
]


def test_an_administrator_sets_single_sign_on_with_a_command_and_it_is_logged(world, capsys):
    call_command(*SET)
    provider = IdentityProvider.objects.get(agency=world.force)
    assert provider.client_secret_env == "MISPER_OIDC_SECRET_TESTSHIRE"
    assert [(g.group, g.role) for g in provider.groups.all()] == [
        ("MISPER-Supervisors", Role.SUPERVISOR),
        ("MISPER-Officers", Role.INVESTIGATING_OFFICER),
    ]
    out = capsys.readouterr().out
    assert "Testshire Police signs in with Testshire Police account." in out
    assert "secret in MISPER_OIDC_SECRET_TESTSHIRE (NOT SET in this environment)" in out
    assert AccessEvent.objects.filter(action="change", record_type="identity_provider").count() == 1


def test_setting_it_again_replaces_the_mapping(world):
    call_command(*SET)
    call_command(*SET[:-5], "--map", "Everyone=call_handler")
    provider = IdentityProvider.objects.get(agency=world.force)
    assert [(g.group, g.role) for g in provider.groups.all()] == [("Everyone", Role.CALL_HANDLER)]
    assert not provider.trust_mfa


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (("--secret-env", "MISPER_SECRET_KEY"), "client_secret_env: Name an environment variable starting"),
        (("--issuer", "http://login.example.invalid/"), "issuer: Enter the issuer as an https:// address"),
        (("--map", "Cleaners=superuser"), "groups: No such role: superuser"),
        (("--map", "MISPER-Officers=call_handler"), "groups: Each group may be mapped once"),
        (("--scopes", "email profile"), "scopes: The scopes must include openid"),
        (("--mfa-amr", "", "--mfa-acr", ""), "mfa_amr: Name the amr or acr values"),
    ],
)
def test_an_unfit_value_is_refused_by_field_and_changes_nothing(world, settings, change, error):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match=error):
        call_command(*SET, *change)
    assert not IdentityProvider.objects.exists()


def test_a_mapping_in_bad_form_and_an_unknown_agency_are_refused(world):
    with pytest.raises(CommandError, match="write GROUP=ROLE"):
        call_command(*SET[:-3], "--map", "no-equals-sign")
    with pytest.raises(CommandError, match="No agency with the code 'nowhere'"):
        call_command("sso", "set", "nowhere")


def test_off_stops_offering_it(world, capsys):
    call_command(*SET)
    call_command("sso", "off", "test-force")
    assert not IdentityProvider.objects.get(agency=world.force).active
    assert "no longer offers sign-in with Testshire Police account" in capsys.readouterr().out


def test_the_first_mapped_group_wins_and_an_unmapped_group_gives_no_role(world):
    call_command(*SET)
    provider = IdentityProvider.objects.get(agency=world.force)
    assert role_for_groups(provider, {"MISPER-Officers", "MISPER-Supervisors"}) == Role.SUPERVISOR
    assert role_for_groups(provider, {"misper-officers"}) is None  # names match exactly
    assert role_for_groups(provider, set()) is None


@pytest.mark.parametrize(
    ("claims", "trusted"),
    [
        ({"amr": ["pwd", "mfa"]}, True),
        ({"amr": ["hwk"]}, True),
        ({"amr": ["pwd"]}, False),
        ({"amr": "mfa"}, False),  # amr must be a list
        ({"acr": "urn:test:loa:mfa"}, True),
        ({"acr": "urn:test:loa:pwd"}, False),
        ({}, False),
    ],
)
def test_the_second_factor_claim(world, claims, trusted):
    call_command(*SET, "--mfa-acr", "urn:test:loa:mfa")
    provider = IdentityProvider.objects.get(agency=world.force)
    assert mfa_satisfied(provider, claims) is trusted
    provider.trust_mfa = False
    assert mfa_satisfied(provider, claims) is False


def test_the_demo_identity_provider_becomes_the_demo_force_s_single_sign_on(world, monkeypatch, capsys):
    """``misper devidp`` (started by ``scripts/run.sh`` in demo mode) sets the demo force's provider and
    serves the demo accounts; the sign-in itself is the one tested in tests/sso."""
    from misper.accounts.management.commands import devidp
    from tests.factories import user_make

    user_make(world.force, Role.CALL_HANDLER, username="demo-x", is_demo=True)
    monkeypatch.setenv("MISPER_OIDC_SECRET_DEMO", "test-only")  # restored after the test
    served = {}
    monkeypatch.setattr(devidp, "serve", lambda config, port: served.update(config=config, port=port))
    # the command lets go of its database connections before serving; here that would end the test's transaction
    monkeypatch.setattr(devidp.connections, "close_all", lambda: None)
    call_command("devidp", "--port", "18999", "--misper-url", "http://127.0.0.1:18998")
    provider = IdentityProvider.objects.get(agency=world.force)
    assert (provider.issuer, provider.trust_mfa) == ("http://127.0.0.1:18999/demo", True)
    client = served["config"]["tenants"]["demo"]["clients"]["misper-demo"]
    assert "http://127.0.0.1:18998/sign-in/sso/callback" in client["redirect_uris"]
    assert served["port"] == 18999
    assert "'Sign in with Demo identity provider' (Testshire Police)" in capsys.readouterr().out


def test_the_demo_identity_provider_does_not_run_in_production(world, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="demo mode only"):
        call_command("devidp")
    assert not IdentityProvider.objects.exists()
