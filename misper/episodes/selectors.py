"""Reads of episodes, with the one access rule for episode records built in.

An episode is visible exactly when its child is visible (``misper.people.selectors.child_access_q``):
every list, detail, search, count, export, board and API route goes through ``visible_episodes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, Func, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from misper.accounts.models import User
from misper.episodes import schedules
from misper.episodes.answers import answers_on_file
from misper.episodes.documents import assess_on_file, associates_the_engine_counts, episode_document
from misper.episodes.models import (
    RISK_ORDER,
    Action,
    ApprovalStatus,
    Episode,
    Review,
    RiskAssessment,
    StatusChange,
)
from misper.episodes.schemas import assessment_out
from misper.people.models import Child
from misper.people.selectors import visible_children


def visible_episodes(user: User) -> QuerySet[Episode]:
    return Episode.objects.filter(child__in=visible_children(user))


def can_view_episode(user: User, episode: Episode) -> bool:
    return visible_episodes(user).filter(pk=episode.pk).exists()


def access_episode_by_id(user: User, episode_id: int) -> Episode:
    episode = visible_episodes(user).select_related("child", "force").filter(pk=episode_id).first()
    if episode is None:
        raise Http404("No such episode")
    return episode


def episode_list(user: User, *, limit: int, offset: int) -> tuple[int, list[Episode]]:
    qs = visible_episodes(user)
    count = qs.count()
    items = list(qs.select_related("child").order_by("-reported_at", "-pk")[offset : offset + limit])
    return count, items


def _iso(dt: datetime | date | None) -> str | None:
    return dt.isoformat() if dt else None


def episode_detail(episode: Episode) -> dict[str, object]:
    """Everything about one episode for the API, in a fixed number of queries."""
    from misper.partners.models import ReturnInterview

    e = (
        Episode.objects.select_related("child", "found_location", "owner")
        .prefetch_related(
            "assessments__created_by",
            "assessments__decided_by",
            "reviews__reviewer",
            "actions__assigned_to",
            "status_changes",
            "incidents",
        )
        .get(pk=episode.pk)
    )
    ri = ReturnInterview.objects.filter(episode=e).select_related("responsible_agency", "provider").first()
    sw = getattr(e, "safe_and_well", None) if hasattr(e, "safe_and_well") else None
    return {
        "id": e.pk,
        "reference": e.reference,
        "status": e.status,
        "category": e.category,
        "risk": e.risk,
        "version": e.version,
        "child": {
            "id": e.child.pk,
            "ref": e.child.ref,
            "given_name": e.child.given_name,
            "family_name": e.child.family_name,
        },
        "reported_at": _iso(e.reported_at),
        "last_seen_at": _iso(e.last_seen_at),
        "found_at": _iso(e.found_at),
        "closed_at": _iso(e.closed_at),
        "next_review_at": _iso(e.next_review_at),
        "reporter_type": e.reporter_type,
        # command-and-control incident numbers (misper.incidents); police only, like the reporter's name
        "incident_numbers": sorted(i.number for i in e.incidents.all()),
        "circumstances": e.circumstances,
        "indicators": e.indicators,
        "answers": answers_on_file(e.indicators, e.indicators_not_known),
        "found_with": e.found_with,
        "found_location": str(e.found_location) if e.found_location_id else None,
        "return_method": e.return_method,
        "harm_disclosed": e.harm_disclosed,
        "assessments": [assessment_out(a, None).model_dump(mode="json") for a in e.assessments.all()],
        "reviews": [
            {
                "reviewed_at": _iso(r.reviewed_at),
                "reviewer": r.reviewer.username if r.reviewer else None,
                "regraded": r.regraded,
                "notes": r.notes,
                "next_review_at": _iso(r.next_review_at),
            }
            for r in e.reviews.all()
        ],
        "actions": [
            {
                "id": a.pk,
                "code": a.code,
                "title": a.title,
                "source": a.source,
                "status": a.status,
                "due_at": _iso(a.due_at),
                "assigned_to": a.assigned_to.username if a.assigned_to else None,
                "outcome": a.outcome,
            }
            for a in e.actions.all()
        ],
        "status_changes": [
            {"from": s.from_status, "to": s.to_status, "at": _iso(s.at)} for s in e.status_changes.all()
        ],
        "safe_and_well": (
            {
                "conducted_at": _iso(sw.conducted_at),
                "harm_disclosed": sw.harm_disclosed,
                "returned_to": sw.returned_to,
            }
            if sw
            else None
        ),
        "safe_and_well_not_done_reason": e.safe_and_well_not_done_reason,
        "return_interview": (
            {
                "id": ri.pk,
                "responsible_agency": ri.responsible_agency.code,
                "status": ri.status,
                "referred_at": _iso(ri.referred_at),
                "due_at": _iso(ri.due_at),
            }
            if ri
            else None
        ),
    }


# --- the episode page ---------------------------------------------------------------------------------


def episode_page(user: User, episode_id: int) -> Episode:
    """One visible episode with everything its page shows, in a fixed number of queries (404 if not
    visible)."""
    episode = (
        visible_episodes(user)
        .select_related(
            "child",
            "child__placing_authority",
            "owner",
            "found_location",
            "missing_from",
            "created_by",
            "safe_and_well",
            "safe_and_well__conducted_by",
            "return_interview",
            "return_interview__responsible_agency",
            "ukmpu_notice",
        )
        .prefetch_related(
            Prefetch(
                "assessments", queryset=RiskAssessment.objects.select_related("created_by", "decided_by")
            ),
            Prefetch("reviews", queryset=Review.objects.select_related("reviewer")),
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("assigned_to", "completed_by", "created_by").order_by(
                    "status", "due_at", "pk"
                ),
            ),
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("by")),
            "incidents",
        )
        .filter(pk=episode_id)
        .first()
    )
    if episode is None:
        raise Http404("No such episode")
    return episode


def pending_assessment(episode: Episode) -> RiskAssessment | None:
    return next((a for a in episode.assessments.all() if a.approval_status == ApprovalStatus.PENDING), None)


@dataclass(frozen=True)
class Change:
    at: datetime
    text: str


def changes_since(episode: Episode, since: datetime | None) -> list[Change]:
    """What others recorded on ``episode`` after ``since``: shown when a form meets a stale version."""
    if since is None:
        return []
    out = [
        Change(s.at, f"Status changed to {s.get_to_status_display().lower()}")
        for s in episode.status_changes.filter(at__gt=since)
    ]
    out += [
        Change(a.created_at, f"Graded {a.graded_category}, {a.get_graded_risk_display().lower()} risk")
        for a in episode.assessments.filter(created_at__gt=since)
    ]
    out += [
        Change(a.decided_at, f"Grading {a.get_approval_status_display().lower()} by a supervisor")
        for a in episode.assessments.filter(decided_at__gt=since)
        if a.decided_at
    ]
    out += [
        Change(r.reviewed_at, "Reviewed by a supervisor")
        for r in episode.reviews.filter(reviewed_at__gt=since)
    ]
    out += [
        Change(a.completed_at, a.title if a.source == "handover" else f"Action finished: {a.title}")
        for a in episode.actions.filter(completed_at__gt=since)
        if a.completed_at
    ]
    return sorted(out, key=lambda c: c.at)


# --- the daily management board -----------------------------------------------------------------------

OPEN = schedules.OPEN_STATUSES
REPEAT_RECENT = timedelta(days=7)
BOARD_LIMIT = 500


@dataclass
class BoardRow:
    episode: Episode
    hours_missing: float
    overdue_review: bool
    overdue_actions: int
    recent_episodes: int
    ukmpu_due: bool
    long_term: bool
    pending: bool
    repeat: bool = False


@dataclass
class Board:
    rows: list[BoardRow]
    approvals: list[RiskAssessment]
    repeat_children: list[Any]
    now: datetime
    thresholds: schedules.Thresholds = field(default_factory=schedules.thresholds)
    ukmpu: list[BoardRow] = field(default_factory=list)
    long_term: list[BoardRow] = field(default_factory=list)
    overrides: list[RiskAssessment] = field(default_factory=list)

    @property
    def overdue_count(self) -> int:
        return sum(1 for r in self.rows if r.overdue_review or r.overdue_actions)


def _count(qs: QuerySet[Any]) -> Subquery:
    """A correlated COUNT(*) subquery (a Func, not an aggregate, so Django adds no GROUP BY)."""
    return Subquery(qs.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1])


def board(user: User, now: datetime | None = None) -> Board:
    """The supervisors' board: open episodes by risk then time missing, gradings waiting for approval,
    children who crossed the repeat threshold recently, episodes past the UKMPU and long-term thresholds.
    Three queries, whatever the size of each child's history."""
    now = now or timezone.now()
    limits = schedules.thresholds()
    overdue_actions = Action.objects.filter(episode=OuterRef("pk"), status="open", due_at__lt=now)
    recent = Episode.objects.filter(child=OuterRef("child"), reported_at__gte=now - limits.repeat_window)
    pending = RiskAssessment.objects.filter(episode=OuterRef("pk"), approval_status=ApprovalStatus.PENDING)
    episodes = (
        visible_episodes(user)
        .filter(status__in=OPEN)
        .select_related("child", "owner")
        .annotate(
            n_overdue_actions=Coalesce(_count(overdue_actions), 0),
            n_recent=Coalesce(_count(recent), 0),
            has_pending=Exists(pending),
        )
        .order_by("reported_at")[:BOARD_LIMIT]
    )
    rows = sorted(
        (_row(e, now, limits) for e in episodes),
        key=lambda r: (-RISK_ORDER[r.episode.risk], -r.hours_missing),
    )
    # One query for both lists: gradings waiting for a decision, and open episodes graded below a floor that
    # binds people on a duty inspector's named override (newest first).
    gradings = list(
        RiskAssessment.objects.filter(episode__in=visible_episodes(user))
        .filter(
            Q(approval_status=ApprovalStatus.PENDING)
            | Q(approval_status=ApprovalStatus.OVERRIDDEN, episode__status__in=OPEN)
        )
        .select_related("episode", "episode__child", "created_by")
        .order_by("created_at")
    )
    approvals = [a for a in gradings if a.approval_status == ApprovalStatus.PENDING]
    b = Board(
        rows=rows,
        approvals=approvals,
        repeat_children=_repeat_children(user, now, limits),
        now=now,
        thresholds=limits,
    )
    b.overrides = [a for a in reversed(gradings) if a.approval_status == ApprovalStatus.OVERRIDDEN]
    b.ukmpu = [r for r in rows if r.ukmpu_due and not r.long_term]
    b.long_term = [r for r in rows if r.long_term]
    return b


def _row(e: Any, now: datetime, limits: schedules.Thresholds) -> BoardRow:
    since = e.last_seen_at or e.reported_at
    missing = now - since
    return BoardRow(
        episode=e,
        hours_missing=missing.total_seconds() / 3600,
        overdue_review=bool(e.next_review_at and e.next_review_at < now),
        overdue_actions=e.n_overdue_actions,
        recent_episodes=e.n_recent,
        ukmpu_due=missing >= limits.ukmpu_after,
        long_term=missing >= limits.long_term_after,
        pending=e.has_pending,
        repeat=limits.is_repeat(e.n_recent),
    )


def _repeat_children(user: User, now: datetime, limits: schedules.Thresholds) -> list[Any]:
    """Repeat missing children under the policy (e.g. 3 episodes in 90 days), one episode in the last week."""
    recent = Episode.objects.filter(child=OuterRef("pk"), reported_at__gte=now - limits.repeat_window)
    return list(
        Child.objects.filter(pk__in=visible_children(user).values("pk"))
        # Only children reported in the last week can qualify: count those, not every child on file.
        .filter(pk__in=Episode.objects.filter(reported_at__gte=now - REPEAT_RECENT).values("child_id"))
        .annotate(
            n_recent=Coalesce(_count(recent), 0),
            last_reported=Subquery(
                Episode.objects.filter(child=OuterRef("pk"))
                .order_by("-reported_at")
                .values("reported_at")[:1]
            ),
        )
        .filter(n_recent__gte=limits.repeat_episodes, last_reported__gte=now - REPEAT_RECENT)
        .order_by("-last_reported")[:50]
    )


# --- the briefing sheet -------------------------------------------------------------------------------


def briefing(user: User, *, area: str) -> list[Episode]:
    """Open episodes whose child went missing from, lives or is placed in ``area`` (a beat code or a
    town), with what a patrol needs: photo, description, places frequented, associates, trigger plan."""
    from misper.partners.models import TriggerPlan
    from misper.partners.projections import sees_police_only
    from misper.people.models import ChildLocation

    a = area.strip()
    if not a:
        return []
    where = Q(beat__iexact=a) | Q(missing_from__beat__iexact=a) | Q(missing_from__town__iexact=a)
    for rel in ("child__home_address", "child__placement_address"):
        where |= Q(**{f"{rel}__beat__iexact": a}) | Q(**{f"{rel}__town__iexact": a})
    prefetch: list[Any] = [
        Prefetch("child__places", queryset=ChildLocation.objects.select_related("location")),
        Prefetch(
            "child__trigger_plans",
            queryset=TriggerPlan.objects.filter(superseded_at__isnull=True).order_by("-version"),
        ),
        "child__flags",
    ]
    episodes = list(
        visible_episodes(user)
        .filter(status__in=OPEN)
        .filter(where)
        .select_related("child", "missing_from")
        .prefetch_related(*prefetch)
        .distinct()
    )
    for e in episodes:  # whom the engine counts as of concern, as it graded this episode (police only)
        e.engine_associates = (  # type: ignore[attr-defined]
            associates_the_engine_counts(e.child, e.reported_at) if sees_police_only(user, e.child) else []
        )
    return sorted(episodes, key=lambda e: (-RISK_ORDER[e.risk], e.reported_at))


# --- what the engine says now -------------------------------------------------------------------------


@dataclass
class EngineComparison:
    """The engine's recommendation on what is on file now, beside the last recorded assessment."""

    result: dict[str, Any]
    previous: RiskAssessment | None
    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]

    @property
    def changed(self) -> bool:
        p = self.previous
        return bool(
            self.added
            or self.removed
            or (
                p
                and (p.recommended_category, p.recommended_risk)
                != (self.result["category"], self.result["risk"])
            )
        )


def engine_now(episode: Episode, user: User) -> EngineComparison:
    """Re-run the engine on the episode as it stands (history, flags, time missing) and show what changed
    since the last assessment. Reads only: nothing is recorded until a review or re-grade. Raises
    InvalidInput when the engine cannot grade the episode (an adult's: the engine grades children only)."""
    doc = episode_document(episode)
    result = assess_on_file(doc, policy=str(settings.MISPER_RISK_POLICY), now=timezone.now())
    previous = episode.assessments.order_by("-created_at", "-pk").first()
    from misper.episodes.reasons import visible_reasons
    from misper.partners.projections import reasons_for
    from misper.people.flags import police_only_codes

    # Both sides through the projection: the host force sees no reason built on the owning force's
    # intelligence (``partners.projections.reasons_for``).
    hidden = police_only_codes(episode.child_id)
    before = {r["code"]: r for r in (visible_reasons(user, previous) if previous else [])}
    after = {r["code"]: r for r in reasons_for(user, result["reasons"], episode.child, hidden)}
    return EngineComparison(
        result=result,
        previous=previous,
        added=[r for c, r in after.items() if c not in before],
        removed=[r for c, r in before.items() if c not in after],
    )


def my_cases(user: User) -> list[Episode]:
    """The user's own cases: visible episodes not yet closed that they own or have an open action on,
    those still missing first."""
    open_action = Action.objects.filter(episode=OuterRef("pk"), status="open", assigned_to=user)
    return list(
        visible_episodes(user)
        .filter(status__in=[*OPEN, "found"])
        .filter(Q(owner=user) | Exists(open_action))
        .select_related("child")
        .order_by("-status", "-reported_at")[:100]
    )
