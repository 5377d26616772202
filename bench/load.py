"""Load test (not part of make test): N concurrent users against a local misper for a bounded time.

    .venv/bin/python -m bench load [--users 50] [--seconds 300] [--workers N] [--threads 16] [--database-url URL]
    .venv/bin/python bench/load.py --users 50 --seconds 300          # the same

By default it (re)builds the PostgreSQL database ``misper_load`` (at MISPER_BENCH_PG, default
postgres://postgres@127.0.0.1:5432): migrate, then ``misper seed`` (the demo force), so every run starts
from the same data. ``--database-url`` uses that database as it is (it must hold the demo force); pass
``--database-url sqlite`` for a throwaway SQLite one. The server runs as production runs it:
``scripts/run.sh`` (gunicorn: ``--workers`` processes, default one per CPU, of ``--threads`` threads each,
and the alert worker), on a random 127.0.0.1 port.
Users mix intake (30%: POST /api/v1/episodes with an Idempotency-Key, as the demo call taker), board
refresh (30%: GET /board/fragment, signed in as the demo supervisor) and case views (40%: GET
/api/v1/episodes/{id} of a recently created episode), with 0.2-1 s of think time between requests.

Afterwards every created episode must be in the database exactly once (looked up by the run's child
references). Writes bench/results/load.json (benchmark, commit, machine, scale, metrics per request kind)
and exits 1 on any error or any lost or duplicated episode. Only ever talks to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import PG, _commit, _machine

REPO = Path(__file__).resolve().parent.parent
PY = str(REPO / ".venv/bin/python")
RESULTS = REPO / "bench/results/load.json"
LOAD_DB = "misper_load"
KINDS = ("intake", "board", "case")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _manage(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [PY, "manage.py", *args], cwd=REPO, env=env, check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


def _doc(run: str, i: int) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "format": "misper/1",
        "child": {"ref": f"LOAD-{run}-{uuid.uuid4().hex[:10]}", "given_name": "Load", "family_name": f"Test{i}",
                  "date_of_birth": "2011-04-02", "sex": "male", "looked_after": False, "vulnerabilities": []},
        "report": {"reported_at": (now - timedelta(minutes=5)).isoformat(),
                   "last_seen_at": (now - timedelta(hours=1)).isoformat(),
                   "reported_by": "parent", "circumstances": "Synthetic load test report.", "indicators": []},
    }  # fmt: skip


class Runner:
    def __init__(self, base: str, token: str, board_cookie: http.cookiejar.CookieJar, run: str) -> None:
        self.base, self.token, self.jar, self.run = base, token, board_cookie, run
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {k: [] for k in KINDS}
        self.errors: list[str] = []
        self.created: list[int] = []

    def _call(
        self, kind: str, req: urllib.request.Request, opener: urllib.request.OpenerDirector | None = None
    ) -> tuple[bool, bytes]:
        t0 = time.perf_counter()
        try:
            with opener.open(req, timeout=60) if opener else urllib.request.urlopen(req, timeout=60) as r:
                body = r.read()
                ok = r.status < 400
        except urllib.error.HTTPError as exc:
            body, ok = f"HTTP {exc.code}: {exc.read()[:200]!r}".encode(), False
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            body, ok = str(exc).encode(), False
        with self.lock:
            self.times[kind].append(time.perf_counter() - t0)
            if not ok:
                self.errors.append(f"{kind}: {body[:200]!r}")
        return ok, body

    def request(self, kind: str, rng: random.Random, i: int) -> None:
        auth = {"Authorization": f"Bearer {self.token}"}
        if kind == "intake":
            data = json.dumps(_doc(self.run, i)).encode()
            h = {**auth, "Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex}
            ok, body = self._call("intake", urllib.request.Request(f"{self.base}/api/v1/episodes", data, h))
            if ok:
                try:
                    episode_id = int(json.loads(body)["id"])
                except (ValueError, KeyError, TypeError):
                    with self.lock:
                        self.errors.append(f"intake: no id in {body[:200]!r}")
                else:
                    with self.lock:
                        self.created.append(episode_id)
        elif kind == "board":
            board = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
            self._call("board", urllib.request.Request(f"{self.base}/board/fragment"), board)
        else:
            with self.lock:
                ids = list(self.created[-50:])
            if ids:
                url = f"{self.base}/api/v1/episodes/{rng.choice(ids)}"
                self._call("case", urllib.request.Request(url, headers=auth))

    def user(self, n: int, until: float) -> None:
        rng = random.Random(n)
        i = 0
        time.sleep(rng.uniform(0, 1.0))  # users arrive over the first second, not in one burst
        while time.time() < until:
            i += 1
            roll = rng.random()
            self.request("intake" if roll < 0.3 else "board" if roll < 0.6 else "case", rng, i)
            time.sleep(rng.uniform(0.2, 1.0))  # think time

    def baseline(self, per_kind: int = 20) -> dict[str, list[float]]:
        """One user, no think time, before the load: what each request costs when nothing queues."""
        rng = random.Random(-1)
        for kind in KINDS:
            for i in range(per_kind):
                self.request(kind, rng, -1 - i)
        alone, self.times = self.times, {k: [] for k in KINDS}
        return alone


def _sign_in(base: str) -> http.cookiejar.CookieJar:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/sign-in", timeout=30).read()
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    data = urllib.parse.urlencode(
        {"username": "demo-supervisor", "password": "demo-misper-2026", "csrfmiddlewaretoken": csrf}
    )
    opener.open(
        urllib.request.Request(f"{base}/sign-in", data.encode(), {"Referer": f"{base}/sign-in"}), timeout=30
    ).read()
    return jar


CENSUS = """
import json, sys
from misper.episodes.models import Episode
from misper.people.models import Child
from misper.audit.models import AccessEvent
ids, run = json.load(open(sys.argv[-1]))
found = set(Episode.objects.filter(pk__in=ids).values_list("pk", flat=True))
print(json.dumps({
    "missing": sorted(set(ids) - found),
    "in_database": Episode.objects.filter(child__ref__startswith=f"LOAD-{run}-").count(),
    "children": Child.objects.filter(ref__startswith=f"LOAD-{run}-").count(),
    "forces": Child.objects.values("force").distinct().count(),
    "all_children": Child.objects.count(),
    "episodes": Episode.objects.count(),
    "access_events": AccessEvent.objects.count(),
    "unsealed": AccessEvent.objects.filter(seq__isnull=True).count(),
}))
"""


def _census(env: dict[str, str], ids: list[int], run: str) -> dict[str, object]:
    """What the database holds afterwards, read directly (not through the server under test)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump([ids, run], f)
    try:
        return json.loads(_manage(env, "shell", "-v0", "-c", CENSUS.replace("sys.argv[-1]", repr(f.name))))
    finally:
        os.unlink(f.name)


def _build(env: dict[str, str], url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[-1]
    print(f"building {name}: migrate, misper seed (the demo force)", file=sys.stderr, flush=True)
    with psycopg.connect(f"{url.rsplit('/', 1)[0]}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    _manage(env, "migrate", "--no-input", "-v0")
    _manage(env, "seed")


def _pct(xs: list[float], p: int) -> float:
    if len(xs) < 2:
        return round(xs[0] * 1000, 1) if xs else 0.0
    return round(statistics.quantiles(xs, n=100, method="inclusive")[p - 1] * 1000, 1)


def _summary(xs: list[float]) -> dict[str, float]:
    return {
        "requests": len(xs),
        "p50_ms": _pct(xs, 50),
        "p95_ms": _pct(xs, 95),
        "p99_ms": _pct(xs, 99),
        "max_ms": round(max(xs) * 1000, 1) if xs else 0.0,
        "mean_ms": round(statistics.mean(xs) * 1000, 1) if xs else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, default=50, help="concurrent users (default 50)")
    ap.add_argument("--seconds", type=int, default=300, help="how long the users run (default 300)")
    ap.add_argument(
        "--workers",
        type=int,
        default=0,
        help="server processes (misper serve --workers; default one per CPU)",
    )
    ap.add_argument("--threads", type=int, default=16, help="threads per process (misper serve --threads)")
    ap.add_argument(
        "--database-url",
        default="",
        help=f"use this database as it is; 'sqlite' for a throwaway one (default: rebuild {LOAD_DB})",
    )
    ap.add_argument("--database", default=LOAD_DB, help=f"the PostgreSQL database to rebuild ({LOAD_DB})")
    ap.add_argument("--output", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    args.workers = args.workers or max(1, len(os.sched_getaffinity(0)))  # as misper serve decides
    # No demo identity provider (scripts/run.sh starts one in demo mode): it is not what is measured.
    env = {**os.environ, "MISPER_ENV": "demo", "MISPER_DEVIDP": "0"}
    # The database is rebuilt: its access log gets its own checkpoint file, not the checkout's var/ one.
    env["MISPER_AUDIT_CHECKPOINTS"] = f"file:{tempfile.mkdtemp()}/audit-checkpoints.log"
    if args.database_url == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/load.sqlite3"
        _manage(env, "migrate", "--no-input", "-v0")
        _manage(env, "seed")
    elif args.database_url:
        env["DATABASE_URL"] = args.database_url
    else:
        env["DATABASE_URL"] = f"{PG}/{args.database}"
        _build(env, env["DATABASE_URL"])
    token = _manage(env, "token", "demo-calltaker", "--label", "load test")
    before = _census(env, [], "none")
    run = uuid.uuid4().hex[:6]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            "bash",
            "scripts/run.sh",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/api/v1/health", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        runner = Runner(base, token, _sign_in(base), run)
        alone = runner.baseline()
        started = time.time()
        until = started + args.seconds
        threads = [threading.Thread(target=runner.user, args=(n, until)) for n in range(args.users)]
        for t in threads:
            t.start()
        loads = []  # the machine's 1-minute load average, every 5 s: the figures depend on what else runs
        while any(t.is_alive() for t in threads):
            loads.append(os.getloadavg()[0])
            time.sleep(5)
        for t in threads:
            t.join()
        elapsed = time.time() - started
    finally:
        server.send_signal(signal.SIGTERM)  # run.sh stops the server, the worker and the sealer
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    after = _census(env, runner.created, run)
    lost = len(after["missing"])  # type: ignore[arg-type]
    duplicated = int(after["in_database"]) - len(runner.created)  # type: ignore[call-overload]
    total = sum(len(v) for v in runner.times.values())
    metrics: dict[str, object] = {kind: _summary(xs) for kind, xs in runner.times.items()}
    metrics |= {
        "requests_per_second": round(total / elapsed, 1),
        "errors": len(runner.errors),
        "first_errors": runner.errors[:5],
        "episodes_created": len(runner.created),
        "episodes_lost": lost,
        "episodes_duplicated": duplicated,
        "access_events_written": int(after["access_events"]) - int(before["access_events"]),  # type: ignore[call-overload]
        "access_events_unsealed_after": after["unsealed"],
    }
    result = {
        "benchmark": "load",
        "commit": _commit(),
        "machine": _machine(),
        "scale": {
            "database": env["DATABASE_URL"].split(":", 1)[0].replace("postgres", "postgresql"),
            "forces": before["forces"],
            "children": before["all_children"],
            "episodes": before["episodes"],
            "users": args.users,
            "seconds": args.seconds,
            "server": f"scripts/run.sh (gunicorn, {args.workers} x {args.threads} threads, the alert worker and the access log sealer)",
            "workers": args.workers,
            "threads": args.threads,
            "mix": "30% intake, 30% board refresh, 40% case view; 0.2-1 s think time",
            "load_average_1m": {"mean": round(statistics.mean(loads), 1), "max": round(max(loads), 1)},
        },
        "metrics": metrics,
        "baseline": {"users": 1, **{kind: _summary(xs) for kind, xs in alone.items()}},
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 1 if runner.errors or lost or duplicated or after["unsealed"] else 0


if __name__ == "__main__":
    sys.exit(main())
