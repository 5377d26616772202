"""Who is told about what, once, and only when the change that caused it commits."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from misper.accounts.models import AgencyKind, Role
from misper.audit.models import AccessEvent
from misper.episodes import services
from misper.episodes.models import Episode
from misper.notifications.alerts import CSE_TEAM, alerts_for_event
from misper.notifications.models import Alert, AlertChannel, AlertStatus, Subscription
from misper.notifications.sweep import alerts_sweep
from misper.notifications.webhooks import body_bytes, signature, signature_verify
from misper.partners.models import InterviewStatus, ReturnInterview
from misper.partners.tests.conftest import report_doc
from misper.people.models import Location, LocationKind, VulnerabilityFlag
from tests.factories import agency_make, child_make, episode_make, episode_version, user_make

pytestmark = pytest.mark.django_db


def _agencies(event: str, channel: str = AlertChannel.INBOX) -> set[str]:
    return set(
        Alert.objects.filter(event=event, channel=channel).values_list("recipient_agency__code", flat=True)
    )


@pytest.fixture
def placed_child(world):
    """A looked-after child placed by ``la`` in a care home that sits in another force's area."""
    home = agency_make(AgencyKind.CARE_PROVIDER, code="oak-house", police_area=world.other_force)
    host = agency_make(AgencyKind.LOCAL_AUTHORITY, code="host-la", police_area=world.other_force)
    return child_make(
        world.force, looked_after=True, placing_authority=world.la, host_authority=host, care_provider=home
    )


def test_reported_episode_alerts_the_responsible_agencies_and_not_others(world, api_as):
    resp = api_as(world.calltaker).post_json(
        "/api/v1/episodes", report_doc("C-1", placing_authority="test-la")
    )
    assert resp.status_code == 201, resp.content
    told = _agencies("episode.reported")
    assert {"test-la", "test-force"} <= told
    assert "other-la" not in told
    assert "other-force" not in told  # the child and family are all in Testshire


def test_placement_host_care_home_and_neighbouring_force_are_told(world, placed_child):
    episode = episode_make(placed_child, risk="medium")
    alerts_for_event(event="episode.reported", episode=episode)
    assert _agencies("episode.reported") == {"test-la", "host-la", "oak-house", "test-force", "other-force"}
    assert not Alert.objects.filter(target=CSE_TEAM).exists()  # medium risk, no exploitation flag


def test_neighbouring_force_from_the_placement_address(world):
    place = Location.objects.create(force=world.other_force, kind=LocationKind.PLACEMENT, name="Flat")
    episode = episode_make(child_make(world.force, placement_address=place))
    alerts_for_event(event="episode.reported", episode=episode)
    assert _agencies("episode.reported") == {"test-force", "other-force"}


@pytest.mark.parametrize(
    ("risk", "flag", "cse_told"),
    [
        ("high", None, True),
        ("medium", "cse_risk", True),
        ("medium", "cce_risk", True),
        ("medium", None, False),
    ],
)
def test_cse_team_is_told_of_high_risk_or_exploitation(world, risk, flag, cse_told):
    child = child_make(world.force)
    if flag:
        VulnerabilityFlag.objects.create(child=child, code=flag, noted_on=timezone.now().date())
    alerts_for_event(event="episode.reported", episode=episode_make(child, risk=risk))
    cse = Alert.objects.filter(target=CSE_TEAM, recipient_agency=world.force, channel=AlertChannel.INBOX)
    assert cse.exists() is cse_told


def test_channels_inbox_email_and_only_matching_active_subscriptions(world):
    world.la.email = "duty@testshire.example"
    world.la.save()
    wanted = Subscription.objects.create(
        agency=world.la, url="http://127.0.0.1/a", secret="s" * 20, events=["episode.reported"]
    )
    Subscription.objects.create(
        agency=world.la, url="http://127.0.0.1/b", secret="s" * 20, events=["episode.found"]
    )
    Subscription.objects.create(
        agency=world.la, url="http://127.0.0.1/c", secret="s" * 20, events=["episode.reported"], active=False
    )
    episode = episode_make(child_make(world.force, placing_authority=world.la))
    alerts_for_event(event="episode.reported", episode=episode)
    la = Alert.objects.filter(recipient_agency=world.la)
    assert sorted(la.values_list("channel", "target")) == [
        ("email", "duty@testshire.example"),
        ("inbox", ""),
        ("webhook", str(wanted.pk)),
    ]
    assert la.get(channel="inbox").status == AlertStatus.DELIVERED  # the inbox is the app itself
    assert la.get(channel="webhook").status == AlertStatus.PENDING
    payload = la.get(channel="webhook").payload
    assert set(payload) == {"event", "episode_id", "child_ref", "risk", "occurred_at", "delivery_id"}
    assert payload["delivery_id"] == str(la.get(channel="webhook").delivery_id)


def test_the_same_event_twice_makes_no_second_alert(world):
    Subscription.objects.create(
        agency=world.la, url="http://127.0.0.1/a", secret="s" * 20, events=["episode.reported"]
    )
    episode = episode_make(child_make(world.force, placing_authority=world.la))
    alerts_for_event(event="episode.reported", episode=episode)
    first = Alert.objects.count()
    alerts_for_event(event="episode.reported", episode=episode)  # a retried request, a second sweep
    assert Alert.objects.count() == first
    assert Alert.objects.filter(recipient_agency=world.la, channel="webhook").count() == 1


def test_two_regrades_are_two_events_and_a_replayed_report_is_none(world, api_as):
    client = api_as(world.calltaker)
    headers = {"Idempotency-Key": "report-1"}
    doc = report_doc("C-2", "test-la")  # a retry sends the same body (a different one is a 422)
    episode_id = client.post_json("/api/v1/episodes", doc, headers=headers).json()["id"]
    assert client.post_json("/api/v1/episodes", doc, headers=headers).status_code == 200
    assert Alert.objects.filter(event="episode.reported", recipient_agency=world.la).count() == 1
    for grade in ("high", "high"):
        resp = client.post_json(
            f"/api/v1/episodes/{episode_id}/grading",
            {"version": episode_version(episode_id), "category": "missing", "risk": grade},
        )
        assert resp.status_code == 200, resp.content
    keys = set(Alert.objects.filter(event="episode.regraded").values_list("event_key", flat=True))
    assert len(keys) == 2


def test_no_alert_for_a_rolled_back_change(world):
    episode = episode_make(child_make(world.force, placing_authority=world.la))
    queued_inside: list[int] = []

    def found_then_fail() -> None:
        with transaction.atomic():
            services.episode_found(
                episode_id=episode.pk,
                acting_user=world.calltaker,
                found_at=timezone.now(),
                expected_version=episode_version(episode.pk),
            )
            queued_inside.append(Alert.objects.filter(event="episode.found").count())
            raise RuntimeError("something later in the same request failed")

    with pytest.raises(RuntimeError):
        found_then_fail()
    assert queued_inside[0] > 0  # the alerts were queued inside the transaction …
    assert Alert.objects.count() == 0  # … and rolled back with it
    assert Episode.objects.get(pk=episode.pk).status == "reported"


def test_no_alert_when_the_service_refuses(world):
    episode = episode_make(child_make(world.force, placing_authority=world.la))
    with pytest.raises(Exception, match="after the time"):
        services.episode_found(
            episode_id=episode.pk,
            acting_user=world.calltaker,
            found_at=episode.reported_at - timedelta(hours=1),
            expected_version=episode_version(episode.pk),
        )
    assert Alert.objects.count() == 0


def test_queueing_an_alert_is_logged_as_a_disclosure(world):
    episode = episode_make(child_make(world.force, placing_authority=world.la))
    alerts_for_event(event="episode.reported", episode=episode)
    event = AccessEvent.objects.get(action="disclose")
    assert event.record_ids == [str(episode.pk)]
    assert "test-la" in event.purpose


# --- signatures -----------------------------------------------------------------------------------


def test_signature_is_hmac_sha256_of_timestamp_dot_body():
    body = body_bytes({"event": "episode.reported", "episode_id": 7})
    ts = str(int(time.time()))
    expected = hmac.new(b"secret-123", f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    assert signature("secret-123", ts, body) == f"sha256={expected}"
    assert signature_verify("secret-123", ts, body, f"sha256={expected}")
    assert not signature_verify("secret-124", ts, body, f"sha256={expected}")  # wrong secret
    assert not signature_verify("secret-123", ts, body + b" ", f"sha256={expected}")  # altered body
    old = str(int(time.time()) - 3600)
    assert not signature_verify("secret-123", old, body, signature("secret-123", old, body))  # replayed


# --- the sweep ------------------------------------------------------------------------------------


def test_missing_24h_and_72h_are_queued_once(world):
    now = timezone.now()
    long_gone = episode_make(
        child_make(world.force, placing_authority=world.la), reported_at=now - timedelta(hours=80)
    )
    recent = episode_make(child_make(world.force), reported_at=now - timedelta(hours=2))
    found = episode_make(child_make(world.force), reported_at=now - timedelta(hours=30), status="found")
    assert alerts_sweep(now=now)["episode.missing_24h"] == 1
    assert alerts_sweep(now=now) == dict.fromkeys(
        (
            "episode.missing_24h",
            "episode.missing_72h",
            "return_interview.overdue",
            "episode.review_due",
            "alert.escalated",
        ),
        0,
    )
    for event in ("episode.missing_24h", "episode.missing_72h"):
        assert set(Alert.objects.filter(event=event).values_list("episode", flat=True)) == {long_gone.pk}
    assert not Alert.objects.filter(episode__in=[recent, found]).exists()
    occurred = Alert.objects.filter(event="episode.missing_72h").first().payload["occurred_at"]
    assert occurred == (long_gone.reported_at + timedelta(hours=72)).isoformat()


def test_overdue_return_interview_is_queued_once_for_the_authority_and_provider(world):
    provider = agency_make(AgencyKind.RETURN_INTERVIEW_PROVIDER, code="rhi-co", commissioned_by=world.la)
    episode = episode_make(child_make(world.force, placing_authority=world.la), status="closed")
    now = timezone.now()
    ReturnInterview.objects.create(
        episode=episode,
        responsible_agency=world.la,
        provider=provider,
        referred_at=now - timedelta(hours=80),
        due_at=now - timedelta(hours=8),
    )
    done = episode_make(child_make(world.force), status="closed")
    ReturnInterview.objects.create(
        episode=done,
        responsible_agency=world.la,
        referred_at=now - timedelta(hours=80),
        due_at=now - timedelta(hours=8),
        status=InterviewStatus.COMPLETED,
        completed_at=now,
    )
    alerts_sweep(now=now)
    alerts_sweep(now=now)
    assert _agencies("return_interview.overdue") == {"test-la", "rhi-co", "test-force"}
    assert Alert.objects.filter(event="return_interview.overdue", channel="inbox", target="").count() == 3


def test_unacknowledged_high_risk_alert_escalates_to_duty_managers_once(world, settings):
    settings.MISPER_ESCALATE_AFTER_MINUTES = 30
    second_supervisor = user_make(world.force, Role.SUPERVISOR)
    episode = episode_make(child_make(world.force, placing_authority=world.la), risk="high")
    alerts_for_event(event="episode.reported", episode=episode)
    now = timezone.now()
    assert alerts_sweep(now=now + timedelta(minutes=29))["alert.escalated"] == 0
    assert alerts_sweep(now=now + timedelta(minutes=31))["alert.escalated"] == 1
    assert alerts_sweep(now=now + timedelta(minutes=45))["alert.escalated"] == 0
    escalations = Alert.objects.filter(event="alert.escalated")
    assert set(escalations.values_list("recipient_user", flat=True)) == {
        world.supervisor.pk,
        second_supervisor.pk,
    }
    assert {a.channel for a in escalations} == {"inbox"}
    assert "Testshire Children's Services" in escalations.first().payload["unacknowledged_by"]


def test_acknowledged_high_risk_alerts_do_not_escalate(world):
    episode = episode_make(child_make(world.force), risk="high")
    alerts_for_event(event="episode.reported", episode=episode)
    Alert.objects.filter(channel="inbox").update(status="acknowledged", acknowledged_at=timezone.now())
    assert alerts_sweep(now=timezone.now() + timedelta(hours=1))["alert.escalated"] == 0


def test_the_report_that_crosses_the_repeat_threshold_alerts_once(world, api_as):
    child = child_make(world.force, ref="C-R", placing_authority=world.la, looked_after=True)
    for days in (40, 20):
        episode_make(child, reported_at=timezone.now() - timedelta(days=days), status="closed")
    client = api_as(world.calltaker)
    assert (
        client.post_json("/api/v1/episodes", report_doc("C-R", placing_authority="test-la")).status_code
        == 201
    )
    assert "test-la" in _agencies("episode.repeat_threshold")  # the third in 90 days
    crossing = Alert.objects.filter(event="episode.repeat_threshold").count()
    child.episodes.update(status="closed")  # one open episode per child: the third is over
    assert (
        client.post_json("/api/v1/episodes", report_doc("C-R", placing_authority="test-la")).status_code
        == 201
    )
    assert Alert.objects.filter(event="episode.repeat_threshold").count() == crossing  # the fourth: no news


def test_a_handover_tells_the_new_owner_in_their_own_inbox(world):
    from misper.episodes.services_work import episode_handover

    officer = user_make(world.force, Role.INVESTIGATING_OFFICER, username="night-officer")
    episode = episode_make(child_make(world.force))
    episode_handover(
        episode_id=episode.pk,
        new_owner=officer,
        note="CCTV requested",
        acting_user=world.calltaker,
        expected_version=episode_version(episode.pk),
    )
    alert = Alert.objects.get(event="episode.handed_over")
    assert (alert.recipient_user, alert.channel) == (officer, AlertChannel.INBOX)
    assert not Alert.objects.filter(event="episode.handed_over").exclude(channel=AlertChannel.INBOX).exists()
