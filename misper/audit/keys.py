"""The access log's sealing keys: secrets held outside the database, each with a key id so keys can rotate.

Where keys come from (``misper.config.settings``):

- ``MISPER_AUDIT_KEY="<key id>:<secret>"``: the current key.
- ``MISPER_AUDIT_KEY_FILE=/path``: one ``<key id>:<secret>`` per line (``#`` comments allowed). Older keys
  stay in the file so events sealed with them still verify; the last line is the current key unless
  ``MISPER_AUDIT_KEY`` is also set.
- Neither, in demo mode only: a key with id ``demo`` derived from the demo secret key. It protects nothing
  (anyone can derive it) and exists so a laptop demo runs without setup. Production refuses to start
  without a key (settings raise ``ImproperlyConfigured``).

A secret must be at least 32 characters: it is the only thing that stops someone with write access to the
database from recomputing a consistent chain.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

DEMO_KEY_ID = "demo"
MIN_SECRET = 32


class AuditKeyError(Exception):
    """The keys cannot be loaded (a malformed line, a short secret, a missing file). Message in plain words."""


@dataclass(frozen=True)
class KeyRing:
    current_id: str
    secrets: dict[str, bytes] = field(repr=False)

    def secret(self, key_id: str) -> bytes | None:
        return self.secrets.get(key_id)

    @property
    def current(self) -> bytes:
        return self.secrets[self.current_id]


def mac(secret: bytes, body: bytes) -> str:
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


def key_check_value(secret: bytes) -> str:
    """A short value that tells which secret a key id had, without revealing it (written in checkpoints)."""
    return mac(secret, b"misper audit key check")[:16]


def _parse(line: str, where: str) -> tuple[str, bytes]:
    key_id, sep, secret = line.strip().partition(":")
    if not sep or not key_id.strip():
        raise AuditKeyError(f"{where}: write the key as '<key id>:<secret>'.")
    if len(secret.strip()) < MIN_SECRET:
        raise AuditKeyError(
            f"{where}: the secret for key '{key_id.strip()}' is shorter than {MIN_SECRET} characters."
        )
    return key_id.strip(), secret.strip().encode()


def _from_file(path: Path) -> list[tuple[str, bytes]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise AuditKeyError(f"The access log key file {path} cannot be read ({exc.strerror}).") from exc
    keys = [
        _parse(line, f"{path}, line {n}")
        for n, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not keys:
        raise AuditKeyError(f"The access log key file {path} holds no key.")
    return keys


def _demo_key() -> bytes:
    return mac(settings.SECRET_KEY.encode(), b"misper audit demo key").encode()


def load_keys() -> KeyRing:
    """The key ring from settings; raises ``AuditKeyError`` in plain words if it cannot be built."""
    pairs: list[tuple[str, bytes]] = []
    if settings.MISPER_AUDIT_KEY_FILE:
        pairs += _from_file(Path(settings.MISPER_AUDIT_KEY_FILE))
    if settings.MISPER_AUDIT_KEY:
        pairs.append(_parse(settings.MISPER_AUDIT_KEY, "MISPER_AUDIT_KEY"))
    if not pairs:
        if not settings.DEMO_MODE:
            raise AuditKeyError(
                "No access log key: set MISPER_AUDIT_KEY='<key id>:<secret>' or MISPER_AUDIT_KEY_FILE."
            )
        pairs.append((DEMO_KEY_ID, _demo_key()))
    return KeyRing(current_id=pairs[-1][0], secrets=dict(pairs))
