"""Checkpoints: anchors of the access log's chain kept outside the database.

A checkpoint is one line, ``misper-audit-checkpoint {"seq": …, "hash": …, "at": …, "key_id": …, "kcv": …,
"mac": …}``, appended by the sealer every ``MISPER_AUDIT_CHECKPOINT_SECONDS`` (when the chain moved) and
when it stops. ``MISPER_AUDIT_CHECKPOINTS`` says where:

- ``file:<path>`` (default ``var/audit-checkpoints.log``): opened with O_APPEND and created 0600. Make it
  append-only for the service's user where the filesystem allows (``chattr +a``), or ship it off the
  machine; misper itself only ever appends.
- ``syslog`` (the local ``/dev/log``) or ``syslog:<host>:<port>`` (UDP): for a central log store with
  retention. Verification then reads a copy of that log: ``misper audit verify --checkpoints FILE``.

Each line names its access log (``log``: the link of the log's event 1), so a database that is rebuilt
starts a new series in the same file. Verification needs only the newest line of the database's own log;
the whole file is a history of where the chain stood.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from misper.audit.chain import Checkpoint

MARKER = "misper-audit-checkpoint "


class CheckpointError(Exception):
    """The checkpoint sink cannot be read or parsed. Message in plain words."""


def _sink() -> tuple[str, str]:
    kind, _, where = settings.MISPER_AUDIT_CHECKPOINTS.partition(":")
    return kind, where


def checkpoint_file() -> Path | None:
    kind, where = _sink()
    return Path(where) if kind == "file" else None


def checkpoint_write(cp: Checkpoint) -> None:
    line = MARKER + json.dumps(cp.__dict__, separators=(",", ":"))
    kind, where = _sink()
    if kind == "file":
        path = Path(where)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        return
    if kind == "syslog":
        host, _, port = where.partition(":")
        address: str | tuple[str, int] = (host, int(port or 514)) if host else "/dev/log"
        handler = logging.handlers.SysLogHandler(address=address)
        try:
            handler.emit(logging.LogRecord("misper.audit", logging.INFO, __file__, 0, line, None, None))
        finally:
            handler.close()
        return
    raise CheckpointError(f"MISPER_AUDIT_CHECKPOINTS must be 'file:<path>' or 'syslog…', not '{kind}'.")


def _lines_backwards(path: Path) -> Iterator[str]:
    """The lines holding a checkpoint, newest first, read from the end (the file only grows)."""
    with path.open("rb") as f:
        f.seek(0, os.SEEK_END)
        end, tail = f.tell(), b""
        while end > 0:
            start = max(0, end - 65536)
            f.seek(start)
            lines = (f.read(end - start) + tail).split(b"\n")
            tail, end = (lines.pop(0) if start > 0 else b""), start
            for raw in reversed(lines):
                if MARKER.encode() in raw:
                    yield raw.decode(errors="replace")


def checkpoint_newest(path: Path | None = None, *, log: str | None = None) -> Checkpoint | None:
    """The newest checkpoint in ``path`` (default: the configured file) — of access log ``log`` if given —
    or None if there is none."""
    path = path or checkpoint_file()
    if path is None:
        raise CheckpointError("Checkpoints go to syslog: give a copy of that log with --checkpoints FILE.")
    if not path.exists():
        return None
    try:
        for n, line in enumerate(_lines_backwards(path)):
            where = "The last line" if n == 0 else "A line"
            cp = _parse(line, f"{where} of the checkpoint file {path} is damaged.")
            if log is None or cp.log == log:
                return cp
    except OSError as exc:
        raise CheckpointError(f"The checkpoint file {path} cannot be read ({exc.strerror}).") from exc
    return None


def _parse(line: str, damaged: str) -> Checkpoint:
    try:
        text = line.split(MARKER, 1)[1]
        data = json.loads(text[: text.rfind("}") + 1])  # a syslog line may end in a NUL or a newline
        fields = {k: data[k] for k in ("seq", "hash", "at", "key_id", "kcv", "mac")}
        return Checkpoint(**fields, reason=str(data.get("reason", "")), log=str(data.get("log", "")))
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise CheckpointError(damaged) from exc


def checkpoint_at_or_before(seq: int, log: str, path: Path | None = None) -> tuple[Checkpoint | None, int]:
    """The newest checkpoint of access log ``log`` at or before event ``seq`` (for checking a backup), and
    the highest ``seq`` any of its checkpoints records. Reads the whole file: only a restore needs this."""
    path = path or checkpoint_file()
    if path is None or not path.exists():
        return None, 0
    best: Checkpoint | None = None
    highest = 0
    with path.open(encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            if MARKER not in line:
                continue
            cp = _parse(line, f"Line {n} of the checkpoint file {path} is damaged.")
            if cp.log != log:
                continue
            highest = max(highest, cp.seq)
            if cp.seq <= seq:
                best = cp  # lines are in time order: a later one wins (a restore may repeat a seq)
    return best, highest
