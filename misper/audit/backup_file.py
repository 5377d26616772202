"""The backup file: a signed manifest, then the engine's copy of the database, encrypted when a key is set.

    MISPER-BACKUP/1\\n
    {"engine": …, "events": …, "sealed": …, "head_seq": …, "head_hash": …, "payload_sha256": …,
     "encrypted": …, "key_id": …, "created": …, "mac": …}\\n
    <payload: the SQLite file or pg_dump archive, or a Fernet token of it>

The manifest holds counts and hashes only, never record content. Its ``mac`` is an HMAC with the access
log's current key (``misper.audit.keys``), so someone who edits the copy inside cannot write a manifest
that matches. Files are created 0600.

Encryption: **Fernet** from the PyCA ``cryptography`` package (AES-128-CBC with an HMAC-SHA256 over the
whole token, random IV, a timestamp). Chosen because it is authenticated (a changed byte fails to decrypt,
it does not decrypt to something else), has one obvious way to call it, and ``MultiFernet`` decrypts with
any key of a rotated set. Its cost: the whole payload is held in memory once, which suits a force's
database of a few hundred MB; a streaming AES-GCM format would be the next step for far larger ones.
Keys: ``MISPER_BACKUP_KEY`` (one Fernet key, from ``misper backup --new-key``) and/or
``MISPER_BACKUP_KEY_FILE`` (one per line, newest last), both kept outside the database and apart from the
backups themselves.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from misper.audit.keys import KeyRing, mac

MAGIC = b"MISPER-BACKUP/1\n"


class BackupError(Exception):
    """The backup cannot be written, read or trusted. Message in plain words."""


@dataclass(frozen=True)
class Manifest:
    engine: str
    created: str
    events: int
    sealed: int
    head_seq: int
    head_hash: str
    payload_sha256: str
    encrypted: bool
    key_id: str
    mac: str = ""

    def body(self) -> bytes:
        fields = {k: v for k, v in asdict(self).items() if k != "mac"}
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def signed(self, keys: KeyRing) -> Manifest:
        unsigned = Manifest(**{**asdict(self), "key_id": keys.current_id, "mac": ""})
        return Manifest(**{**asdict(unsigned), "mac": mac(keys.current, unsigned.body())})


def backup_keys() -> list[bytes]:
    """The configured Fernet keys, newest first (empty when none is set)."""
    keys: list[bytes] = []
    if settings.MISPER_BACKUP_KEY_FILE:
        try:
            lines = Path(settings.MISPER_BACKUP_KEY_FILE).read_text().splitlines()
        except OSError as exc:
            raise BackupError(f"The backup key file cannot be read ({exc.strerror}).") from exc
        keys += [line.strip().encode() for line in lines if line.strip() and not line.startswith("#")]
    if settings.MISPER_BACKUP_KEY:
        keys.append(settings.MISPER_BACKUP_KEY.strip().encode())
    return list(reversed(keys))


def _fernet() -> MultiFernet:
    keys = backup_keys()
    if not keys:
        raise BackupError("This backup is encrypted: set MISPER_BACKUP_KEY or MISPER_BACKUP_KEY_FILE.")
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except ValueError as exc:
        raise BackupError(
            "A backup key is not a Fernet key (make one with 'misper backup --new-key')."
        ) from exc


def payload_digest(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def backup_file_write(path: Path, manifest: Manifest, payload: bytes) -> None:
    """Write the file 0600, encrypting the payload if the manifest says so. Refuses to overwrite."""
    body = _fernet().encrypt(payload) if manifest.encrypted else payload
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise BackupError(f"{path} already exists: choose a new file name.") from exc
    with os.fdopen(fd, "wb") as f:
        f.write(MAGIC + json.dumps(asdict(manifest), separators=(",", ":")).encode() + b"\n" + body)


def backup_file_read(path: Path) -> tuple[Manifest | None, bytes]:
    """The manifest (None for a bare copy made before manifests existed) and the decrypted payload."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise BackupError(f"No backup at {path}.") from exc
    if not data.startswith(MAGIC):
        return None, data
    head, _, body = data[len(MAGIC) :].partition(b"\n")
    try:
        manifest = Manifest(**json.loads(head))
    except (ValueError, TypeError) as exc:
        raise BackupError("The backup's manifest is damaged.") from exc
    if manifest.encrypted:
        try:
            body = _fernet().decrypt(body)
        except InvalidToken as exc:
            raise BackupError(
                "The backup cannot be decrypted: it was changed, or none of the backup keys given is its key."
            ) from exc
    return manifest, body
