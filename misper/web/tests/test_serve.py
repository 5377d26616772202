"""`misper serve`: gunicorn with --workers processes; it refuses unsafe starts and stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from misper.web.management.commands import serve

MISPER = Path(sys.executable).with_name("misper")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> None:
    def started(*args: object, **kwargs: object) -> None:
        raise AssertionError("the server must not start")

    monkeypatch.setattr(serve, "_Gunicorn", started)
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: None)  # the deploy checks: tested elsewhere


@override_settings(DEMO_MODE=False, SECRET_KEY="misper-demo-not-for-production")
def test_production_refuses_the_demo_secret_key(no_server: None) -> None:
    with pytest.raises(CommandError, match="demo secret key"):
        call_command("serve")


@pytest.mark.parametrize("option", ["--workers", "--threads"])
def test_workers_and_threads_must_be_positive(no_server: None, option: str) -> None:
    with pytest.raises(CommandError, match="at least 1"):
        call_command("serve", option, "0")


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads worker processes from Linux's /proc")
def test_serves_with_two_worker_processes_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "MISPER_ENV": "demo", "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}"}
    server = subprocess.Popen(
        [str(MISPER), "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        status = 0
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=5) as resp:
                    status = resp.status
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200
        deadline = time.monotonic() + 30  # the second worker may still be starting on a busy machine
        while len(_children(server.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(_children(server.pid)) == 2  # the gunicorn master's two request-serving processes
        time.sleep(1)  # let both finish starting: a worker still starting can miss SIGTERM (killed at 30 s)
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=10) == 0  # graceful: the workers finish, then the master exits
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        assert server.stderr is not None
        server.stderr.close()
