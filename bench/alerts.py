"""Benchmark: alerts, commit to webhook receipt (not a test). Run: ``.venv/bin/python bench/alerts.py``.

1. Starts a webhook receiver on 127.0.0.1 (a thread in this process) and subscribes the busiest force
   to ``episode.reported`` at it.
2. Starts ``misper worker --poll 0.2`` (a separate process, as in production) on the same database.
3. Under load: reports ``--reports`` episodes through ``POST /api/v1/episodes`` at ``--rate`` a second
   (Django's test client in this process; each request has committed when it returns). For each,
   latency = the receiver's clock at receipt - the moment the POST returned (same machine, same clock).
4. Stops the worker and switches the subscription off.

Baseline, in the same run: a direct signed-size POST from this process to the same receiver (the
localhost HTTP floor, no queue, no worker).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import (
    ROOT,
    WRITING_FORCE,
    database_url,
    django_setup,
    latency,
    scale,
    timed,
    user,
    write_result,
)
from bench.intake import document

RECEIVED: dict[int, float] = {}
WAIT_FOR_LAST_S = 30.0


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        at = time.time()
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            episode_id = json.loads(body).get("episode_id")
        except ValueError:
            episode_id = None
        if episode_id is not None:
            RECEIVED.setdefault(int(episode_id), at)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def _receiver() -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _worker(url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": url, "MISPER_WEBHOOK_ALLOWLIST": "127.0.0.1"}
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "worker", "--poll", "0.2"], env=env, cwd=ROOT
    )


def _drain(limit_s: float = 300.0) -> None:
    """Wait until the worker has sent whatever was already queued (earlier runs' alerts), so the
    measurement is of this run's alerts, not a backlog."""
    from django.utils import timezone

    from misper.notifications.models import Alert
    from misper.notifications.worker import SENT_BY_WORKER

    deadline = time.time() + limit_s
    due = Alert.objects.filter(status="pending", channel__in=SENT_BY_WORKER)
    while time.time() < deadline and due.filter(next_attempt_at__lte=timezone.now()).exists():
        time.sleep(0.5)
    time.sleep(1.0)


def _warm_up(client: Any, limit_s: float = 180.0) -> None:
    """One report, waited for: the worker has started and is polling before the measured load."""
    resp = client.post(
        "/api/v1/episodes", document(f"BENCH-ALERT-WARM-{time.time()}"), content_type="application/json"
    )
    episode_id, deadline = resp.json()["id"], time.time() + limit_s
    while episode_id not in RECEIVED and time.time() < deadline:
        time.sleep(0.1)
    if episode_id not in RECEIVED:
        raise SystemExit("the worker did not deliver the warm-up alert")


def _post(port: int) -> None:
    data = json.dumps({"event": "bench.baseline", "episode_id": None, "pad": "x" * 300}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/hook", data=data, method="POST")
    urllib.request.urlopen(req, timeout=5).read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100)
    parser.add_argument("--rate", type=float, default=5.0, help="reports a second")
    args = parser.parse_args()
    os.environ["MISPER_WEBHOOK_ALLOWLIST"] = "127.0.0.1"
    url = database_url()
    django_setup(url)
    from bench.common import api_client
    from misper.notifications.models import Subscription

    server = _receiver()
    port = server.server_address[1]
    me = user("call_handler", force=WRITING_FORCE)
    sub = Subscription.objects.create(
        agency=me.agency, url=f"http://127.0.0.1:{port}/hook", secret="bench-secret-" + "x" * 24,
        events=["episode.reported"],
    )  # fmt: skip
    worker = _worker(url)
    try:
        _drain()
        client = api_client(me)
        _warm_up(client)
        baseline = latency(timed(lambda: _post(port), 100))
        committed: dict[int, float] = {}
        for n in range(args.reports):
            started = time.time()
            resp = client.post(
                "/api/v1/episodes", document(f"BENCH-ALERT-{started}-{n}"), content_type="application/json"
            )
            committed[resp.json()["id"]] = time.time()
            time.sleep(max(0.0, 1 / args.rate - (time.time() - started)))
        deadline = time.time() + WAIT_FOR_LAST_S
        while time.time() < deadline and not committed.keys() <= RECEIVED.keys():
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        Subscription.objects.filter(pk=sub.pk).update(active=False)
        server.shutdown()
    delays = [(RECEIVED[e] - at) * 1000 for e, at in committed.items() if e in RECEIVED]
    missing = len(committed) - len(delays)
    if missing:
        print(
            f"{missing} of {len(committed)} alerts not received within {WAIT_FOR_LAST_S} s", file=sys.stderr
        )
    metrics = latency(delays)
    info = scale(url) | {"reports": args.reports, "rate_per_second": args.rate, "not_received": missing}
    write_result("alerts", info, metrics, baseline)


if __name__ == "__main__":
    main()
