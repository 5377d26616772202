"""Load test (not a test in CI): N concurrent users against a local ``misper serve`` for a bounded time.

    .venv/bin/python bench/load.py [--users 50] [--seconds 300] [--database-url sqlite:////tmp/x.sqlite3]

Seeds a fresh demo database (unless --database-url names one already seeded), starts ``misper serve`` on a
random 127.0.0.1 port, and runs users that mix intake (POST /api/v1/episodes with an Idempotency-Key),
board refresh (GET /board/fragment as the supervisor) and case views (GET /api/v1/episodes/{id}).
Afterwards every created episode must be present. Writes p50/p95/max per kind to bench/results/load.json
and exits 1 on any error or lost episode. Only ever talks to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
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

REPO = Path(__file__).resolve().parent.parent
PY = str(REPO / ".venv/bin/python")
RESULTS = REPO / "bench/results/load.json"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _manage(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [PY, "manage.py", *args], cwd=REPO, env=env, check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


def _doc(i: int) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "format": "misper/1",
        "child": {"ref": f"LOAD-{uuid.uuid4().hex[:10]}", "given_name": "Load", "family_name": f"Test{i}",
                  "date_of_birth": "2011-04-02", "sex": "male", "looked_after": False, "vulnerabilities": []},
        "report": {"reported_at": (now - timedelta(minutes=5)).isoformat(),
                   "last_seen_at": (now - timedelta(hours=1)).isoformat(),
                   "reported_by": "parent", "circumstances": "Synthetic load test report.", "indicators": []},
    }  # fmt: skip


class Runner:
    def __init__(self, base: str, token: str, board_cookie: http.cookiejar.CookieJar) -> None:
        self.base, self.token, self.jar = base, token, board_cookie
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {"intake": [], "board": [], "case": []}
        self.errors: list[str] = []
        self.created: list[int] = []

    def _call(
        self, kind: str, req: urllib.request.Request, opener: urllib.request.OpenerDirector | None = None
    ) -> bytes:
        t0 = time.perf_counter()
        try:
            with opener.open(req, timeout=60) if opener else urllib.request.urlopen(req, timeout=60) as r:
                body = r.read()
                ok = r.status < 400
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            body, ok = str(exc).encode(), False
        with self.lock:
            self.times[kind].append(time.perf_counter() - t0)
            if not ok:
                self.errors.append(f"{kind}: {body[:200]!r}")
        return body

    def user(self, n: int, until: float) -> None:
        rng = random.Random(n)
        auth = {"Authorization": f"Bearer {self.token}"}
        board = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        i = 0
        while time.time() < until:
            i += 1
            roll = rng.random()
            if roll < 0.3:
                data = json.dumps(_doc(i)).encode()
                h = {**auth, "Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex}
                body = self._call("intake", urllib.request.Request(f"{self.base}/api/v1/episodes", data, h))
                try:
                    with self.lock:
                        self.created.append(json.loads(body)["id"])
                except (ValueError, KeyError):
                    pass
            elif roll < 0.6:
                self._call("board", urllib.request.Request(f"{self.base}/board/fragment"), board)
            else:
                with self.lock:
                    ids = list(self.created[-50:]) or [1]
                self._call(
                    "case",
                    urllib.request.Request(f"{self.base}/api/v1/episodes/{rng.choice(ids)}", headers=auth),
                )
            time.sleep(rng.uniform(0.2, 1.0))  # think time


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


def _missing_episodes(base: str, token: str, ids: list[int]) -> list[int]:
    """Created episodes that the API no longer returns."""
    missing = []
    for i in ids:
        req = urllib.request.Request(
            f"{base}/api/v1/episodes/{i}", headers={"Authorization": f"Bearer {token}"}
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                if json.loads(r.read()).get("id") != i:
                    missing.append(i)
        except urllib.error.HTTPError:
            missing.append(i)
    return missing


def _pct(xs: list[float], p: float) -> float:
    return round(sorted(xs)[min(len(xs) - 1, int(len(xs) * p))] * 1000, 1) if xs else 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=int, default=300)
    ap.add_argument("--database-url", default="")
    args = ap.parse_args()
    env = {**os.environ, "MISPER_ENV": "demo"}
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    else:
        env["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/load.sqlite3"
        _manage(env, "migrate", "-v0")
        _manage(env, "seed", "--scale", "0.3")
    token = _manage(env, "token", "demo-calltaker", "--label", "load test")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [PY, "manage.py", "serve", "--port", str(port), "--threads", "16"], cwd=REPO, env=env
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/api/v1/health", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        runner = Runner(base, token, _sign_in(base))
        until = time.time() + args.seconds
        threads = [threading.Thread(target=runner.user, args=(n, until)) for n in range(args.users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        lost = _missing_episodes(base, token, runner.created)
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = {
        "users": args.users,
        "seconds": args.seconds,
        "database": env["DATABASE_URL"].split(":", 1)[0],
        "requests": {k: len(v) for k, v in runner.times.items()},
        "p50_ms": {k: _pct(v, 0.50) for k, v in runner.times.items()},
        "p95_ms": {k: _pct(v, 0.95) for k, v in runner.times.items()},
        "max_ms": {k: round(max(v) * 1000, 1) if v else 0.0 for k, v in runner.times.items()},
        "mean_ms": {k: round(statistics.mean(v) * 1000, 1) if v else 0.0 for k, v in runner.times.items()},
        "errors": len(runner.errors),
        "first_errors": runner.errors[:5],
        "episodes_created": len(runner.created),
        "episodes_lost": len(lost),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 1 if runner.errors or lost else 0


if __name__ == "__main__":
    sys.exit(main())
