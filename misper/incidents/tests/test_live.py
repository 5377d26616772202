"""The incident feed with real processes on 127.0.0.1: ``misper serve`` (gunicorn) receives incidents over
HTTP, ``misper worker`` delivers the ``incident.linked`` webhook to a small HTTP listener that checks its
signature. Also over the wire: a replay answers the same, another force reads nothing, a partner cannot post."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from misper.incidents.tests.factories import incident_doc
from misper.notifications.webhooks import signature_verify

SECRET = "a-control-room-secret-of-32-chars"
PORTS = range(18173, 18190)  # this engineer's range; the first free one is used


class Listener(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        ok = signature_verify(
            SECRET, self.headers["X-Misper-Timestamp"], body, self.headers["X-Misper-Signature"]
        )
        Listener.received.append(
            {"ok": ok, "event": self.headers["X-Misper-Event"], "body": json.loads(body)}
        )
        self.send_response(200 if ok else 401)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[str]:
    Listener.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Listener)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/cad"
    server.shutdown()


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.skip("no free port in this test's range")


def _env(tmp_path: Path) -> dict[str, str]:
    if connection.vendor == "postgresql":
        pytest.skip("run on SQLite: the server process needs its own migrated file")
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'live.sqlite3'}",
        DJANGO_SETTINGS_MODULE="misper.config.settings",
        MISPER_VAR_DIR=str(tmp_path),
        MISPER_WEBHOOK_ALLOWLIST="127.0.0.1",
        MISPER_ENV="demo",
    )
    return env


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, *args], env=env, capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    return done.stdout.decode()


def _http(method: str, url: str, token: str, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def _wait_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server stopped"
        try:
            with urllib.request.urlopen(f"{base}/api/v1/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("the server did not answer within 90 seconds")


@pytest.mark.django_db(transaction=True)
def test_incidents_over_http_to_a_real_server_and_the_webhook_to_a_real_listener(tmp_path, listener):
    env = _env(tmp_path)
    _run(env, "-m", "misper.cli", "migrate", "--no-input", "-v", "0")
    script = (
        "import django; django.setup(); from misper.incidents.tests import live_fixture as f; "
        f"f.seed({listener!r}, {SECRET!r})"
    )
    world = json.loads(_run(env, "-c", script).strip().splitlines()[-1])
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "misper.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            "1",
            "--threads",
            "2",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait_up(base, server)
        doc = incident_doc("LIVE-1", subject={"child_ref": world["child_ref"]})
        status, first = _http("POST", f"{base}/api/v1/incidents", world["token"], doc)
        assert status == 201, first
        assert first["episode"] == world["episode"]
        assert first["status"] == "linked"
        status, again = _http("POST", f"{base}/api/v1/incidents", world["token"], doc)
        assert (status, again) == (200, first)
        assert _http("GET", f"{base}/api/v1/incidents/{first['id']}", world["other_token"])[0] == 404
        assert (
            _http("POST", f"{base}/api/v1/incidents", world["partner_token"], incident_doc("P-1"))[0] == 403
        )
        status, bad = _http(
            "POST", f"{base}/api/v1/incidents", world["token"], incident_doc(opening_code="X")
        )
        assert status == 422
        assert bad["errors"][0]["field"] == "opening_code"
    finally:
        server.terminate()
        server.wait(timeout=30)
    _run(env, "-m", "misper.cli", "worker", "--once")
    assert [r["event"] for r in Listener.received] == ["incident.linked"]
    delivered = Listener.received[0]
    assert delivered["ok"], "the signature did not verify"
    assert delivered["body"]["incident_number"] == "LIVE-1"
    assert delivered["body"]["episode_reference"] == world["episode"]["reference"]
