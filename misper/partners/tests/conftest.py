"""Real receivers for alert tests: an HTTP webhook receiver and an SMTP server, both on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from misper.notifications.webhooks import signature_verify

RECEIVER_SECRET = "a-receiver-secret-of-32-characters"


@dataclass
class Received:
    delivery_id: str
    event: str
    timestamp: str
    signature: str
    body: bytes

    @property
    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = json.loads(self.body)
        return out


@dataclass
class Receiver:
    """A partner's webhook endpoint, as a partner should write one: it verifies the signature and
    processes each ``X-Misper-Delivery`` once, however many times it is delivered."""

    url: str = ""
    port: int = 0
    requests: list[Received] = field(default_factory=list)
    processed: dict[str, Received] = field(default_factory=dict)
    bad_signatures: int = 0
    statuses: list[int] = field(default_factory=list)  # replies to give, in order; then 200
    sleep_first: float = 0.0  # hold the very first request this long (after recording it)
    got_first: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, r: Received) -> tuple[int, float]:
        with self.lock:
            first = not self.requests
            self.requests.append(r)
            if not signature_verify(RECEIVER_SECRET, r.timestamp, r.body, r.signature):
                self.bad_signatures += 1
                return 401, 0.0
            status = self.statuses.pop(0) if self.statuses else 200
            if 200 <= status < 300:
                self.processed.setdefault(r.delivery_id, r)  # the receiver's de-duplication
        if first:
            self.got_first.set()
        return status, self.sleep_first if first else 0.0

    def events(self) -> list[str]:
        return sorted(r.event for r in self.processed.values())


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            h = self.headers
            status, sleep = receiver.handle(
                Received(
                    h.get("X-Misper-Delivery", ""),
                    h.get("X-Misper-Event", ""),
                    h.get("X-Misper-Timestamp", ""),
                    h.get("X-Misper-Signature", ""),
                    body,
                )
            )
            if sleep:
                receiver.release.wait(sleep)
            try:
                self.send_response(status)
                self.end_headers()
            except OSError:
                pass  # the sender was killed while we slept

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


def start_server(receiver: Receiver, port: int = 0) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(receiver))
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    receiver.url = f"http://127.0.0.1:{receiver.port}/hooks/misper"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rec = Receiver()
    server = start_server(rec)
    yield rec
    rec.release.set()
    server.shutdown()
    server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    messages: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings: Any) -> Iterator[Mailbox]:
    """A real SMTP server on localhost; Django is pointed at it (Django's test set-up swaps in locmem mail)."""
    from aiosmtpd.controller import Controller

    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    yield box
    controller.stop()


def report_doc(ref: str, placing_authority: str = "", **child: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "format": "misper/1",
        "child": {
            "ref": ref,
            "given_name": "Ava",
            "family_name": "Synthetic",
            "date_of_birth": "2012-02-03",
            "sex": "female",
            "looked_after": bool(placing_authority),
            "placement": {"type": "residential_home", "placing_authority": placing_authority}
            if placing_authority
            else {"type": "home"},
            "vulnerabilities": [],
            **child,
        },
        "report": {
            "reported_at": (now - timedelta(minutes=30)).isoformat(),
            "last_seen_at": (now - timedelta(hours=2)).isoformat(),
            "reported_by": "care_home",
            "circumstances": "Left the home after tea and has not come back.",
            "indicators": [],
        },
    }


@pytest.fixture
def pairs(db: None):  # type: ignore[no-untyped-def]
    """Paired records for every partner role (see ``pairs.py``)."""
    from misper.partners.tests.pairs import pairs_make

    return pairs_make()
