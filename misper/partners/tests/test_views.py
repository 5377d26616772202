"""The partner pages: invalid submissions get field-level errors and save nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from misper.partners.models import MissingNotification, ReturnInterview, TriggerPlan
from misper.partners.plans import ENTER_ACTION, ENTER_AGREED_BY

pytestmark = pytest.mark.django_db


def _web(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_invalid_trigger_plan_shows_field_errors_and_saves_nothing(pairs):  # type: ignore[no-untyped-def]
    client = _web(pairs.ours.users["placing_authority"])
    r = client.post(
        f"/children/{pairs.ours.child.pk}/trigger-plan/new",
        {"minimum_risk": "high", "actions": "", "agreed_by": "", "agreed_on": "2020-01-01", "version": "0"},
    )
    assert r.status_code == 200
    page = r.content.decode()
    assert "There is a problem" in page
    assert "Error: " in page
    assert ENTER_ACTION in page
    assert ENTER_AGREED_BY in page
    assert not TriggerPlan.objects.exists()


def test_invalid_care_home_report_shows_field_errors_and_saves_nothing(pairs):  # type: ignore[no-untyped-def]
    client = _web(pairs.ours.users["care_provider"])
    r = client.post(f"/children/{pairs.ours.child.pk}/care-profile/report-missing", {"last_seen_at": "soon"})
    page = r.content.decode()
    assert r.status_code == 200
    assert "There is a problem" in page
    assert 'href="#id_circumstances"' in page
    assert 'href="#id_last_seen_at"' in page
    assert not MissingNotification.objects.exists()


def test_completed_interview_without_account_shows_the_field_error(pairs):  # type: ignore[no-untyped-def]
    ri = pairs.ours.interview
    client = _web(pairs.ours.users["return_interview_provider"])
    r = client.post(
        f"/return-interviews/{ri.pk}",
        {"status": "completed", "at": "2020-01-01T10:00", "version": str(ri.version)},
    )
    page = r.content.decode()
    assert 'href="#id_child_account"' in page
    assert 'href="#id_interviewer_name"' in page
    assert ReturnInterview.objects.get(pk=ri.pk).status == "referred"


def test_inbox_lists_and_acknowledges_the_agencys_alerts(pairs):  # type: ignore[no-untyped-def]
    from misper.notifications.alerts import alerts_for_event

    alerts_for_event(event="episode.found", episode=pairs.ours.episode)
    client = _web(pairs.ours.users["care_provider"])
    page = client.get("/alerts").content.decode()
    assert 'data-testid="alert-count">1<' in page
    alert_id = pairs.ours.episode.alert_set.get(
        channel="inbox", recipient_agency=pairs.ours.agencies["care_provider"]
    ).pk
    assert (
        _web(pairs.theirs.users["care_provider"]).post(f"/alerts/{alert_id}/acknowledge").status_code == 404
    )
    client.post(f"/alerts/{alert_id}/acknowledge")
    assert 'data-testid="alert-count"' not in client.get("/alerts").content.decode()


def test_queue_shows_work_to_do_even_behind_many_finished_interviews(pairs):  # type: ignore[no-untyped-def]
    """The to-do list must not be cut off by years of finished interviews that fall due earlier."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import episode_make

    ours = pairs.ours
    todo = ours.interview
    ReturnInterview.objects.filter(pk=todo.pk).update(due_at=timezone.now() + timedelta(hours=24))
    long_ago = timezone.now() - timedelta(days=400)
    ReturnInterview.objects.bulk_create(
        ReturnInterview(
            episode=episode_make(ours.child, reported_at=long_ago - timedelta(days=i)),
            responsible_agency=todo.responsible_agency,
            provider=todo.provider,
            referred_at=long_ago,
            due_at=long_ago + timedelta(hours=72),
            status="completed",
            completed_at=long_ago + timedelta(hours=30),
        )
        for i in range(501)
    )
    page = _web(ours.users["return_interview_provider"]).get("/return-interviews").content.decode()
    assert f'href="/return-interviews/{todo.pk}"' in page
    assert "No interviews to do." not in page
