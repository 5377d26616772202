"""Response quality: first review, overdue reviews, supervisors' changes, under-gradings and their
rationales, safe-and-well checks (and reasons when not done), return interviews within 72 hours, and UK
Missing Persons Unit notices (due, sent on time, sent late, late)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Case, CharField, Count, DateTimeField, ExpressionWrapper, F, Q, Value, When

from misper.analytics.figures.base import (
    OPEN,
    Context,
    Figure,
    Measure,
    columns,
    measure_rows,
    segmented_rows,
    since_expression,
)
from misper.episodes import schedules
from misper.episodes.models import ApprovalStatus, RiskAssessment
from misper.partners.field_access import Group
from misper.partners.projections import owned_records

SECTION = "Response quality"
NOT_RECORDED = "No reason recorded"

FIRST_REVIEW_BANDS = (
    ("2h", "Within 2 hours"),
    ("6h", "2 to 6 hours"),
    ("24h", "6 to 24 hours"),
    ("later", "After 24 hours"),
    ("none", "No review recorded"),
)


def response_first_review(ctx: Context) -> Figure:
    """Episodes in the period by time from report to the first recorded review."""
    r = F("reported_at")
    band = Case(
        When(first_review_at__isnull=True, then=Value("none")),
        When(first_review_at__lte=r + timedelta(hours=2), then=Value("2h")),
        When(first_review_at__lte=r + timedelta(hours=6), then=Value("6h")),
        When(first_review_at__lte=r + timedelta(hours=24), then=Value("24h")),
        default=Value("later"),
        output_field=CharField(),
    )
    qs = ctx.facts_in_period().annotate(band=band)
    return Figure(
        code="response_first_review",
        section=SECTION,
        title="Time to first review",
        description="Episodes reported in the period, by time from the report to the first review.",
        columns=columns("Time to first review"),
        rows=segmented_rows(qs, "band", FIRST_REVIEW_BANDS),
        chart="stacked",
    )


def response_summary(ctx: Context) -> Figure:
    """Counts of episodes meeting each quality measure (see the row labels), in three queries: overdue
    reviews live from the episodes open now, the rest from the facts (``facts.py`` defines each flag)."""
    qs = ctx.facts_in_period()
    returned = Q(found_at__isnull=False)
    no_check = returned & Q(checked=False)
    overdue = measure_rows(
        ctx.episodes().filter(status__in=OPEN, next_review_at__lt=ctx.now),
        [Measure("Open now with a review overdue")],
    )
    rows = overdue + measure_rows(
        qs,
        [
            Measure("Gradings changed by a supervisor", Q(changed=True)),
            Measure("Graded below the engine's recommendation", Q(under_graded=True)),
            Measure("Returned or found", returned),
            Measure("Safe and well check done", returned & Q(checked=True)),
            Measure("No safe and well check, reason given", no_check & ~Q(safe_and_well_not_done_reason="")),
            Measure("No safe and well check, no reason", no_check & Q(safe_and_well_not_done_reason="")),
            Measure("Return interviews referred", Q(referred=True)),
            Measure("Return interviews offered", Q(offered=True)),
            Measure("Return interviews completed", Q(completed=True)),
            Measure("Return interviews completed within 72 hours", Q(completed_in_72h=True)),
        ],
    )
    return Figure(
        code="response_summary",
        section=SECTION,
        title="Response quality",
        description=(
            "Episodes reported in the period meeting each measure (overdue reviews: episodes open now). "
            "A grading is changed by a supervisor when a supervisor re-graded it or rejected an operator's "
            "grading. A return interview is within 72 hours when completed by its due time."
        ),
        columns=columns("Measure"),
        rows=rows,
        chart="table",
    )


def response_safe_and_well_reasons(ctx: Context) -> Figure:
    """Returns without a safe-and-well check, by the reason given (most common first, top 10)."""
    qs = ctx.facts_in_period().filter(found_at__isnull=False, checked=False)
    top = (
        qs.order_by()
        .values("safe_and_well_not_done_reason")
        .annotate(n=Count("pk"))
        .order_by("-n", "safe_and_well_not_done_reason")[:10]
    )
    keys = [r["safe_and_well_not_done_reason"] for r in top]
    labels = [(k, k or NOT_RECORDED) for k in keys]
    return Figure(
        code="response_safe_and_well_reasons",
        section=SECTION,
        title="Why no safe and well check was done",
        description="Returns in the period without a safe and well check, by the reason recorded.",
        columns=columns("Reason"),
        rows=segmented_rows(qs, "safe_and_well_not_done_reason", labels),
        chart="table",
    )


def response_under_graded_rationales(ctx: Context) -> Figure:
    """Gradings below the engine's recommendation in the period, by the operator's rationale (top 10),
    with what supervisors decided. Rationales are police intelligence (``FIELD_GROUPS``): only the
    user's own force's gradings are read, and the figure is not shown to anyone else."""
    facts = ctx.facts_in_period()
    qs = RiskAssessment.objects.filter(
        owned_records(ctx.user, "episode__child__"), episode__in=facts.values("pk"), under_graded=True
    )
    child = Q(episode__in=facts.filter(age_group="child").values("pk"))
    rows = (
        qs.order_by()
        .values("rationale")
        .annotate(
            children=Count("pk", filter=child),
            others=Count("pk", filter=~child),
            approved=Count("pk", filter=Q(approval_status=ApprovalStatus.APPROVED)),
            rejected=Count("pk", filter=Q(approval_status=ApprovalStatus.REJECTED)),
            waiting=Count("pk", filter=Q(approval_status=ApprovalStatus.PENDING)),
            n=Count("pk"),
        )
        .order_by("-n", "rationale")[:10]
    )
    return Figure(
        code="response_under_graded_rationales",
        section=SECTION,
        title="Gradings below the recommendation: the reasons given",
        description="The operator's rationale for grading below the engine, most common first.",
        columns=[
            "Rationale",
            "Children",
            "Adults or age not known",
            "Approved",
            "Rejected",
            "Waiting",
            "Total",
        ],
        rows=[
            [
                r["rationale"] or NOT_RECORDED,
                r["children"],
                r["others"],
                r["approved"],
                r["rejected"],
                r["waiting"],
                r["n"],
            ]
            for r in rows
        ],
        chart="table",
    )


UKMPU_STATES = (
    ("due", "Due, not yet sent"),
    ("sent", "Sent on time"),
    ("sent_late", "Sent late"),
    ("late", "Late and not yet sent"),
)


def response_ukmpu_notices(ctx: Context) -> Figure:
    """Episodes in the period whose person was still missing at the UK Missing Persons Unit point, by
    where the notice stands: due, sent on time, sent late, late and not sent (docs/ukmpu.md)."""
    t = schedules.thresholds()
    point = ExpressionWrapper(F("since") + t.ukmpu_after, output_field=DateTimeField())
    late_at = ExpressionWrapper(F("since") + t.ukmpu_after + t.ukmpu_late_after, output_field=DateTimeField())
    state = Case(
        When(ukmpu_notice__sent_at__gt=F("late_at"), then=Value("sent_late")),
        When(ukmpu_notice__isnull=False, then=Value("sent")),
        When(late_at__lt=ctx.now, then=Value("late")),
        default=Value("due"),
        output_field=CharField(),
    )
    qs = (
        ctx.in_period()
        .annotate(since=since_expression())
        .annotate(point=point, late_at=late_at)
        .filter(Q(status__in=OPEN, point__lte=ctx.now) | Q(found_at__gte=F("point")))
        .annotate(notice=state)
    )
    return Figure(
        code="response_ukmpu_notices",
        section=SECTION,
        title="UK Missing Persons Unit notices",
        description=(
            f"Episodes reported in the period whose person was still missing {t.ukmpu_hours} hours after "
            f"being last seen, by their notice to the UK Missing Persons Unit. A notice is late when it is "
            f"not sent within {t.ukmpu_late_hours} hours of that point."
        ),
        columns=columns("Notice"),
        rows=segmented_rows(qs, "notice", UKMPU_STATES),
        chart="stacked",
    )


# Figures showing a restricted field (misper.partners.projections.figure_visible); the rest are shared.
FIELD_GROUPS = {
    "response_first_review": Group.SHARED,
    "response_summary": Group.SHARED,
    "response_safe_and_well_reasons": Group.SHARED,
    "response_under_graded_rationales": Group.POLICE_INTELLIGENCE,
    "response_ukmpu_notices": Group.SHARED,
}

FIGURES = (
    response_first_review,
    response_summary,
    response_safe_and_well_reasons,
    response_under_graded_rationales,
    response_ukmpu_notices,
)
