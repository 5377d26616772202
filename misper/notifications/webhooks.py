"""Signed webhook deliveries, and the rule for which addresses misper will call.

A webhook URL must be http(s), and misper never calls an internal address (private, loopback,
link-local, reserved) unless its host is on ``settings.MISPER_WEBHOOK_ALLOWLIST``. The rule is checked
when a subscription is made and again on every connection, against the address actually connected to,
so a host name that later resolves inside the network (DNS rebinding) is still refused. Stdlib only.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

TIMEOUT_SECONDS = 5
USER_AGENT = "misper-webhooks/1"
SIGNATURE_PREFIX = "sha256="


class RefusedAddress(Exception):  # noqa: N818 - a refusal, not a programming error
    """The URL is not one misper will call."""


# --- the address rule ---------------------------------------------------------------------------------


def _allowlist() -> list[str]:
    return [str(h).strip().lower() for h in settings.MISPER_WEBHOOK_ALLOWLIST if str(h).strip()]


def _ip_allowed(ip: str) -> bool:
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if addr.is_global and not addr.is_multicast:
        return True
    for entry in _allowlist():
        try:
            if addr in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue  # a host name, not an address
    return False


def _host_allowed_by_name(host: str) -> bool:
    return host.lower().rstrip(".") in _allowlist()


def check_url(url: str) -> tuple[str, int]:
    """Refuse a URL misper will not call; return its (host, port). Resolves the host name."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise RefusedAddress("The URL must start with http:// or https://")
    try:
        host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise RefusedAddress("The URL's port is not valid") from exc
    if not host:
        raise RefusedAddress("The URL has no host name")
    if parts.username or parts.password:
        raise RefusedAddress("The URL must not contain a user name or password")
    if not _host_allowed_by_name(host):
        for ip in _resolve(host, port):
            if not _ip_allowed(ip):
                raise RefusedAddress(
                    "The URL's host is an internal address, which misper does not call "
                    "unless it is on the webhook allow-list"
                )
    return host, port


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise RefusedAddress(f"The host {host} could not be found") from exc
    return sorted({str(info[4][0]) for info in infos})


def _guarded_create_connection(host: str, by_name: bool) -> Any:
    """A socket.create_connection that refuses to connect to an address outside the rule."""

    def create(address: tuple[str, int], timeout: Any = None, source_address: Any = None) -> socket.socket:
        ips = _resolve(address[0], address[1])
        allowed = ips if by_name else [ip for ip in ips if _ip_allowed(ip)]
        if not allowed:
            raise RefusedAddress(f"The host {host} resolves only to internal addresses")
        last: OSError | None = None
        for ip in allowed:
            try:
                return socket.create_connection((ip, address[1]), timeout, source_address)
            except OSError as exc:
                last = exc
        raise last or OSError("could not connect")

    return create


class _GuardedHTTP(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(_guarded(http.client.HTTPConnection), req)


class _GuardedHTTPS(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(_guarded(http.client.HTTPSConnection), req, context=self._context)  # type: ignore[attr-defined]


def _guarded(cls: type[http.client.HTTPConnection]) -> Any:
    def factory(host: str, **kw: Any) -> http.client.HTTPConnection:
        conn = cls(host, **kw)
        name = conn.host
        conn._create_connection = _guarded_create_connection(name, _host_allowed_by_name(name))  # type: ignore[attr-defined]
        return conn

    return factory


# No proxies (the rule must apply to the address really called) and no redirects (a redirect could
# point anywhere; partners register the final URL).
class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(
    urllib.request.ProxyHandler({}), _GuardedHTTP(), _GuardedHTTPS(), _NoRedirect()
)


# --- signing and sending ------------------------------------------------------------------------------


def body_bytes(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode("utf-8")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` + hex HMAC-SHA256, keyed with the subscription secret, of ``f"{timestamp}.{body}"``."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return SIGNATURE_PREFIX + mac.hexdigest()


def signature_verify(secret: str, timestamp: str, body: bytes, header: str, *, max_age: int = 300) -> bool:
    """What a receiver does: recompute the signature and refuse an old timestamp (replays)."""
    try:
        fresh = abs(time.time() - int(timestamp)) <= max_age
    except ValueError:
        return False
    return fresh and hmac.compare_digest(signature(secret, timestamp, body), header)


@dataclass(frozen=True)
class SendResult:
    ok: bool
    error: str = ""
    permanent: bool = False  # never worth retrying (the address is refused)


def webhook_send(
    *, url: str, secret: str, event: str, delivery_id: str, payload: dict[str, Any]
) -> SendResult:
    """POST one signed delivery. 2xx is delivered; anything else is an error to retry."""
    body = body_bytes(payload)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Misper-Event": event,
        "X-Misper-Delivery": delivery_id,
        "X-Misper-Timestamp": timestamp,
        "X-Misper-Signature": signature(secret, timestamp, body),
    }
    try:
        check_url(url)
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - scheme checked
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            status = response.status
    except RefusedAddress as exc:
        return SendResult(False, f"Refused: {exc}", permanent=True)
    except urllib.error.HTTPError as exc:
        return SendResult(False, f"HTTP {exc.code} from the receiver")
    except (OSError, http.client.HTTPException) as exc:
        return SendResult(False, f"{exc.__class__.__name__}: {exc}"[:500])
    if 200 <= status < 300:
        return SendResult(True)
    return SendResult(False, f"HTTP {status} from the receiver")
