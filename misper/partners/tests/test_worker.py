"""The delivery worker against a real HTTP receiver and a real SMTP server: delivered, retried, never lost,
never twice at a receiver that de-duplicates by ``X-Misper-Delivery``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from misper.notifications import webhooks
from misper.notifications.alerts import alerts_for_event
from misper.notifications.models import Alert, AlertStatus, Subscription
from misper.notifications.webhooks import SendResult
from misper.notifications.worker import alert_record_result, alerts_claim, alerts_deliver_due, backoff
from misper.partners.tests.conftest import RECEIVER_SECRET, Receiver, report_doc, start_server
from tests.factories import child_make, episode_make

pytestmark = pytest.mark.django_db


def _subscribe(api_as: Any, user: Any, agency: Any, url: str, events: list[str] | None = None) -> int:
    body = {
        "agency": agency.pk,
        "url": url,
        "secret": RECEIVER_SECRET,
        "events": events or ["episode.reported"],
    }
    resp = api_as(user).post_json("/api/v1/subscriptions", body)
    assert resp.status_code == 201, resp.content
    return int(resp.json()["id"])


def _clock(start: datetime) -> tuple[Callable[[], datetime], Callable[[float], None]]:
    """A clock the test moves, so back-off can be walked through without waiting for it."""
    t = [start]

    def now() -> datetime:
        return t[0]

    def advance(seconds: float) -> None:
        t[0] += timedelta(seconds=seconds)

    return now, advance


def test_partner_webhook_receives_episode_reported_within_seconds(world, api_as, receiver):
    _subscribe(api_as, world.socialworker, world.la, receiver.url)
    started = time.monotonic()
    resp = api_as(world.calltaker).post_json(
        "/api/v1/episodes", report_doc("C-W1", placing_authority="test-la")
    )
    assert resp.status_code == 201, resp.content
    alerts_deliver_due()  # what the worker does on its next poll (every second)
    assert time.monotonic() - started < 10
    assert receiver.events() == ["episode.reported"]
    got = next(iter(receiver.processed.values()))
    assert got.payload["episode_id"] == resp.json()["id"]
    assert got.payload["child_ref"] == "C-W1"
    assert set(got.payload) == {"event", "episode_id", "child_ref", "risk", "occurred_at", "delivery_id"}
    assert got.delivery_id == got.payload["delivery_id"]
    assert receiver.bad_signatures == 0
    alert = Alert.objects.get(channel="webhook")
    assert alert.status == AlertStatus.DELIVERED
    assert alert.attempts == 1


def test_email_alert_reaches_a_real_smtp_server(world, smtp):
    world.la.email = "duty@testshire.example"
    world.la.save()
    alerts_for_event(
        event="episode.reported", episode=episode_make(child_make(world.force, placing_authority=world.la))
    )
    alerts_deliver_due()
    assert [m.rcpt_tos for m in smtp.messages] == [["duty@testshire.example"]]
    text = smtp.messages[0].content.decode()
    assert "episode.reported" in text
    assert "Testchild" not in text  # no personal details in e-mail
    assert Alert.objects.get(channel="email").status == AlertStatus.DELIVERED


def test_email_server_down_is_retried(world, settings):
    from misper.partners.tests.conftest import free_port

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    world.la.email = "duty@testshire.example"
    world.la.save()
    alerts_for_event(
        event="episode.reported", episode=episode_make(child_make(world.force, placing_authority=world.la))
    )
    alerts_deliver_due()
    alert = Alert.objects.get(channel="email")
    assert alert.status == AlertStatus.FAILED
    assert alert.last_error


def test_receiver_down_for_a_minute_still_gets_every_alert_once(world, api_as):
    receiver = Receiver()
    server = start_server(receiver)
    port = receiver.port
    _subscribe(api_as, world.socialworker, world.la, receiver.url)
    server.shutdown()
    server.server_close()  # down: connection refused
    for i in range(3):
        child = child_make(world.force, placing_authority=world.la)
        alerts_for_event(event="episode.reported", episode=episode_make(child))
        del i
    now, advance = _clock(timezone.now())
    server = None
    for second in range(150):
        if second == 40:
            server = start_server(receiver, port=port)  # back, but overloaded for a while
            receiver.statuses = [503] * 3
        alerts_deliver_due(now=now)
        advance(1)
    try:
        alerts = list(Alert.objects.filter(channel="webhook"))
        assert {a.status for a in alerts} == {AlertStatus.DELIVERED}
        assert sorted(receiver.processed) == sorted(str(a.delivery_id) for a in alerts)
        assert len(receiver.requests) > len(alerts)  # 503s were retried …
        assert {r.delivery_id for r in receiver.requests} == set(receiver.processed)  # … under the same id
        assert all(a.attempts <= 9 for a in alerts)  # back-off, not hammering
    finally:
        if server:
            server.shutdown()
            server.server_close()


def test_failures_back_off_exponentially_with_the_last_error(world, receiver):
    receiver.statuses = [503] * 10
    Subscription.objects.create(
        agency=world.la, url=receiver.url, secret=RECEIVER_SECRET, events=["episode.reported"]
    )
    alerts_for_event(
        event="episode.reported", episode=episode_make(child_make(world.force, placing_authority=world.la))
    )
    now, _ = _clock(timezone.now())
    alerts_deliver_due(now=now)
    alert = Alert.objects.get(channel="webhook")
    assert (alert.status, alert.last_error) == (AlertStatus.FAILED, "HTTP 503 from the receiver")
    assert alert.next_attempt_at == now() + timedelta(seconds=2)
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4, 8, 9, 30)] == [2, 4, 8, 16, 256, 300, 300]


def test_gives_up_after_a_day(world, receiver):
    receiver.statuses = [500] * 10
    Subscription.objects.create(
        agency=world.la, url=receiver.url, secret=RECEIVER_SECRET, events=["episode.reported"]
    )
    alerts_for_event(
        event="episode.reported", episode=episode_make(child_make(world.force, placing_authority=world.la))
    )
    now, _ = _clock(timezone.now() + timedelta(hours=24, minutes=1))
    alerts_deliver_due(now=now)
    assert Alert.objects.get(channel="webhook").status == AlertStatus.DEAD


def test_a_claim_is_exclusive_until_its_lease_runs_out(world, settings):
    settings.MISPER_ALERT_LEASE_SECONDS = 60
    Subscription.objects.create(
        agency=world.la, url="http://127.0.0.1:9/x", secret="s" * 20, events=["episode.reported"]
    )
    alerts_for_event(
        event="episode.reported", episode=episode_make(child_make(world.force, placing_authority=world.la))
    )
    now = timezone.now()
    assert len(alerts_claim(now=now)) == 1
    assert alerts_claim(now=now + timedelta(seconds=59)) == []  # another worker does not take it
    again = alerts_claim(now=now + timedelta(seconds=61))  # the first worker died: it is retried
    assert len(again) == 1
    assert again[0].attempts == 2


def test_a_worker_whose_lease_ran_out_cannot_reschedule_a_newer_claim(world, settings):
    settings.MISPER_ALERT_LEASE_SECONDS = 60
    Subscription.objects.create(
        agency=world.la, url="http://127.0.0.1:9/x", secret="s" * 20, events=["episode.reported"]
    )
    alerts_for_event(
        event="episode.reported", episode=episode_make(child_make(world.force, placing_authority=world.la))
    )
    now = timezone.now()
    [slow] = alerts_claim(now=now)
    [fresh] = alerts_claim(now=now + timedelta(seconds=61))  # the slow worker's lease ran out
    alert_record_result(slow, SendResult(False, "timed out"), now=now + timedelta(seconds=62))
    alert = Alert.objects.get(pk=fresh.pk)
    assert alert.next_attempt_at == now + timedelta(seconds=121)  # still the fresh worker's lease
    assert alert.last_error == ""
    alert_record_result(fresh, SendResult(True), now=now + timedelta(seconds=63))
    alert_record_result(slow, SendResult(False, "late failure"), now=now + timedelta(seconds=64))
    assert Alert.objects.get(pk=fresh.pk).status == AlertStatus.DELIVERED  # a success is never undone


def test_slow_receiver_times_out_and_never_blocks_a_request(world, api_as, receiver, monkeypatch):
    monkeypatch.setattr(webhooks, "TIMEOUT_SECONDS", 0.5)
    receiver.sleep_first = 30
    _subscribe(api_as, world.socialworker, world.la, receiver.url)
    started = time.monotonic()
    resp = api_as(world.calltaker).post_json(
        "/api/v1/episodes", report_doc("C-W2", placing_authority="test-la")
    )
    assert resp.status_code == 201
    assert time.monotonic() - started < 5
    assert receiver.requests == []  # the request sent nothing
    alerts_deliver_due()
    alert = Alert.objects.get(channel="webhook")
    assert alert.status == AlertStatus.FAILED
    assert "timed out" in alert.last_error.lower()


@pytest.mark.parametrize("url", ["http://10.1.2.3/hook", "http://169.254.169.254/latest", "http://[::1]:9/x"])
def test_internal_addresses_are_never_called(world, settings, url):
    settings.MISPER_WEBHOOK_ALLOWLIST = []
    Subscription.objects.create(agency=world.la, url=url, secret="s" * 20, events=["episode.reported"])
    alerts_for_event(
        event="episode.reported", episode=episode_make(child_make(world.force, placing_authority=world.la))
    )
    alerts_deliver_due()
    alert = Alert.objects.get(channel="webhook")
    assert alert.status == AlertStatus.DEAD
    assert alert.last_error.startswith("Refused: ")


def test_allow_list_removal_is_enforced_at_send_time(world, settings, receiver):
    Subscription.objects.create(
        agency=world.la, url=receiver.url, secret="s" * 20, events=["episode.reported"]
    )
    settings.MISPER_WEBHOOK_ALLOWLIST = []  # 127.0.0.1 was allowed when subscribing, not any more
    alerts_for_event(
        event="episode.reported", episode=episode_make(child_make(world.force, placing_authority=world.la))
    )
    alerts_deliver_due()
    assert receiver.requests == []
    assert Alert.objects.get(channel="webhook").status == AlertStatus.DEAD


# --- a real worker process, killed mid-delivery -----------------------------------------------------


def _worker_database(tmp_path: Path) -> str:
    """The DATABASE_URL a worker process can share with this test: PostgreSQL's test database, or on
    SQLite a migrated file (the test's own in-memory database cannot be shared with another process)."""
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
        return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    if connection.vendor != "sqlite":
        pytest.skip(f"no worker-process set-up for {connection.vendor}")
    return f"sqlite:///{tmp_path / 'worker.sqlite3'}"


def _env(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="misper.config.settings",
        MISPER_VAR_DIR=str(tmp_path),
        MISPER_ALERT_LEASE_SECONDS="2",
        MISPER_WEBHOOK_ALLOWLIST="127.0.0.1",
        MISPER_ENV="demo",
    )
    return env


def _misper(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "misper.cli", *args], env=env)


def _python(env: dict[str, str], code: str) -> str:
    script = f"import django; django.setup(); from misper.partners.tests import worker_fixture as f; {code}"
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode()


def _wait(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_delivery_still_delivers_exactly_once(tmp_path, receiver):
    database_url = _worker_database(tmp_path)
    env = _env(tmp_path, database_url)
    if database_url.startswith("sqlite"):
        assert _misper(env, "migrate", "--no-input", "-v", "0").wait(timeout=120) == 0
    _python(env, f"f.seed({receiver.url!r}, {RECEIVER_SECRET!r}, 3)")
    receiver.sleep_first = 60  # the first delivery is received, then the worker waits for a reply …

    first = _misper(env, "worker", "--poll", "0.2")
    try:
        assert receiver.got_first.wait(60), "the worker never called the receiver"
        first.send_signal(signal.SIGKILL)  # … and is killed before it gets one
        first.wait(timeout=10)
    finally:
        first.kill()
    assert len(receiver.requests) == 1

    second = _misper(env, "worker", "--poll", "0.2")
    try:

        def all_delivered() -> bool:
            rows = json.loads(_python(env, "f.summary()"))
            return bool(rows) and all(r["status"] == "delivered" for r in rows)

        assert _wait(all_delivered, 60), _python(env, "f.summary()")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=20)

    rows = json.loads(_python(env, "f.summary()"))
    ids = {r["delivery_id"] for r in rows}
    assert len(rows) == 3
    assert set(receiver.processed) == ids  # every alert arrived, processed exactly once per delivery id
    resent = receiver.requests[0].delivery_id
    assert [r.delivery_id for r in receiver.requests].count(resent) == 2  # re-sent with the same id
    assert next(r for r in rows if r["delivery_id"] == resent)["attempts"] == 2
    assert receiver.bad_signatures == 0
