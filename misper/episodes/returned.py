"""Found but not yet closed: the board's list of children back from missing whose episode is still open,
with the deadlines that now run (the safe-and-well check, the return interview) and who owns each.

A read with the access rule built in (``visible_episodes``), like the rest of the board."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef

from misper.accounts.models import User
from misper.episodes import schedules
from misper.episodes.models import Episode, SafeAndWellCheck, Status
from misper.episodes.selectors import visible_episodes

FOUND_LIMIT = 200
FINISHED_INTERVIEW = frozenset({"completed", "declined", "not_possible"})


@dataclass
class FoundRow:
    episode: Episode
    safe_and_well_done: bool
    safe_and_well_due: datetime
    safe_and_well_overdue: bool
    interview_due: datetime | None
    interview_overdue: bool

    @property
    def overdue(self) -> bool:
        return self.safe_and_well_overdue or self.interview_overdue


def found_not_closed(user: User, now: datetime) -> list[FoundRow]:
    """Visible found episodes not yet closed, overdue first then the longest back. Two queries."""
    checked = SafeAndWellCheck.objects.filter(episode=OuterRef("pk"))
    episodes = (
        visible_episodes(user)
        .filter(status=Status.FOUND)
        .select_related("child", "owner", "return_interview", "return_interview__responsible_agency")
        .annotate(has_check=Exists(checked))
        .order_by("found_at")[:FOUND_LIMIT]
    )
    rows = [_row(e, now) for e in episodes]
    return sorted(rows, key=lambda r: (not r.overdue, r.episode.found_at or now))


def _row(e: Episode, now: datetime) -> FoundRow:
    back = e.found_at or now
    due = schedules.safe_and_well_due_at(back)
    interview = getattr(e, "return_interview", None) if _has_interview(e) else None
    interview_due = interview.due_at if interview else None
    interview_open = interview is not None and interview.status not in FINISHED_INTERVIEW
    return FoundRow(
        episode=e,
        safe_and_well_done=bool(e.has_check),  # type: ignore[attr-defined]
        safe_and_well_due=due,
        safe_and_well_overdue=not e.has_check and due < now,  # type: ignore[attr-defined]
        interview_due=interview_due,
        interview_overdue=bool(interview_open and interview_due and interview_due < now),
    )


def _has_interview(e: Episode) -> bool:
    try:
        return e.return_interview is not None
    except Episode.return_interview.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return False
