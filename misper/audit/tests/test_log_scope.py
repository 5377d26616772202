"""Oversight is scoped: an auditor reads and exports their own agency's access log, never another's."""

from __future__ import annotations

import pytest
from django.test import Client

from misper.accounts.models import Role
from misper.audit.services import access_record
from tests.factories import child_make, episode_make, user_make

pytestmark = pytest.mark.django_db


def _as(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def log(world):  # type: ignore[no-untyped-def]
    """Events by each agency's users; force B's officer reads force B's own episode."""
    other_episode = episode_make(child_make(world.other_force))
    own_episode = episode_make(child_make(world.force))
    access_record(user=world.calltaker, action="view", record_type="episode", record_ids=[own_episode.pk])
    access_record(
        user=world.other_force_officer, action="view", record_type="episode", record_ids=[other_episode.pk]
    )
    access_record(user=world.socialworker, action="view", record_type="episode", record_ids=[own_episode.pk])
    access_record(user=world.other_socialworker, action="export", record_type="child", record_ids=[1])
    return {"own_episode": own_episode, "other_episode": other_episode}


def _usernames(resp) -> set[str]:  # type: ignore[no-untyped-def]
    return {e.username for e in resp.context["events"]}


def test_a_force_auditor_searches_only_their_own_forces_events(world, log):
    auditor = user_make(world.force, Role.AUDITOR, username="auditor-a")
    resp = _as(auditor).get("/audit/log", {"action": "view"})
    assert _usernames(resp) == {"calltaker"}
    everything = _as(auditor).get("/audit/log", {"date_from": "2000-01-01"})
    assert "otherofficer" not in _usernames(everything)
    assert "othersocialworker" not in _usernames(everything)
    assert "socialworker" not in _usernames(everything)


def test_a_force_auditor_cannot_read_another_forces_events_by_naming_them(world, log):
    auditor = user_make(world.force, Role.AUDITOR, username="auditor-a")
    by_user = _as(auditor).get("/audit/log", {"username": "otherofficer"})
    assert by_user.context["events"] == []
    by_record = _as(auditor).get(
        "/audit/log", {"record_type": "episode", "record_id": str(log["other_episode"].pk)}
    )
    assert by_record.context["events"] == []


def test_a_force_auditor_cannot_export_another_forces_events(world, log):
    auditor = user_make(world.force, Role.AUDITOR, username="auditor-a")
    for filters in ({}, {"username": "otherofficer"}, {"record_type": "episode"}):
        resp = _as(auditor).post("/audit/log/export", {"purpose": "Complaint 2026-14", **filters})
        body = b"".join(resp.streaming_content).decode()
        assert "otherofficer" not in body
        assert "othersocialworker" not in body
    mine = b"".join(_as(auditor).post("/audit/log/export", {"purpose": "Check"}).streaming_content).decode()
    assert "calltaker" in mine


def test_the_other_forces_auditor_sees_their_own_events_only(world, log):
    auditor = user_make(world.other_force, Role.AUDITOR, username="auditor-b")
    assert _usernames(_as(auditor).get("/audit/log", {"action": "view"})) == {"otherofficer"}


def test_a_council_auditor_sees_the_councils_events_only(world, log):
    auditor = user_make(world.la, Role.AUDITOR, username="auditor-la")
    assert _usernames(_as(auditor).get("/audit/log", {"date_from": "2000-01-01"})) == {"socialworker"}


def test_a_force_auditor_sees_who_anywhere_looked_at_one_of_their_own_records(world, log):
    auditor = user_make(world.force, Role.AUDITOR, username="auditor-a")
    resp = _as(auditor).get("/audit/log", {"record_type": "episode", "record_id": str(log["own_episode"].pk)})
    assert _usernames(resp) == {"calltaker", "socialworker"}


def test_an_auditor_with_no_agency_sees_nothing(world, log):
    auditor = user_make(world.force, Role.AUDITOR, username="auditor-none")
    auditor.agency = None
    auditor.is_superuser = True  # keeps the session (no agency ends other users' sessions)
    auditor.save()
    assert _as(auditor).get("/audit/log", {"date_from": "2000-01-01"}).context["events"] == []
