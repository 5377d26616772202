from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from misper.audit.models import AccessEvent
from misper.audit.sealer import audit_seal
from misper.audit.services import access_record, audit_chain_verify

pytestmark = pytest.mark.django_db


def _three_events(user):
    events = [
        access_record(user=user, action="view", record_type="episode", record_ids=[i]) for i in range(3)
    ]
    audit_seal()
    return [AccessEvent.objects.get(pk=e.pk) for e in events]


def test_chain_verifies_when_untouched(world, capsys):
    _three_events(world.calltaker)
    assert audit_chain_verify() == []
    call_command("audit", "verify")
    assert "3 events verified" in capsys.readouterr().out


def test_events_hold_ids_and_who_not_content(world):
    event = access_record(
        user=world.calltaker, action="view", record_type="episode", record_ids=[7], purpose="MP-1"
    )
    assert (event.username, event.agency_code, event.role) == ("calltaker", "test-force", "call_handler")
    assert event.record_ids == ["7"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's")
def test_the_database_refuses_to_edit_or_delete_events(world):
    event = _three_events(world.calltaker)[1]
    for change in (
        lambda: AccessEvent.objects.filter(pk=event.pk).update(purpose="nothing to see"),
        lambda: AccessEvent.objects.filter(pk=event.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            change()
    assert audit_chain_verify() == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's")
def test_the_database_refuses_to_seal_twice_or_to_change_content_while_sealing(world):
    event = access_record(user=world.calltaker, action="view", record_type="episode", record_ids=[1])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).update(seq=1, hash="x", purpose="rewritten")
    audit_seal()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).update(seq=2, hash="y")
    assert AccessEvent.objects.get(pk=event.pk).seq == 1
    assert audit_chain_verify() == []


def test_purpose_is_taken_from_the_case_in_the_url(world, rf):
    from django.urls import resolve

    request = rf.get("/episodes/42")
    request.resolver_match = resolve("/episodes/42")
    event = access_record(user=world.calltaker, action="view", record_type="episode", request=request)
    assert event.purpose == "case: episode 42"


def test_a_stated_purpose_wins(world, rf):
    request = rf.post("/children/search", {"purpose": "Call from care home"})
    event = access_record(user=world.calltaker, action="search", record_type="child", request=request)
    assert event.purpose == "stated: Call from care home"


def test_export_command_writes_csv_and_logs_itself(world, capsys):
    _three_events(world.calltaker)
    with pytest.raises(CommandError):
        call_command("audit", "export")
    call_command("audit", "export", "--purpose", "Subject access request 12")
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("id,at,username")
    assert len(lines) == 4
    last = AccessEvent.objects.order_by("-pk").first()
    assert (last.action, last.record_type, len(last.record_ids)) == ("export", "access_event", 3)
    assert audit_chain_verify() == []
