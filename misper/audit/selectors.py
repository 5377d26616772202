"""Reading the access log: the auditors' search and the CSV export, scoped to the auditor's agency.

An auditor reads their own agency's log: the events of its users (``agency_code``, recorded with each
event). A police force's auditor who searches one of the force's own children or episodes by record
type and id also sees every agency's events about that record (who outside the force looked at it).
Nothing else: not another force's or council's events, not events made on the command line. There is
no national auditor role; ``misper audit export`` (the host's operator) reads the whole log."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from misper.accounts.models import Role, User
from misper.audit.models import AccessEvent
from misper.core.spreadsheet import spreadsheet_cell as _cell
from misper.episodes.models import Episode
from misper.people.models import Child

SEARCH_LIMIT = 500
CSV_COLUMNS = (
    "id", "at", "username", "agency_code", "role", "action", "record_type", "record_ids", "purpose",
    "request_id", "prev_hash", "hash",
)  # fmt: skip


def can_read_access_log(user: User) -> bool:
    """Auditors read the access log; nobody else does (not even administrators)."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.AUDITOR)


@dataclass(frozen=True)
class LogFilter:
    username: str = ""
    record_type: str = ""
    record_id: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _day_start(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def _owns_searched_record(reader: User, f: LogFilter) -> bool:
    """True when the search names one child or episode of the reader's own police force."""
    rid = f.record_id.strip()
    if not rid.isdigit() or reader.agency is None or not reader.agency.is_police:
        return False
    models: dict[str, type[Child] | type[Episode]] = {"child": Child, "episode": Episode}
    model = models.get(f.record_type.strip())
    return model is not None and model.objects.filter(pk=int(rid), force_id=reader.agency_id).exists()


def visible_access_events(reader: User, f: LogFilter | None = None) -> QuerySet[AccessEvent]:
    """The part of the access log ``reader`` may read (see the module's docstring); none for anyone
    who is not an auditor of an agency."""
    if not can_read_access_log(reader) or reader.agency is None:
        return AccessEvent.objects.none()
    if f is not None and _owns_searched_record(reader, f):
        return AccessEvent.objects.all()  # narrowed to that one record by ``access_log_search``
    return AccessEvent.objects.filter(agency_code=reader.agency.code)


def access_log_search(f: LogFilter, *, reader: User | None) -> QuerySet[AccessEvent]:
    """Events matching every filter given, newest first, within what ``reader`` may read
    (``visible_access_events``). ``reader=None`` is the whole log: the command line only."""
    q = Q()
    if f.username:
        q &= Q(username__iexact=f.username.strip())
    if f.record_type:
        q &= Q(record_type=f.record_type.strip())
    if f.action:
        q &= Q(action=f.action.strip())
    if f.date_from:
        q &= Q(at__gte=_day_start(f.date_from))
    if f.date_to:
        q &= Q(at__lt=_day_start(f.date_to) + timedelta(days=1))
    base = AccessEvent.objects.all() if reader is None else visible_access_events(reader, f)
    qs = base.filter(q).order_by("-pk")
    if f.record_id:
        rid = f.record_id.strip()
        if connection.vendor == "postgresql":
            qs = qs.filter(record_ids__contains=[rid])
        else:  # SQLite has no JSON containment: match the quoted id in the list's text
            qs = qs.filter(record_ids__icontains=f'"{rid}"')
    return qs


def access_log_csv(events: Iterable[AccessEvent]) -> Iterator[str]:
    """The events as CSV lines, header first (ids only, never record content)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    yield buf.getvalue()
    for e in events:
        buf.seek(0)
        buf.truncate()
        row = [getattr(e, c) for c in CSV_COLUMNS]
        row[1] = e.at.isoformat()
        row[6] = " ".join(e.record_ids)
        writer.writerow([_cell(v) for v in row])
        yield buf.getvalue()
