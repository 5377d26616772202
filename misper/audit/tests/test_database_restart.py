"""A real PostgreSQL restart under a running misper server: it recovers unaided, loses nothing.

The test starts a PostgreSQL cluster of its own (a throwaway data directory on a free port, so the shared
server and the rest of the suite are untouched), migrates it, serves misper on it with ``misper serve``
(gunicorn, persistent connections with health checks, as in production), and then restarts PostgreSQL
between requests with ``pg_ctl restart -m fast``, which ends every server-side connection. The next
requests must succeed without restarting misper, and what was written before is still there.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
MISPER = Path(sys.executable).with_name("misper")

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="runs once, in the PostgreSQL leg of make test"
    ),
    pytest.mark.skipif(not PG_BIN or os.geteuid() != 0, reason="needs PostgreSQL's binaries and root"),
]

SETUP = """
from misper.accounts.models import AgencyKind, Role
from misper.accounts.services import api_token_create
from tests.factories import agency_make, user_make
force = agency_make(AgencyKind.POLICE_FORCE, code="restart-force", name="Restart Police")
print(api_token_create(user=user_make(force, Role.SUPERVISOR, username="restart-supervisor")))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(*args: str) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True, timeout=120)


@pytest.fixture
def cluster() -> Iterator[tuple[str, list[str]]]:
    bin_dir = PG_BIN[-1].parent
    root = Path(tempfile.mkdtemp(prefix="misper-restart-"))
    shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", _free_port()
    _as_postgres(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", opts, "-w", "-l", str(root / "log")]
    _as_postgres(*pg_ctl, "start")
    try:
        _as_postgres(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "misper")
        yield f"postgres://postgres@127.0.0.1:{port}/misper", pg_ctl
    finally:
        subprocess.run(["runuser", "-u", "postgres", "--", *pg_ctl, "-m", "immediate", "stop"], timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def _call(url: str, token: str | None = None, body: dict | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def _report(ref: str) -> dict:
    return {
        "format": "misper/1",
        "child": {"ref": ref, "given_name": "Restart", "family_name": ref, "date_of_birth": "2011-05-01",
                  "sex": "female", "looked_after": False, "placement": {"type": "home"}},
        "report": {"reported_at": "2026-11-20T21:00:00+00:00", "reported_by": "parent",
                   "circumstances": "Did not come home.", "indicators": []},
        "history": [], "associates": [],
    }  # fmt: skip


@pytest.mark.slow
def test_a_running_server_recovers_after_postgresql_restarts_and_loses_nothing(cluster) -> None:
    url, pg_ctl = cluster
    # SETUP imports the test factories (tests/factories.py): the checkout's root must be importable
    root = str(Path(__file__).resolve().parents[3])
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "DATABASE_URL": url, "MISPER_ENV": "demo", "PYTHONPATH": path}
    subprocess.run([str(MISPER), "migrate", "--no-input", "-v", "0"], env=env, check=True, timeout=300)
    token = (
        subprocess.run(
            [str(MISPER), "shell", "-c", SETUP],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    port = _free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    server = subprocess.Popen(
        [str(MISPER), "serve", "--port", str(port), "--threads", "4"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        for _ in range(120):
            try:
                if _call(f"{base}/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.5)
        before_status, before = _call(f"{base}/episodes", token, _report("R-1"))
        assert before_status == 201, before

        _as_postgres(*pg_ctl, "-m", "fast", "restart")  # ends every connection misper holds

        # Every request after the restart succeeds — no 500s while stale connections are replaced.
        statuses = [_call(f"{base}/health")[0] for _ in range(8)]
        assert statuses == [200] * 8
        after_status, after = _call(f"{base}/episodes", token, _report("R-2"))
        assert after_status == 201, after
        listed_status, listed = _call(f"{base}/episodes?limit=10", token)
        assert listed_status == 200
        assert {e["id"] for e in listed["items"]} == {before["id"], after["id"]}
    finally:
        server.terminate()
        server.wait(timeout=30)
