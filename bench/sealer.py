"""The access log's sealer alone (misper/audit/sealer.py), on PostgreSQL.

1. Throughput: 20,000 committed unsealed events, sealed by ``audit_seal`` in batches of 500: events/s.
2. Lag: the sealer runs as production runs it (``misper audit seal --loop``, its own process, polling
   every 0.2 s) while 4 writer threads append events through ``access_record``, each in its own
   transaction, about 200 a second for 20 s. Lag = the event's ``sealed_at`` (taken by the sealer as it
   seals the batch) minus the moment its writer's commit returned: p50/p95/p99, and how many are unsealed
   10 s after the writers stop (must be 0).

Baseline: the request side, ``access_record`` appends per second in one thread (what a request pays).
Uses its own database ``misper_bench_sealer``, rebuilt each run. ``python -m bench sealer``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.common import PG, ROOT, django_setup, latency, peak_rss_mib, write_result  # noqa: E402

DB = "misper_bench_sealer"
EVENTS = 20_000
WRITERS, RATE, SECONDS = 4, 200, 20


def _rebuild(url: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )


def _throughput() -> float:
    from django.utils import timezone

    from misper.audit.models import AccessEvent
    from misper.audit.sealer import audit_seal

    now = timezone.now()
    rows = [
        AccessEvent(at=now, username="bench", action="view", record_type="episode", record_ids=[str(i), "7"])
        for i in range(EVENTS)
    ]
    AccessEvent.objects.bulk_create(rows, batch_size=2000)
    started = time.perf_counter()
    sealed = audit_seal()
    assert sealed == EVENTS, sealed
    return round(sealed / (time.perf_counter() - started), 1)


def _append_rate() -> float:
    from django.db import transaction

    from misper.audit.services import access_record

    n, started = 2000, time.perf_counter()
    for i in range(n):
        with transaction.atomic():
            access_record(user=None, action="view", record_type="episode", record_ids=[i])
    return round(n / (time.perf_counter() - started), 1)


def _writer(committed: dict[int, float], until: float) -> None:
    from django.db import connection, transaction

    from misper.audit.services import access_record

    gap = WRITERS / RATE
    while time.time() < until:
        with transaction.atomic():
            event = access_record(user=None, action="view", record_type="episode", record_ids=[1])
        committed[event.pk] = time.time()
        time.sleep(gap)
    connection.close()


def _wait_until_sealing() -> None:
    """Start measuring once the sealer process is up: a probe event has been sealed."""
    from misper.audit.models import AccessEvent
    from misper.audit.services import access_record

    probe = access_record(user=None, action="view", record_type="episode", record_ids=["probe"])
    for _ in range(600):
        if AccessEvent.objects.filter(pk=probe.pk, seq__isnull=False).exists():
            return
        time.sleep(0.1)
    raise RuntimeError("the sealer did not start within a minute")


def _lag(url: str, checkpoints: str) -> tuple[list[float], int]:
    from misper.audit.models import AccessEvent

    env = {**os.environ, "DATABASE_URL": url, "MISPER_AUDIT_CHECKPOINTS": f"file:{checkpoints}"}
    sealer = subprocess.Popen([sys.executable, "manage.py", "audit", "seal", "--loop"], cwd=ROOT, env=env)
    try:
        _wait_until_sealing()
        committed: dict[int, float] = {}
        until = time.time() + SECONDS
        threads = [threading.Thread(target=_writer, args=(committed, until)) for _ in range(WRITERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        time.sleep(10)
        unsealed = AccessEvent.objects.filter(pk__in=list(committed), seq__isnull=True).count()
    finally:
        sealer.terminate()
        sealer.wait(30)
    sealed_at = dict(
        AccessEvent.objects.filter(pk__in=list(committed), seq__isnull=False).values_list("pk", "sealed_at")
    )
    lags = [max(0.0, (at.timestamp() - committed[pk]) * 1000) for pk, at in sealed_at.items()]
    return lags, unsealed


def main() -> int:
    url = f"{PG}/{DB}"
    _rebuild(url)
    checkpoints = Path(tempfile.mkdtemp()) / "checkpoints.log"  # a rebuilt database: its own checkpoints
    os.environ["MISPER_AUDIT_CHECKPOINTS"] = f"file:{checkpoints}"
    django_setup(url)
    per_second = _throughput()
    append = _append_rate()
    lags, unsealed = _lag(url, str(checkpoints))
    from misper.audit.verify import audit_verify

    problems = audit_verify().problems
    metrics = {
        "sealed_per_second": per_second,
        "commit_to_sealed_lag": latency(lags),
        "lag_events": len(lags),
        "unsealed_10s_after": unsealed,
        "chain_problems": problems,
        "peak_rss_mib": peak_rss_mib(),
    }
    scale = {
        "database": DB,
        "events_sealed_in_bulk": EVENTS,
        "writers": WRITERS,
        "events_per_second": RATE,
        "seconds": SECONDS,
    }
    write_result(
        "sealer",
        scale,
        metrics,
        {"request_side_appends_per_second_one_thread": append},
        measured_at=datetime.now(UTC).isoformat(timespec="seconds"),
        load_average_1m=os.getloadavg()[0],
    )
    return 1 if unsealed or problems else 0


if __name__ == "__main__":
    sys.exit(main())
