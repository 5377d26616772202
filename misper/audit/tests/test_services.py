from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from misper.audit.models import AccessEvent
from misper.audit.services import access_record, audit_chain_verify

pytestmark = pytest.mark.django_db


def _three_events(user):
    return [access_record(user=user, action="view", record_type="episode", record_ids=[i]) for i in range(3)]


def test_chain_verifies_when_untouched(world, capsys):
    _three_events(world.calltaker)
    assert audit_chain_verify() == []
    call_command("audit", "verify")
    assert "3 events verified" in capsys.readouterr().out


def test_an_edited_event_is_detected(world):
    events = _three_events(world.calltaker)
    AccessEvent.objects.filter(pk=events[1].pk).update(record_ids=["999"])
    problems = audit_chain_verify()
    assert len(problems) == 1
    assert "edited" in problems[0]
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_a_deleted_event_is_detected(world):
    events = _three_events(world.calltaker)
    AccessEvent.objects.filter(pk=events[1].pk).delete()
    assert any("removed" in p for p in audit_chain_verify())


def test_events_hold_ids_and_who_not_content(world):
    event = access_record(
        user=world.calltaker, action="view", record_type="episode", record_ids=[7], purpose="MP-1"
    )
    assert (event.username, event.agency_code, event.role) == ("calltaker", "test-force", "call_handler")
    assert event.record_ids == ["7"]
