"""The sealer: events committed by requests are sealed exactly once, in a deterministic order, even when a
sealer dies mid-batch or two sealers run at once; a crash between commit and sealing loses nothing."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection
from django.utils import timezone

from misper.audit import sealer
from misper.audit.models import AccessEvent
from misper.audit.sealer import audit_seal, seal_batch
from misper.audit.services import access_record
from misper.audit.verify import audit_verify

pytestmark = pytest.mark.django_db


def _unsealed(n: int) -> list[int]:
    now = timezone.now()
    rows = [
        AccessEvent(at=now, username="calltaker", action="view", record_type="episode", record_ids=[str(i)])
        for i in range(n)
    ]
    return [e.pk for e in AccessEvent.objects.bulk_create(rows)]


def _sealed_exactly_once(ids: list[int]) -> None:
    seqs = list(AccessEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(ids) + 1))  # every event has one place, none twice, no gap
    assert audit_verify().problems == []


def test_events_committed_but_never_sealed_are_sealed_by_the_next_sealer(world):
    """A crash between commit and sealing: the rows are committed, unsealed; nothing is lost."""
    events = [access_record(user=world.calltaker, action="view", record_type="episode") for _ in range(3)]
    assert all(e.seq is None for e in events)
    assert audit_seal() == 3
    assert audit_seal() == 0  # nothing is sealed twice
    _sealed_exactly_once([e.pk for e in events])


def test_the_chain_follows_id_order_within_a_batch(world):
    ids = _unsealed(7)
    seal_batch(limit=4)
    seal_batch(limit=4)
    assert list(AccessEvent.objects.order_by("seq").values_list("pk", flat=True)) == ids


def test_unsealed_events_older_than_the_limit_are_an_alarm(world, settings):
    settings.MISPER_AUDIT_UNSEALED_ALARM_SECONDS = 60
    access_record(user=world.calltaker, action="view", record_type="episode")
    assert audit_verify().problems == []  # young: waiting, not an alarm
    AccessEvent.objects.create(  # committed 5 minutes ago and never sealed (no sealer running)
        at=timezone.now() - timedelta(minutes=5), username="calltaker", action="view", record_type="episode"
    )
    problems = audit_verify().problems
    assert any("1 events committed more than 60 seconds ago are not sealed yet" in p for p in problems)
    audit_seal()
    assert audit_verify().problems == []


pg_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent PostgreSQL sessions")


@pg_only
@pytest.mark.django_db(transaction=True)
def test_a_sealer_killed_mid_batch_and_a_second_sealer_seal_every_event_exactly_once(monkeypatch):
    ids = _unsealed(1200)
    mid_batch, resume, victim = threading.Event(), threading.Event(), {}
    real_write = sealer._write_seals

    def half_then_stall(events):  # type: ignore[no-untyped-def]
        if threading.current_thread().name != "doomed":
            return real_write(events)
        real_write(events[: len(events) // 2])
        with connection.cursor() as c:
            c.execute("SELECT pg_backend_pid()")
            victim["pid"] = c.fetchone()[0]
        mid_batch.set()
        resume.wait(30)
        return real_write(events[len(events) // 2 :])

    monkeypatch.setattr(sealer, "_write_seals", half_then_stall)
    errors: list[Exception] = []

    def run_sealer() -> None:
        try:
            audit_seal()
        except DatabaseError as exc:  # the killed one
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    doomed = threading.Thread(target=run_sealer, name="doomed")
    doomed.start()
    assert mid_batch.wait(30)
    rival = threading.Thread(
        target=run_sealer, name="rival"
    )  # a second sealer, started while one is mid-batch
    rival.start()
    with connection.cursor() as c:
        c.execute("SELECT pg_terminate_backend(%s)", [victim["pid"]])  # the kill: PostgreSQL rolls back
    resume.set()
    doomed.join(60)
    rival.join(60)
    assert len(errors) == 1
    audit_seal()  # the restarted sealer
    _sealed_exactly_once(ids)


@pg_only
@pytest.mark.django_db(transaction=True)
def test_two_sealers_racing_seal_every_event_exactly_once():
    ids = _unsealed(3000)
    start = threading.Barrier(2)
    errors: list[Exception] = []

    def run_sealer() -> None:
        start.wait()
        try:
            while seal_batch(limit=100):
                pass
        except (
            DatabaseError
        ) as exc:  # without the sealer lock: a seal refused by the trigger or the unique seq
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run_sealer) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []  # they took turns: neither had a batch refused
    sealer.checkpoint_now()
    _sealed_exactly_once(ids)


def test_the_board_warns_when_events_wait_too_long_for_the_sealer(world, client, settings):
    settings.MISPER_AUDIT_UNSEALED_ALARM_SECONDS = 60
    client.force_login(world.supervisor)
    assert b"audit-alarm" not in client.get("/board/fragment").content
    AccessEvent.objects.create(
        at=timezone.now() - timedelta(minutes=5), username="calltaker", action="view", record_type="episode"
    )
    page = client.get("/board/fragment").content.decode()
    assert "1 access log events have waited more than 60 seconds to be sealed" in page
    assert "Tell your system administrator" in page
    audit_seal()
    assert b"audit-alarm" not in client.get("/board/fragment").content
