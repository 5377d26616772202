"""What is due for review in the reviewer's force. Shows ids, references and dates, never names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from misper.accounts.models import Role, User
from misper.audit.models import RetentionDecision
from misper.audit.retention import schedule
from misper.core.dates import years_back
from misper.episodes.models import Episode, Status
from misper.people.models import Child

RECORD_TYPES = ("episode", "child")
REVIEWER_ROLES = frozenset({Role.AUDITOR, Role.ADMINISTRATOR})


def can_review_retention(user: User) -> bool:
    """Auditors and administrators of a police force review its records' retention."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role in REVIEWER_ROLES
        and user.agency is not None
        and user.agency.is_police
    )


@dataclass(frozen=True)
class DueRecord:
    record_type: str
    record_id: int
    reference: str
    child_ref: str
    closed_on: date | None
    review_on: date
    retained_before: bool
    disposes_child: bool

    @property
    def is_due(self) -> bool:
        return self.review_on <= timezone.localdate()


def _latest_decision(record_type: str) -> Subquery:
    rows = RetentionDecision.objects.filter(record_type=record_type, record_id=OuterRef("pk"))
    return Subquery(rows.order_by("-decided_at", "-pk").values("next_review_on")[:1])


def _cutoff(today: date, years: int) -> datetime:
    """Records made or closed before this moment have passed a review period of ``years`` by ``today``."""
    first_day_not_due = years_back(today, years) + timedelta(days=1)
    return timezone.make_aware(datetime.combine(first_day_not_due, time.min))


def _episodes(user: User) -> QuerySet[Episode]:
    siblings = Episode.objects.filter(child=OuterRef("child")).values("child").annotate(n=Count("pk"))
    return (
        Episode.objects.filter(force=user.agency, status=Status.CLOSED, closed_at__isnull=False)
        .select_related("child")
        .annotate(next_review=_latest_decision("episode"), child_episodes=Subquery(siblings.values("n")))
    )


def _children(user: User) -> QuerySet[Child]:
    return Child.objects.filter(force=user.agency, episodes__isnull=True).annotate(
        next_review=_latest_decision("child")
    )


def _due_q(today: date, field: str, years: int) -> Q:
    return Q(next_review__isnull=True, **{f"{field}__lt": _cutoff(today, years)}) | Q(next_review__lte=today)


def _episode_row(e: Episode) -> DueRecord:
    first = schedule.episode_review_on(timezone.localtime(e.closed_at)) or timezone.localdate()
    return DueRecord(
        record_type="episode",
        record_id=e.pk,
        reference=e.reference,
        child_ref=e.child.ref,
        closed_on=timezone.localdate(e.closed_at),
        review_on=e.next_review or first,  # type: ignore[attr-defined]
        retained_before=e.next_review is not None,  # type: ignore[attr-defined]
        disposes_child=e.child_episodes == 1,  # type: ignore[attr-defined]
    )


def _child_row(c: Child) -> DueRecord:
    first = schedule.childless_review_on(timezone.localtime(c.created_at))
    return DueRecord(
        record_type="child",
        record_id=c.pk,
        reference=c.ref,
        child_ref=c.ref,
        closed_on=None,
        review_on=c.next_review or first,  # type: ignore[attr-defined]
        retained_before=c.next_review is not None,  # type: ignore[attr-defined]
        disposes_child=True,
    )


def retention_due(user: User, today: date | None = None) -> list[DueRecord]:
    """Every record of the user's force due for review on ``today`` (default: today), oldest first.

    An episode is due ``years_after_closure`` after it closed, or on the next review date its last retain
    decision set. A child with episodes is reviewed with them (disposing of its last episode disposes of
    the child); a child with no episode is due ``years_without_episode`` after it was created."""
    today = today or timezone.localdate()
    rules = schedule.retention_schedule()
    episodes = _episodes(user).filter(_due_q(today, "closed_at", rules["episode"]["years_after_closure"]))
    children = _children(user).filter(_due_q(today, "created_at", rules["child"]["years_without_episode"]))
    rows = [_episode_row(e) for e in episodes] + [_child_row(c) for c in children]
    return sorted(rows, key=lambda r: (r.review_on, r.record_type, r.record_id))


def retention_record(user: User, record_type: str, record_id: int) -> DueRecord | None:
    """The review status of one record of the user's force (due or not), or None if there is none."""
    if record_type == "episode":
        episode = _episodes(user).filter(pk=record_id).first()
        return _episode_row(episode) if episode is not None else None
    child = _children(user).filter(pk=record_id).first() if record_type == "child" else None
    return _child_row(child) if child is not None else None
