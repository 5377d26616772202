"""The auditors' access-log pages: only auditors, every search and export is itself logged."""

from __future__ import annotations

import pytest
from django.test import Client

from misper.accounts.models import Role
from misper.audit.forms import PURPOSE_REQUIRED
from misper.audit.models import AccessEvent
from misper.audit.services import access_record
from tests.factories import user_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(world):
    return user_make(world.force, Role.AUDITOR, username="auditor")


def _as(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_only_auditors_read_the_log(world, auditor):
    assert _as(world.supervisor).get("/audit/log").status_code == 403
    assert _as(world.supervisor).post("/audit/log/export", {"purpose": "x"}).status_code == 403
    assert _as(auditor).get("/audit/log").status_code == 200


def test_search_by_user_and_record_is_logged(world, auditor):
    access_record(user=world.calltaker, action="view", record_type="episode", record_ids=[7])
    access_record(user=world.calltaker, action="view", record_type="episode", record_ids=[77])
    access_record(user=world.supervisor, action="view", record_type="episode", record_ids=[7])
    resp = _as(auditor).get(
        "/audit/log", {"username": "calltaker", "record_type": "episode", "record_id": "7"}
    )
    assert resp.status_code == 200
    assert [e.record_ids for e in resp.context["events"]] == [["7"]]
    logged = AccessEvent.objects.order_by("-pk").first()
    assert (logged.username, logged.action, logged.record_type) == ("auditor", "search", "access_event")


def test_search_by_date_and_action(world, auditor):
    access_record(user=world.calltaker, action="view", record_type="child", record_ids=[1])
    resp = _as(auditor).get(
        "/audit/log", {"action": "view", "date_from": "2000-01-01", "date_to": "2000-01-02"}
    )
    assert resp.context["events"] == []
    resp = _as(auditor).get("/audit/log", {"date_from": "not a date"})
    assert resp.status_code == 200
    assert "Enter a real date" in resp.content.decode()


def test_export_needs_a_purpose_and_is_logged(world, auditor):
    access_record(
        user=world.calltaker, action="view", record_type="child", record_ids=[1], purpose="=HYPERLINK()"
    )
    refused = _as(auditor).post("/audit/log/export", {})
    assert refused.status_code == 400
    assert PURPOSE_REQUIRED in refused.content.decode()
    resp = _as(auditor).post("/audit/log/export", {"purpose": "Complaint 2026-14"})
    body = b"".join(resp.streaming_content).decode()
    assert resp["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK()" in body  # a spreadsheet will not run it as a formula
    last = AccessEvent.objects.order_by("-pk").first()
    assert (last.action, last.purpose) == ("export", "stated: Complaint 2026-14")
