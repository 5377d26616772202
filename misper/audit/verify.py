"""``misper audit verify``: check the live access log against the keys and the newest checkpoint.

Finds an edited event, removed events (a missing ``seq`` range, or events missing from the end when the
newest checkpoint records a later one), a chain recomputed without the key, and events that were committed
but have waited too long for the sealer (``MISPER_AUDIT_UNSEALED_ALARM_SECONDS``). Every finding is a
sentence; nothing here raises on a bad key or a damaged checkpoint file.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from misper.audit.chain import ChainReport, Checkpoint, chain_check
from misper.audit.checkpoints import CheckpointError, checkpoint_file, checkpoint_newest
from misper.audit.keys import AuditKeyError, load_keys
from misper.audit.models import AccessEvent
from misper.audit.sealer import log_id, row_of


def unsealed_overdue(now: datetime | None = None) -> tuple[int, datetime | None]:
    """How many committed events have waited longer than the limit for the sealer, and the oldest's time."""
    limit = (now or timezone.now()) - timedelta(seconds=settings.MISPER_AUDIT_UNSEALED_ALARM_SECONDS)
    overdue = AccessEvent.objects.filter(seq__isnull=True, at__lt=limit)
    return overdue.count(), overdue.order_by("at").values_list("at", flat=True).first()


UNSEALED_ALARM = (
    "{n} access log events have waited more than {seconds} seconds to be sealed. Tell your system "
    "administrator: the access log's sealer may have stopped, and until it runs these events are not yet "
    "protected against tampering."
)


def unsealed_alarm() -> str:
    """The board's warning for administrators when events wait too long for the sealer; empty when none."""
    n, _ = unsealed_overdue()
    return UNSEALED_ALARM.format(n=n, seconds=settings.MISPER_AUDIT_UNSEALED_ALARM_SECONDS) if n else ""


def _checkpoints(report: ChainReport, path: Path | None) -> tuple[Checkpoint | None, Checkpoint | None]:
    """The newest checkpoint of this database's access log, and the newest of any log."""
    try:
        log = log_id()
        return (checkpoint_newest(path, log=log) if log else None), checkpoint_newest(path)
    except CheckpointError as exc:
        report.problems.append(str(exc))
        return None, None


def _log_replaced(report: ChainReport, newest: Checkpoint | None) -> None:
    if newest is None or newest.seq == 0:
        return
    said = (
        f"The newest checkpoint ({newest.at}) records another access log, up to event {newest.seq}: this "
        "database's access log was emptied or replaced."
    )
    if settings.DEMO_MODE:
        report.notes.append(said + " (In demo mode a rebuilt database does this too.)")
    else:
        report.problems.append(said)


def audit_verify(*, checkpoints: Path | None = None, now: datetime | None = None) -> ChainReport:
    """Check the whole log. ``checkpoints``: a file to read them from (default: the configured sink)."""
    try:
        keys = load_keys()
    except AuditKeyError as exc:
        return ChainReport(problems=[str(exc)])
    pre = ChainReport()
    cp, newest = _checkpoints(pre, checkpoints)
    sealed = AccessEvent.objects.filter(seq__isnull=False).order_by("seq")
    report = chain_check((row_of(e) for e in sealed.iterator(chunk_size=2000)), keys=keys, checkpoint=cp)
    report.problems[:0] = pre.problems
    report.notes[:0] = pre.notes
    if cp is None and newest is not None and newest.log != log_id():
        _log_replaced(report, newest)
    elif cp is None and report.sealed and not pre.problems:
        where = checkpoints or checkpoint_file()
        report.problems.append(
            f"No checkpoint found ({where}): the end of the access log cannot be checked. "
            "Is this the right file, and is the sealer writing checkpoints?"
        )
    overdue, oldest = unsealed_overdue(now)
    if overdue:
        report.problems.append(
            f"{overdue} events committed more than {settings.MISPER_AUDIT_UNSEALED_ALARM_SECONDS} seconds "
            f"ago are not sealed yet (the oldest at {timezone.localtime(oldest):%-d %B %Y %H:%M:%S}): "
            "is the sealer ('misper audit seal --loop') running?"
        )
    waiting = AccessEvent.objects.filter(seq__isnull=True).count() - overdue
    if waiting:
        report.notes.append(f"{waiting} events written in the last moments are waiting to be sealed.")
    return report


def audit_chain_verify() -> list[str]:
    """The problems ``audit_verify`` finds (empty when the log is intact)."""
    return audit_verify().problems
