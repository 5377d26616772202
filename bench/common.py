"""Shared pieces of the database benchmarks: which database, Django set-up, timing, and the result file.

The benchmarks run against the national synthetic database ``misper_national`` (``misper seed --national
--years 10``, built once by hand: see docs/performance.md). If it is absent they build and use a smaller
one, ``misper_bench_small`` (``FALLBACK_SEED`` below: 6 forces, 1 year, about 60,000 episodes, a few
minutes), and say so in the result's ``scale``. Override with ``MISPER_BENCH_DATABASE_URL``.

Every result file has the shape of bench/results/engine.json: benchmark, commit, machine, scale,
metrics {p50_ms, p95_ms, p99_ms and/or per_second, peak_rss_mib}, baseline {the same keys}.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PG = os.environ.get("MISPER_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
NATIONAL_DB = "misper_national"
FALLBACK_DB = "misper_bench_small"
FALLBACK_SEED = ["--national", "--years", "1", "--forces", "6"]
BUSY_FORCE = "nat-f00"  # read benchmarks: the busiest force, with the board's 300 open episodes
WRITING_FORCE = "nat-f01"  # write benchmarks report here, so the busiest force's board stays as loaded


def _has_national_data(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            row = conn.execute("SELECT 1 FROM accounts_agency WHERE code = %s", [BUSY_FORCE]).fetchone()
            return row is not None
    except psycopg.Error:
        return False


def _manage(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT)


def _build_fallback() -> str:
    import psycopg

    url = f"{PG}/{FALLBACK_DB}"
    print(f"{NATIONAL_DB} not found: building {FALLBACK_DB} ({' '.join(FALLBACK_SEED)})", file=sys.stderr)
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {FALLBACK_DB}")
        conn.execute(f"CREATE DATABASE {FALLBACK_DB}")
    _manage(url, "migrate", "--no-input", "-v", "0")
    _manage(url, "seed", *FALLBACK_SEED)
    return url


def database_url() -> str:
    """The database to measure: the override, the national one, or the fallback (built if needed)."""
    if os.environ.get("MISPER_BENCH_DATABASE_URL"):
        return os.environ["MISPER_BENCH_DATABASE_URL"]
    for name in (NATIONAL_DB, FALLBACK_DB):
        if _has_national_data(f"{PG}/{name}"):
            return f"{PG}/{name}"
    return _build_fallback()


def django_setup(url: str) -> None:
    """Point Django at ``url`` and start it (call before importing models)."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "misper.config.settings")
    import django

    django.setup()


def scale(url: str) -> dict[str, Any]:
    """What the database holds: forces, people, episodes (so a result says what it was measured on)."""
    from django.db import connection

    with connection.cursor() as cursor:
        counts = {}
        for key, sql in (
            ("forces", "SELECT count(*) FROM accounts_agency WHERE kind = 'police_force'"),
            ("children", "SELECT count(*) FROM people_child"),
            ("episodes", "SELECT count(*) FROM episodes_episode"),
        ):
            cursor.execute(sql)
            counts[key] = cursor.fetchone()[0]
    return {"database": url.rsplit("/", 1)[-1], **counts}


def timed(fn: Callable[[], Any], runs: int, warmup: int = 3) -> list[float]:
    """Milliseconds for each of ``runs`` calls of ``fn`` after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def latency(samples_ms: list[float]) -> dict[str, float]:
    """p50/p95/p99 of ``samples_ms`` and this process's peak RSS so far."""
    q = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return {
        "p50_ms": round(q[49], 2),
        "p95_ms": round(q[94], 2),
        "p99_ms": round(q[98], 2),
        "peak_rss_mib": peak_rss_mib(),
    }


def peak_rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux reports KiB


def _commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=ROOT, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip() or None


def _machine() -> str:
    return f"{platform.platform()} {platform.machine()} python {platform.python_version()}; cpus={os.cpu_count()}"


def write_result(
    name: str, scale_info: dict[str, Any], metrics: dict[str, Any], baseline: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    """Write bench/results/NAME.json (the engine benchmark's format) and print it."""
    result = {
        "benchmark": name,
        "commit": _commit(),
        "machine": _machine(),
        "scale": scale_info,
        "metrics": metrics,
        "baseline": baseline,
        **extra,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    print(json.dumps(result, indent=2))
    return result


def api_client(user: Any) -> Any:
    """A Django test client with a fresh bearer token for ``user`` (requests run in this process)."""
    from django.test import Client

    from misper.accounts.services import api_token_create

    token = api_token_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")


def user(role: str, force: str = BUSY_FORCE) -> Any:
    """The national data's user with ``role`` in ``force`` (made by ``misper seed --national``)."""
    from misper.accounts.models import User

    return User.objects.get(username=f"{force}-{role}")
