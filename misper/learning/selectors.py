"""Reads for misper.learning. The child's voice is read for a child the caller may already see; the
figures are force-wide and never by child; the tracker is the caller's force's."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_noop

from misper.accounts.models import User
from misper.learning.models import Answer, Feedback, LanguageFlag, Recommendation
from misper.learning.permissions import TRACKER_FORBIDDEN, require_learning_reader
from misper.people.models import Child, Sex

SMALL_NUMBER = 3  # a figure from fewer responses than this is shown as "fewer than 3"
PRONOUNS: dict[str, str] = {Sex.FEMALE: "she", Sex.MALE: "he"}


@dataclass(frozen=True)
class Voice:
    source: str
    on: datetime
    account: str
    wishes: str
    running_from: str
    running_to: str
    pronoun: str


def pronoun_for(child: Child) -> str:
    """'she' or 'he' from the child's recorded sex; 'they' when other or not known."""
    return PRONOUNS.get(child.sex, "they")


def _voice_fields(obj: Any) -> tuple[str, str, str, str]:
    return (obj.child_account, obj.child_wishes, obj.push_factors, obj.pull_factors)


def _may_read_account(user: Any, child: Child, obj: Any) -> bool:
    from misper.partners.field_access import field_view, interview_account_visible
    from misper.partners.models import ReturnInterview

    if isinstance(obj, ReturnInterview):
        return interview_account_visible(user, obj)
    return field_view(user, child).safe_and_well_account


def latest_voice(child: Child, user: Any) -> Voice | None:
    """The child's latest words, wishes and concerns: from the newest safe-and-well check or completed
    return interview that recorded any of them. The caller must already have access to ``child``.

    The child's own account is shown only to whom it belongs (``partners.field_access``): a safe and
    well check's to the police of the owning force, a return interview's to the interviewer's agency
    and the responsible authority. Wishes, push and pull factors are shared findings."""
    from misper.episodes.models import SafeAndWellCheck
    from misper.partners.models import InterviewStatus, ReturnInterview

    check = (
        SafeAndWellCheck.objects.filter(episode__child=child)
        .exclude(child_account="", child_wishes="", push_factors="", pull_factors="")
        .order_by("-conducted_at")
        .first()
    )
    interview = (
        ReturnInterview.objects.filter(
            episode__child=child, status=InterviewStatus.COMPLETED, completed_at__isnull=False
        )
        .exclude(child_account="", child_wishes="", push_factors="", pull_factors="")
        .order_by("-completed_at")
        .first()
    )
    # (what, the record, when): the completed interview's time is never empty (filtered above)
    candidates: list[tuple[str, Any, Any]] = (
        [(gettext_noop("safe-and-well check"), check, check.conducted_at)] if check else []
    )
    if interview:
        candidates.append((gettext_noop("return home interview"), interview, interview.completed_at))
    if not candidates:
        return None
    source, obj, on = max(candidates, key=lambda c: c[2])
    account, wishes, push, pull = (s.strip() for s in _voice_fields(obj))
    if not _may_read_account(user, child, obj):
        account = ""
    return Voice(source, on, account, wishes, push, pull, pronoun_for(child))


# --- feedback figures --------------------------------------------------------------------------------


@dataclass
class FeedbackCell:
    period: date
    area: str
    team: str
    responses: int
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def suppressed(self) -> bool:
        return self.responses < SMALL_NUMBER

    def share(self, question: str, answer: str) -> int | None:
        """Whole-number percentage of responses giving ``answer``; None when suppressed."""
        if self.suppressed or not self.responses:
            return None
        return round(100 * self.counts.get(question, {}).get(answer, 0) / self.responses)


QUESTION_KEYS = ("listened", "respected", "blamed", "felt_safe")


def feedback_summary(user: User, *, since: date | None = None) -> list[FeedbackCell]:
    """Feedback by month, area and team for the caller's force, newest month first. Cells with fewer
    than SMALL_NUMBER responses keep their count but hide their answers."""
    require_learning_reader(user)
    rows = Feedback.objects.filter(force_id=user.agency_id)
    if since:
        rows = rows.filter(period__gte=since)
    cells: dict[tuple[date, str, str], FeedbackCell] = {}
    for q in QUESTION_KEYS:
        for r in rows.values("period", "area", "team", q).annotate(n=Count("pk")):
            key = (r["period"], r["area"], r["team"])
            cell = cells.setdefault(key, FeedbackCell(*key, responses=0))
            cell.counts.setdefault(q, {})[r[q]] = r["n"]
    for cell in cells.values():
        cell.responses = sum(cell.counts.get("listened", {}).values())
    return sorted(cells.values(), key=lambda c: (-c.period.toordinal(), c.area, c.team))


def feedback_comments(user: User, *, period: date) -> list[str]:
    """The free comments for one month of the caller's force, in alphabetical order (so their order says
    nothing about who wrote them), and only when the month has SMALL_NUMBER responses or more."""
    require_learning_reader(user)
    rows = Feedback.objects.filter(force_id=user.agency_id, period=period)
    if rows.count() < SMALL_NUMBER:
        return []
    return sorted(c for c in rows.exclude(comment="").values_list("comment", flat=True))


ANSWER_LABELS = dict(Answer.choices)


# --- language figures --------------------------------------------------------------------------------


@dataclass
class LanguageRow:
    period: date
    team: str
    term: str
    count: int


def language_summary(user: User) -> list[LanguageRow]:
    """How often each listed term reached a saved record, by month and team, for the caller's force."""
    require_learning_reader(user)
    rows = (
        LanguageFlag.objects.filter(force_id=user.agency_id)
        .annotate(month=TruncMonth("saved_at"))
        .values("month", "team", "term")
        .annotate(n=Count("pk"))
        .order_by("-month", "team", "term")
    )
    return [LanguageRow(_as_date(r["month"]), r["team"], r["term"], r["n"]) for r in rows]


def _as_date(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


def language_totals_by_team(rows: list[LanguageRow]) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for r in rows:
        totals[r.team] += r.count
    return dict(sorted(totals.items()))


# --- the recommendations tracker ---------------------------------------------------------------------


def visible_recommendations(user: User) -> QuerySet[Recommendation]:
    require_learning_reader(user, TRACKER_FORBIDDEN)
    return Recommendation.objects.filter(force_id=user.agency_id)


def access_recommendation_by_id(user: User, recommendation_id: int) -> Recommendation:
    """The recommendation if it is the caller's force's; 404 otherwise (no existence leak)."""
    return get_object_or_404(
        visible_recommendations(user).prefetch_related("actions", "updates", "evidence"), pk=recommendation_id
    )


def recommendations_for_export(user: User) -> list[Recommendation]:
    return list(visible_recommendations(user).prefetch_related("actions", "updates", "evidence"))
