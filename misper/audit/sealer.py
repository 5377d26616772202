"""The sealer: links committed, unsealed access events into the keyed chain, shortly after they commit.

Requests never wait for the chain: ``access_record`` inserts an unsealed row in the request's own
transaction, and one sealer (``misper audit seal --loop``, started by ``scripts/run.sh``) does this:

1. In one transaction, take the sealer lock (a PostgreSQL advisory lock only sealers ever ask for; on
   SQLite every write transaction is already exclusive).
2. Read the chain's head (highest ``seq`` and its link) and up to ``BATCH`` unsealed events, lowest id
   first: the order is deterministic — committed events in id order — and an event whose transaction
   commits late is simply sealed in a later batch (``at`` may therefore run backwards along the chain).
3. Give each the next ``seq``, the current key id, the previous link and its own link; write only those
   seal fields (the PostgreSQL trigger allows nothing else, and only once); commit.

A crash before step 3 commits loses nothing: the events stay committed and unsealed, and the next sealer
seals them. Two sealers cannot both seal one event: the lock serialises them, and behind it the unique
``seq`` and the trigger's seal-once rule refuse a second seal. Every ``MISPER_AUDIT_CHECKPOINT_SECONDS``
(and when the loop stops) the head is written to the checkpoint sink (``misper.audit.checkpoints``).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from misper.audit.chain import GENESIS, Checkpoint, EventRow, canonical_at, checkpoint_sign, link
from misper.audit.checkpoints import CheckpointError, checkpoint_file, checkpoint_newest, checkpoint_write
from misper.audit.keys import KeyRing, load_keys
from misper.audit.models import AccessEvent

logger = logging.getLogger(__name__)
BATCH = 500
_SEALER_LOCK_KEY = 0x6D697373  # "miss": held by a sealer for one batch; requests never take it


def row_of(event: AccessEvent) -> EventRow:
    return EventRow(
        id=event.pk, seq=event.seq, at=event.at, user_id=event.user_id, username=event.username,
        agency_code=event.agency_code, role=event.role, action=event.action, record_type=event.record_type,
        record_ids=list(event.record_ids), purpose=event.purpose, request_id=event.request_id,
        prev_hash=event.prev_hash, hash=event.hash, key_id=event.key_id,
    )  # fmt: skip


def sealer_lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEALER_LOCK_KEY])


def chain_head() -> tuple[int, str]:
    head = AccessEvent.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "hash").first()
    return head or (0, GENESIS)


class ChainBrokenError(Exception):
    """The log in the database no longer reaches its newest checkpoint: sealing stops until someone looks."""


def log_id() -> str:
    """Which access log this database holds: the link of its event 1 (empty before anything is sealed)."""
    return AccessEvent.objects.filter(seq=1).values_list("hash", flat=True).first() or ""


NEW_LOG_REFUSED = (
    "The checkpoints record an access log up to event {seq} ({at}), but this database's access log is "
    "empty: it was emptied, or the database was replaced. misper will not start a new access log over it. "
    "If the database was rebuilt on purpose, move the checkpoint file aside and start the sealer again."
)


def anchor_check(head: tuple[int, str]) -> None:
    """Refuse to extend or anchor a chain that no longer matches its newest checkpoint.

    Without this, removing the last events and waiting for the next checkpoint would hide the removal:
    the sealer would anchor the shortened chain. Likewise, in production, emptying the whole log and
    letting a new one start. Raises ``ChainBrokenError``; the board's unsealed-events warning and
    ``misper audit verify`` then tell people. (Demo mode lets a rebuilt database start a new log.)"""
    if checkpoint_file() is None:
        return  # syslog: the sink cannot be read back here; verify reads a copy of it
    try:
        if head[0] == 0:
            newest = checkpoint_newest()
            if newest is not None and newest.seq > 0 and not settings.DEMO_MODE:
                raise ChainBrokenError(NEW_LOG_REFUSED.format(seq=newest.seq, at=newest.at))
            return
        cp = checkpoint_newest(log=log_id())
    except CheckpointError as exc:
        raise ChainBrokenError(str(exc)) from exc
    if cp is None or cp.seq == 0:
        return
    at_cp = AccessEvent.objects.filter(seq=cp.seq).values_list("hash", flat=True).first()
    if head[0] < cp.seq or at_cp != cp.hash:
        raise ChainBrokenError(
            f"The access log no longer matches its newest checkpoint (event {cp.seq}, {cp.at}): it has been "
            "changed. Sealing has stopped; run 'misper audit verify'."
        )


def seal_events(events: list[AccessEvent], *, head: tuple[int, str], keys: KeyRing, now: datetime) -> None:
    """Fill in the seal fields of ``events`` in order, continuing the chain from ``head`` (not saved)."""
    seq, prev = head
    for event in events:
        seq += 1
        event.seq, event.key_id, event.prev_hash, event.sealed_at = seq, keys.current_id, prev, now
        event.hash = link(row_of(event), prev, keys.current)
        prev = event.hash


def seal_batch(*, keys: KeyRing | None = None, limit: int = BATCH) -> int:
    """Seal up to ``limit`` committed unsealed events in one transaction. Returns how many were sealed."""
    keys = keys or load_keys()
    with transaction.atomic():
        sealer_lock()
        events = list(AccessEvent.objects.filter(seq__isnull=True).order_by("pk")[:limit])
        if not events:
            return 0
        head = chain_head()
        anchor_check(head)
        seal_events(events, head=head, keys=keys, now=timezone.now())
        _write_seals(events)
    return len(events)


def _write_seals(events: list[AccessEvent]) -> None:
    """Write the seal fields of ``events`` in one statement (Django's ``bulk_update`` builds a CASE per
    column that PostgreSQL evaluates row by row: 20 times slower at 500 rows)."""
    rows = [(e.pk, e.seq, e.key_id, e.prev_hash, e.hash, e.sealed_at) for e in events]
    table = AccessEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(
                f"UPDATE {table} SET seq = %s, key_id = %s, prev_hash = %s, hash = %s, sealed_at = %s WHERE id = %s",  # noqa: S608 (the model's own table name)
                [(*r[1:], r[0]) for r in rows],
            )
            return
        values = ", ".join(
            ["(%s::bigint, %s::bigint, %s::text, %s::text, %s::text, %s::timestamptz)"] * len(rows)
        )
        cursor.execute(
            f"UPDATE {table} AS e SET seq = v.seq, key_id = v.key_id, prev_hash = v.prev_hash, hash = v.hash, "  # noqa: S608 (the model's own table name; values are parameters)
            f"sealed_at = v.sealed_at FROM (VALUES {values}) AS v(id, seq, key_id, prev_hash, hash, sealed_at) "
            "WHERE e.id = v.id AND e.seq IS NULL",
            [x for r in rows for x in r],
        )
        if cursor.rowcount != len(rows):
            raise ChainBrokenError(
                f"{len(rows) - cursor.rowcount} events of the batch were sealed by someone else."
            )


def checkpoint_now(*, keys: KeyRing | None = None, reason: str = "") -> Checkpoint | None:
    """Write the chain's head to the checkpoint sink (nothing when nothing is sealed yet)."""
    keys = keys or load_keys()
    seq, head_hash = chain_head()
    if seq == 0 and not reason:
        return None
    if not reason:  # a restore (the only caller with a reason) restarts the chain from its own head
        anchor_check((seq, head_hash))
    key_id = AccessEvent.objects.filter(seq=seq).values_list("key_id", flat=True).first() or keys.current_id
    secret = keys.secret(key_id) or keys.current
    at = canonical_at(timezone.now())
    cp = checkpoint_sign(Checkpoint(seq, head_hash, at, key_id, reason=reason, log=log_id()), secret)
    checkpoint_write(cp)
    return cp


def audit_seal(*, keys: KeyRing | None = None) -> int:
    """Seal every committed unsealed event, then write a checkpoint. For ``misper seed``, tests, cron."""
    keys = keys or load_keys()
    sealed = 0
    while n := seal_batch(keys=keys):
        sealed += n
    checkpoint_now(keys=keys)
    return sealed


def sealer_run(*, poll: float = 0.2, stop: threading.Event | None = None) -> None:
    """The sealer loop: seal what has committed, checkpoint at the interval and when stopped."""
    stop = stop or threading.Event()
    keys = load_keys()
    every = settings.MISPER_AUDIT_CHECKPOINT_SECONDS
    last_cp, moved = time.monotonic(), False
    while not stop.is_set():
        close_old_connections()
        try:
            while n := seal_batch(keys=keys):
                moved = True
                if n < BATCH:
                    break
            if moved and time.monotonic() - last_cp >= every:
                checkpoint_now(keys=keys)
                last_cp, moved = time.monotonic(), False
        except ChainBrokenError as exc:  # said once a minute, not every poll: it needs a person
            logger.error("The access log sealer has stopped sealing: %s", exc)
            stop.wait(60)
        except Exception:
            logger.exception("The access log sealer failed; retrying on the next loop")
            close_old_connections()
        stop.wait(poll)
    try:
        audit_seal(keys=keys)
    except Exception:
        logger.exception("The access log sealer could not seal and checkpoint on stopping")
