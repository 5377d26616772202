"""``misper backup`` and ``misper restore``: a backup is checked completely before anything is written.

``backup_create`` seals what has committed, takes the engine's copy into a private temporary directory,
reads the access log back out of that copy to write its manifest (counts, chain head; signed with the
access log key, ``misper.audit.backup_file``), and writes the file 0600, encrypted when a backup key is set.

``backup_restore`` decrypts and checks, in this order, before the database is touched: the manifest is
genuine (its HMAC), the copy is the one the manifest describes (SHA-256), the access log inside has the
manifest's counts and head, its keyed chain verifies, and it matches the newest checkpoint at or before its
head. Any finding refuses the restore and changes nothing. Then the engine loads the copy in one step,
and a checkpoint marks where the restored log continues from (events recorded after the backup are no
longer in the log; the restore says how many the checkpoints knew of).
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.db import connection

from misper.audit.backup_engine import engine_audit_rows, engine_dump, engine_load
from misper.audit.backup_file import (
    BackupError,
    Manifest,
    backup_file_read,
    backup_file_write,
    backup_keys,
    payload_digest,
)
from misper.audit.chain import GENESIS, EventRow, chain_check
from misper.audit.checkpoints import CheckpointError, checkpoint_at_or_before
from misper.audit.keys import KeyRing, load_keys, mac
from misper.audit.sealer import ChainBrokenError, audit_seal, checkpoint_now

__all__ = ["BackupError", "backup_create", "backup_restore", "backup_verify"]


@dataclass
class BackupLog:
    """The access log found inside a copy: sealed events in chain order, and the count of unsealed ones."""

    sealed: list[EventRow]
    unsealed: int

    @property
    def log_id(self) -> str:
        return self.sealed[0].hash if self.sealed and self.sealed[0].seq == 1 else ""

    @property
    def head(self) -> tuple[int, str]:
        return (self.sealed[-1].seq or 0, self.sealed[-1].hash) if self.sealed else (0, GENESIS)


def _at(text: str) -> datetime:
    at = datetime.fromisoformat(text.replace(" ", "T"))
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _row(values: dict[str, str | None]) -> EventRow:
    def text(name: str) -> str:
        return values.get(name) or ""

    user_id, seq = values.get("user_id"), values.get("seq")
    return EventRow(
        id=int(text("id")), seq=int(seq) if seq else None, at=_at(text("at")),
        user_id=int(user_id) if user_id else None, username=text("username"), agency_code=text("agency_code"),
        role=text("role"), action=text("action"), record_type=text("record_type"),
        record_ids=json.loads(text("record_ids") or "[]"), purpose=text("purpose"),
        request_id=text("request_id"), prev_hash=text("prev_hash"), hash=text("hash"), key_id=text("key_id"),
    )  # fmt: skip


def backup_log(copy: Path) -> BackupLog:
    """Read the access log out of an engine copy without loading it."""
    names, raw = engine_audit_rows(copy)
    if names and "seq" not in names:
        raise BackupError(
            "This backup was made before the access log was sealed with a key: it cannot be verified."
        )
    try:
        rows = [_row(dict(zip(names, values, strict=True))) for values in raw]
    except (ValueError, TypeError) as exc:
        raise BackupError("The access log inside the backup is damaged.") from exc
    sealed = sorted((r for r in rows if r.seq is not None), key=lambda r: r.seq or 0)
    return BackupLog(sealed=sealed, unsealed=len(rows) - len(sealed))


def backup_create(*, path: Path, encrypt: bool | None = None) -> Manifest:
    """Write a verified, signed (and, with a backup key, encrypted) backup of the database to ``path``."""
    keys = load_keys()
    encrypt = bool(backup_keys()) if encrypt is None else encrypt
    with contextlib.suppress(ChainBrokenError):  # a log that no longer verifies is still copied (evidence)
        audit_seal(keys=keys)  # its restore will refuse it
    with tempfile.TemporaryDirectory(prefix="misper-backup-") as tmp:  # 0700: the plain copy stays private
        copy = Path(tmp) / "copy"
        engine_dump(copy)
        log = backup_log(copy)
        payload = copy.read_bytes()
    head_seq, head_hash = log.head
    manifest = Manifest(
        engine=connection.vendor, created=datetime.now(UTC).isoformat(timespec="seconds"),
        events=len(log.sealed) + log.unsealed, sealed=len(log.sealed), head_seq=head_seq, head_hash=head_hash,
        payload_sha256=payload_digest(payload), encrypted=encrypt, key_id="",
    ).signed(keys)  # fmt: skip
    backup_file_write(path, manifest, payload)
    return manifest


@dataclass
class BackupCheck:
    manifest: Manifest | None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _manifest_problems(manifest: Manifest, payload: bytes, keys: KeyRing) -> list[str]:
    if manifest.engine != connection.vendor:
        return [f"This backup is of a {manifest.engine} database; this misper uses {connection.vendor}."]
    secret = keys.secret(manifest.key_id)
    if secret is None:
        return [f"The backup is signed with access log key '{manifest.key_id}', which is not available here."]
    if mac(secret, manifest.body()) != manifest.mac:
        return ["The backup's manifest is not genuine: it was changed after the backup was made."]
    if payload_digest(payload) != manifest.payload_sha256:
        return ["The database copy inside the backup was changed after the backup was made."]
    return []


def _log_problems(manifest: Manifest, log: BackupLog) -> list[str]:
    found = (len(log.sealed) + log.unsealed, len(log.sealed), *log.head)
    wanted = (manifest.events, manifest.sealed, manifest.head_seq, manifest.head_hash)
    if found != wanted:
        return [
            f"The backup's access log holds {found[0]} events ({found[1]} sealed, up to event {found[2]}); "
            f"its manifest says {wanted[0]} ({wanted[1]} sealed, up to event {wanted[2]})."
        ]
    return []


def _check_log(check: BackupCheck, log: BackupLog, keys: KeyRing, checkpoints: Path | None) -> None:
    head_seq = log.head[0]
    try:
        cp, highest = checkpoint_at_or_before(head_seq, log.log_id, checkpoints)
    except CheckpointError as exc:
        check.problems.append(str(exc))
        return
    report = chain_check(log.sealed, keys=keys, checkpoint=cp)
    check.problems += report.problems
    if highest > head_seq:
        check.notes.append(
            f"The checkpoints record events up to {highest}; this backup ends at event {head_seq}. After the "
            f"restore, the {highest - head_seq} events recorded after the backup are no longer in the log."
        )


def backup_verify(path: Path, *, checkpoints: Path | None = None) -> tuple[BackupCheck, bytes]:
    """Check the backup at ``path`` completely, writing nothing. Returns the findings and the plain copy."""
    keys = load_keys()
    manifest, payload = backup_file_read(path)
    check = BackupCheck(manifest)
    if manifest is None:
        check.problems.append("This file has no signed manifest: it is not a backup made by 'misper backup'.")
        return check, payload
    check.problems += _manifest_problems(manifest, payload, keys)
    if check.problems:
        return check, payload
    with tempfile.TemporaryDirectory(prefix="misper-restore-") as tmp:
        copy = Path(tmp) / "copy"
        copy.write_bytes(payload)
        log = backup_log(copy)
    check.problems += _log_problems(manifest, log)
    if not check.problems:
        _check_log(check, log, keys, checkpoints)
    return check, payload


def backup_restore(path: Path) -> BackupCheck:
    """Verify the backup, then (only if it verifies) replace the database's contents with it."""
    check, payload = backup_verify(path)
    if check.problems:
        return check
    assert check.manifest is not None
    with tempfile.TemporaryDirectory(prefix="misper-restore-") as tmp:
        copy = Path(tmp) / "copy"
        copy.write_bytes(payload)
        engine_load(copy)
    connection.close()
    checkpoint_now(reason=f"restored from the backup made {check.manifest.created}")
    return check
