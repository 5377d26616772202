"""The rows of the partner lists — the return-interview queue and the placement notices — for the
page and for its CSV download, so the two cannot differ.

Which records: the list's selector with the access rule (``selectors.interview_queue``,
``placements.current_received_notices`` and ``placements.sent_notices``). Which fields: the
allow-lists in ``projections`` (``INTERVIEW_QUEUE_COLUMNS``, ``PLACEMENT_LIST_COLUMNS``). A download
is a disclosure: ``list_export`` needs a stated purpose and writes an ``export`` access event.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_noop

from misper.accounts.models import User
from misper.audit.services import access_record
from misper.core.errors import FieldError, InvalidInput
from misper.core.spreadsheet import spreadsheet_cell as _cell
from misper.partners import interviews, placements, selectors
from misper.partners.models import PlacementNotice, ReturnInterview
from misper.partners.projections import INTERVIEW_QUEUE_COLUMNS, PLACEMENT_LIST_COLUMNS, row_for
from misper.people.models import PlacementType

TO_DO, FINISHED, RECEIVED, SENT = "To do", "Recently finished", "Received", "Sent"
OPEN_LIMIT, FINISHED_LIMIT, NOTICE_LIMIT = 500, 50, 200
ENTER_PURPOSE = gettext_noop("Enter why you are downloading this list")
PURPOSE_MAX = 150
PURPOSE_TOO_LONG = f"The reason must be {PURPOSE_MAX} characters or fewer"


def _interview_row(ri: ReturnInterview, section: str) -> dict[str, Any]:
    child = ri.episode.child
    return row_for(
        INTERVIEW_QUEUE_COLUMNS,
        {
            "id": ri.pk,
            "list": section,
            "child_name": child.full_name,
            "child_ref": child.ref,
            "returned_at": ri.episode.found_at,
            "due_at": ri.due_at,
            "status": ri.get_status_display(),
            "completed_at": ri.completed_at,
            "responsible_agency": ri.responsible_agency.name,
            "provider": ri.provider.name if ri.provider else "",
        },
    )


def interview_queue_rows(user: User) -> list[dict[str, Any]]:
    """Every interview still to do (soonest due first), then the latest finished ones: a queue cut off by
    count alone would hide today's work behind years of finished interviews."""
    qs = selectors.interview_queue(user)
    open_rows = qs.exclude(status__in=interviews.FINISHED)[:OPEN_LIMIT]
    finished = qs.filter(status__in=interviews.FINISHED).order_by("-due_at", "-pk")[:FINISHED_LIMIT]
    return [_interview_row(r, TO_DO) for r in open_rows] + [_interview_row(r, FINISHED) for r in finished]


def _notice_row(n: PlacementNotice, section: str) -> dict[str, Any]:
    place = n.placement
    return row_for(
        PLACEMENT_LIST_COLUMNS,
        {
            "id": n.pk,
            "list": section,
            "child_name": n.child.full_name,
            "child_ref": n.child.ref,
            "placed_at": str(place) if place else "",
            "beat": place.beat if place else "",
            "placement_type": PlacementType(n.placement_type).label
            if n.placement_type in PlacementType.values
            else n.placement_type,
            "starts_on": n.starts_on,
            "ends_on": n.ends_on,
            "placing_authority": n.placing_authority.name,
            "host_force": n.host_force.name,
            "host_authority": n.host_authority.name if n.host_authority else "",
            "known_risks": n.known_risks,
            "acknowledged_by_police": "Yes" if n.acknowledged_at else "No",
            "acknowledged_by_host_authority": "Yes" if n.authority_acknowledged_at else "No",
        },
    )


def placement_list_rows(user: User) -> list[dict[str, Any]]:
    """The current notices received by the user's agency, then those its authority sent (newest first)."""
    received = placements.current_received_notices(user)[:NOTICE_LIMIT]
    sent = placements.sent_notices(user)[:NOTICE_LIMIT]
    return [_notice_row(n, RECEIVED) for n in received] + [_notice_row(n, SENT) for n in sent]


LISTS = {
    "return_interview": (interview_queue_rows, INTERVIEW_QUEUE_COLUMNS),
    "placement_notice": (placement_list_rows, PLACEMENT_LIST_COLUMNS),
}


def list_read(*, user: User, record_type: str, request: HttpRequest | None = None) -> list[dict[str, Any]]:
    """A list's rows for its page, logged as one ``list`` access event (same transaction)."""
    rows_of, _ = LISTS[record_type]
    with transaction.atomic():
        rows = rows_of(user)
        ids = [r["id"] for r in rows]
        access_record(user=user, action="list", record_type=record_type, record_ids=ids, request=request)
    return rows


def list_export(
    *, user: User, record_type: str, purpose: str, request: HttpRequest | None = None
) -> list[dict[str, Any]]:
    """The same rows as the page, for download: a stated ``purpose`` is required (InvalidInput naming
    ``purpose``) and recorded on an ``export`` access event with the ids disclosed."""
    purpose = purpose.strip()
    if not purpose:
        raise InvalidInput(FieldError("purpose", ENTER_PURPOSE))
    if len(purpose) > PURPOSE_MAX:
        raise InvalidInput(FieldError("purpose", PURPOSE_TOO_LONG))
    rows_of, _ = LISTS[record_type]
    with transaction.atomic():
        rows = rows_of(user)
        access_record(
            user=user,
            action="export",
            record_type=record_type,
            record_ids=[r["id"] for r in rows],
            purpose=f"CSV download: {purpose}",
            request=request,
        )
    return rows


def rows_csv(record_type: str, rows: list[dict[str, Any]]) -> Iterator[str]:
    """The rows as CSV lines, the list's column headers first."""
    _, columns = LISTS[record_type]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([header for _, header in columns])
    yield buf.getvalue()
    for row in rows:
        buf.seek(0)
        buf.truncate()
        writer.writerow([_cell(row[name]) for name, _ in columns])
        yield buf.getvalue()
