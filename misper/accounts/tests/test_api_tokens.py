"""API tokens expire, are listed and revoked by a command and a page (a user their own; an administrator
their agency's), and an expired or revoked token gets 401."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from misper.accounts.models import ApiToken, Role
from misper.accounts.services import api_token_issue
from misper.audit.models import AccessEvent
from tests.factories import user_make

pytestmark = pytest.mark.django_db


def _works(api_as, raw: str) -> int:  # type: ignore[no-untyped-def]
    client = api_as(None)
    client.token = raw
    return client.get_json("/api/v1/episodes").status_code


def test_a_token_expires_after_the_configured_lifetime(world, api_as, settings):
    settings.MISPER_API_TOKEN_DAYS = 30
    issued = api_token_issue(user=world.calltaker)
    lifetime = issued.token.expires_at - issued.token.created_at
    assert timedelta(days=30) - timedelta(seconds=5) < lifetime <= timedelta(days=30)
    assert _works(api_as, issued.raw) == 200
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _works(api_as, issued.raw) == 401


def test_the_default_lifetime_is_90_days(world):
    token = api_token_issue(user=world.calltaker).token
    assert (token.expires_at - timezone.now()).days == 89


def test_the_command_prints_the_token_alone_and_the_expiry_on_stderr(world, api_as, capsys):
    call_command("token", "calltaker", "--days", "7")
    out, err = capsys.readouterr()
    raw = out.strip()
    assert raw.startswith("msp_")
    assert "\n" not in raw
    token = ApiToken.objects.get(user=world.calltaker)
    assert f"Token {token.pk} expires on " in err
    assert timezone.localtime(token.expires_at).strftime("%-d %B %Y") in err
    assert _works(api_as, raw) == 200
    assert AccessEvent.objects.filter(action="issue", record_ids=[str(token.pk)]).exists()


def test_the_command_lists_and_revokes(world, api_as, capsys):
    issued = api_token_issue(user=world.calltaker, label="control room feed")
    call_command("token", "--list", "calltaker")
    listed = capsys.readouterr().out
    assert f"{issued.token.pk}\tcontrol room feed" in listed
    assert "active" in listed
    call_command("token", "--revoke", str(issued.token.pk))
    assert "is revoked" in capsys.readouterr().out
    assert _works(api_as, issued.raw) == 401
    call_command("token", "--list", "calltaker")
    assert "revoked" in capsys.readouterr().out
    assert AccessEvent.objects.filter(action="revoke", record_ids=[str(issued.token.pk)]).exists()


def test_a_user_sees_and_revokes_their_own_token_on_the_page(world, client, api_as):
    mine = api_token_issue(user=world.calltaker, label="my script")
    api_token_issue(user=world.supervisor, label="supervisor's script")
    client.force_login(world.calltaker)
    page = client.get("/account/api-tokens")
    assert b"my script" in page.content
    assert b"supervisor&#x27;s script" not in page.content
    assert client.post(f"/account/api-tokens/{mine.token.pk}/revoke").status_code == 302
    assert _works(api_as, mine.raw) == 401
    assert "Revoked" in client.get("/account/api-tokens").content.decode()


def test_a_user_cannot_revoke_someone_elses_token(world, client, api_as):
    theirs = api_token_issue(user=world.supervisor)
    client.force_login(world.calltaker)
    assert client.post(f"/account/api-tokens/{theirs.token.pk}/revoke").status_code == 404
    assert _works(api_as, theirs.raw) == 200


def test_an_administrator_revokes_their_agencys_tokens_only(world, client, api_as):
    admin = user_make(world.force, Role.ADMINISTRATOR, username="force-admin")
    ours = api_token_issue(user=world.calltaker, label="ours")
    other_force = api_token_issue(user=world.other_force_officer, label="another force's")
    client.force_login(admin)
    page = client.get("/account/api-tokens").content.decode()
    assert "ours" in page
    assert "another force" not in page
    assert client.post(f"/account/api-tokens/{other_force.token.pk}/revoke").status_code == 404
    assert _works(api_as, other_force.raw) == 200
    assert client.post(f"/account/api-tokens/{ours.token.pk}/revoke").status_code == 302
    assert _works(api_as, ours.raw) == 401
    assert ApiToken.objects.get(pk=ours.token.pk).revoked_by == "force-admin"


def test_a_supervisor_is_not_an_administrator(world, client, api_as):
    """Only the administrator role reaches other users' tokens, even within the agency."""
    theirs = api_token_issue(user=world.calltaker)
    client.force_login(world.supervisor)
    assert client.post(f"/account/api-tokens/{theirs.token.pk}/revoke").status_code == 404
    assert _works(api_as, theirs.raw) == 200
