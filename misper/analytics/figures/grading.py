"""Grading: the force's own grade mix by month beside the published range, gradings a supervisor changed
(lowered with approval, raised back on rejection) and gradings below a floor on a duty inspector's named
override (issue 16). Police intelligence (``FIELD_GROUPS``): partners never get the figure, on any surface,
and police count their own force's gradings only."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from misper.analytics.figures.base import Context, Figure, percent
from misper.episodes.models import ApprovalStatus, AssessmentKind, RiskAssessment
from misper.partners.field_access import Group
from misper.risk import published

SECTION = "Grading"
LOW = ("low", "very_low", "no_apparent_risk")
CHANGES = {
    ApprovalStatus.APPROVED: "lowered",
    ApprovalStatus.REJECTED: "raised",
    ApprovalStatus.OVERRIDDEN: "overridden",
}
COLUMNS = [
    "Month",
    "High (%)",
    "Medium (%)",
    "Low or very low (%)",
    "Published high (%)",
    "Published medium (%)",
    "Lowered with a supervisor's approval",
    "Raised back by a supervisor",
    "Below a floor on a duty inspector's override",
    "Children's reports",
]


def _month(value: Any) -> str:
    return (
        timezone.localtime(value).strftime("%B %Y") if timezone.is_aware(value) else value.strftime("%B %Y")
    )


def _counts(ctx: Context) -> tuple[dict[Any, dict[str, int]], dict[Any, dict[str, int]]]:
    """Per month of report: the force's grade at report (children), and the assessments a supervisor or
    a duty inspector changed."""
    own = ctx.facts_in_period().filter(age_group="child", child_force_id=ctx.user.agency_id)
    episodes = own.values("pk")
    at_report = (
        RiskAssessment.objects.filter(episode__in=episodes, kind=AssessmentKind.INITIAL)
        .annotate(month=TruncMonth("episode__reported_at"))
        .order_by()
        .values("month", "graded_risk")
        .annotate(n=Count("pk"))
    )
    grades: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in at_report:
        grade = "low" if row["graded_risk"] in LOW else row["graded_risk"]
        grades[row["month"]][grade] += row["n"]
    changed = (
        RiskAssessment.objects.filter(episode__in=episodes, approval_status__in=list(CHANGES))
        .annotate(month=TruncMonth("episode__reported_at"))
        .order_by()
        .values("month", "approval_status")
        .annotate(n=Count("pk"))
    )
    changes: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in changed:
        changes[row["month"]][CHANGES[row["approval_status"]]] += row["n"]
    return grades, changes


def grading_mix_by_month(ctx: Context) -> Figure:
    """The force's grades at report by month (children), beside the published mix, with the gradings
    supervisors changed and the overrides below a floor."""
    rows: list[list[Any]] = []
    grades, changes = _counts(ctx)
    for month in sorted(set(grades) | set(changes)):
        g, c = grades.get(month, {}), changes.get(month, {})
        total = sum(g.values())
        rows.append(
            [
                _month(month),
                percent(g.get("high", 0), total),
                percent(g.get("medium", 0), total),
                percent(g.get("low", 0), total),
                round(100 * published.THAMES_VALLEY_2015["high"]),
                round(100 * published.THAMES_VALLEY_2015["medium"]),
                c.get("lowered", 0),
                c.get("raised", 0),
                c.get("overridden", 0),
                total,
            ]
        )
    low_h, high_h = (round(100 * x) for x in published.GRADE_MIX_HIGH)
    low_m, high_m = (round(100 * x) for x in published.GRADE_MIX_MEDIUM)
    return Figure(
        code="grading_mix_by_month",
        section=SECTION,
        title="The force's grade mix by month, beside the published range",
        description=(
            f"Children's reports by the grade the force gave at report, by month. Published: {published.SOURCE} "
            f"(high {low_h}-{high_h}%, medium {low_m}-{high_m}%). With the gradings a supervisor changed and "
            "those below a floor on a duty inspector's named override."
        ),
        columns=COLUMNS,
        rows=rows,
        chart="line",
        chart_columns=(1, 2, 4, 5),
    )


FIGURES = (grading_mix_by_month,)
FIELD_GROUPS = {"grading_mix_by_month": Group.POLICE_INTELLIGENCE}
