"""The access log's keyed chain: how one event's link is computed, and how a chain is checked.

Each sealed event has a gap-free position ``seq`` (1, 2, 3…) and a link
``hash = HMAC-SHA256(key[key_id], canonical(event fields, seq, key_id, previous link))``. The key is held
outside the database (``misper.audit.keys``), so someone who can write to the database can edit or delete
rows but cannot compute links that verify. A checkpoint outside the database (``misper.audit.checkpoints``)
records the newest sealed position and its link, so removing the last events is detected too.

Everything here works on plain ``EventRow`` values, not on the ORM, so the same check runs on the live
database (``misper audit verify``) and on a backup before it is restored (``misper.audit.backup``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from misper.audit.keys import KeyRing, key_check_value, mac

GENESIS = "0" * 64


@dataclass
class EventRow:
    id: int
    seq: int | None
    at: datetime
    user_id: int | None
    username: str
    agency_code: str
    role: str
    action: str
    record_type: str
    record_ids: list[str]
    purpose: str
    request_id: str
    prev_hash: str
    hash: str
    key_id: str


@dataclass(frozen=True)
class Checkpoint:
    """One anchor: the chain reached ``seq`` with link ``hash`` at ``at``, sealed with key ``key_id``."""

    seq: int
    hash: str
    at: str
    key_id: str
    kcv: str = ""
    mac: str = ""
    reason: str = ""  # set when a restore restarted the log from an earlier event
    log: str = ""  # which access log: the link of its event 1 (a rebuilt database starts another)

    def body(self) -> bytes:
        body = f"misper-checkpoint|{self.seq}|{self.hash}|{self.at}|{self.key_id}|{self.kcv}"
        return (
            body + (f"|{self.reason}" if self.reason else "") + (f"|log={self.log}" if self.log else "")
        ).encode()


def canonical_at(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def link_body(row: EventRow, prev: str) -> bytes:
    """Every field of the event, its position, key id and the previous link, in a fixed order."""
    fields = [
        row.id, row.seq, row.key_id, canonical_at(row.at), row.user_id, row.username, row.agency_code,
        row.role, row.action, row.record_type, [str(i) for i in row.record_ids], row.purpose,
        row.request_id, prev,
    ]  # fmt: skip
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode()


def link(row: EventRow, prev: str, secret: bytes) -> str:
    return mac(secret, link_body(row, prev))


def checkpoint_sign(cp: Checkpoint, secret: bytes) -> Checkpoint:
    unsigned = Checkpoint(
        cp.seq, cp.hash, cp.at, cp.key_id, key_check_value(secret), reason=cp.reason, log=cp.log
    )
    return Checkpoint(**{**unsigned.__dict__, "mac": mac(secret, unsigned.body())})


@dataclass
class ChainReport:
    """What a check found. ``problems`` make verification fail; ``notes`` are said but do not."""

    sealed: int = 0
    head_seq: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _missing(first: int, last: int) -> str:
    return f"event {first}" if first == last else f"events {first} to {last}"


@dataclass
class _Walk:
    keys: KeyRing
    report: ChainReport
    prev: str = GENESIS
    expected: int = 1
    at_seq: dict[int, str] = field(default_factory=dict)
    bad_by_key: dict[str, list[int]] = field(default_factory=dict)
    seen_by_key: dict[str, int] = field(default_factory=dict)

    def step(self, row: EventRow, want: set[int]) -> None:
        assert row.seq is not None
        if row.seq > self.expected:
            self.report.problems.append(
                f"{_missing(self.expected, row.seq - 1)} missing from the access log."
            )
            self.prev = row.prev_hash  # the links across a gap cannot be checked; carry on after it
        elif row.seq < self.expected:
            self.report.problems.append(f"Event {row.seq} appears twice in the access log.")
        self.seen_by_key[row.key_id] = self.seen_by_key.get(row.key_id, 0) + 1
        secret = self.keys.secret(row.key_id)
        if secret is not None and (row.prev_hash != self.prev or link(row, self.prev, secret) != row.hash):
            self.bad_by_key.setdefault(row.key_id, []).append(row.seq)
        if row.seq in want:
            self.at_seq[row.seq] = row.hash
        self.prev, self.expected = row.hash, row.seq + 1
        self.report.sealed += 1
        self.report.head_seq = row.seq


def chain_check(rows: Iterable[EventRow], *, keys: KeyRing, checkpoint: Checkpoint | None) -> ChainReport:
    """Check sealed events given in ``seq`` order against the keys and the newest checkpoint."""
    report = ChainReport()
    walk = _Walk(keys, report)
    want = {checkpoint.seq} if checkpoint else set()
    for row in rows:
        walk.step(row, want)
    for key_id, count in walk.seen_by_key.items():
        if keys.secret(key_id) is None:
            report.problems.append(
                f"{count} events are sealed with key '{key_id}', which is not available here: set "
                f"MISPER_AUDIT_KEY='{key_id}:<secret>' or add it to MISPER_AUDIT_KEY_FILE, then verify again."
            )
    for key_id, bad in walk.bad_by_key.items():
        report.problems.append(_bad_events(key_id, bad, walk.seen_by_key[key_id]))
    if checkpoint is not None:
        _against_checkpoint(report, walk.at_seq, checkpoint, keys)
    return report


def _bad_events(key_id: str, bad: list[int], seen: int) -> str:
    if len(bad) == seen and seen > 1:
        return (
            f"None of the {seen} events sealed with key '{key_id}' verify: either the key '{key_id}' "
            "given here is not the one they were sealed with, or the whole log was rewritten."
        )
    more = f" ({len(bad) - 1} more after it)" if len(bad) > 1 else ""
    return f"Event {bad[0]} was changed after it was sealed, or does not follow the event before it{more}."


def _against_checkpoint(report: ChainReport, at_seq: dict[int, str], cp: Checkpoint, keys: KeyRing) -> None:
    secret = keys.secret(cp.key_id)
    if secret is None:
        report.problems.append(
            f"The newest checkpoint is signed with key '{cp.key_id}', which is not available here."
        )
        return
    if cp.kcv and cp.kcv != key_check_value(secret):
        report.problems.append(
            f"The key '{cp.key_id}' given here is not the one that wrote the checkpoints: check MISPER_AUDIT_KEY."
        )
        return
    if checkpoint_sign(cp, secret).mac != cp.mac:
        report.problems.append(f"The newest checkpoint (event {cp.seq}, {cp.at}) is not genuine.")
        return
    if report.head_seq < cp.seq:
        report.problems.append(
            f"{_missing(report.head_seq + 1, cp.seq)} missing from the end of the access log: the newest "
            f"checkpoint ({cp.at}) records event {cp.seq}, the log ends at event {report.head_seq}."
        )
    elif (at_seq.get(cp.seq) if cp.seq else GENESIS) != cp.hash:
        report.problems.append(
            f"Event {cp.seq} does not match the checkpoint of {cp.at}: the log was rewritten."
        )
    elif report.head_seq > cp.seq:
        report.notes.append(
            f"{report.head_seq - cp.seq} events sealed after the newest checkpoint ({cp.at}) are not anchored yet."
        )
