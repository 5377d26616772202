"""Outcomes: time to locate, where and with whom found, harm, offences, referrals, and re-missing after
a return interview or a trigger plan (the measure of whether multi-agency work helps)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from misper.analytics.figures.base import (
    Context,
    Figure,
    Measure,
    age_expression,
    columns,
    labelled,
    measure_rows,
    segmented_rows,
)
from misper.analytics.models import EpisodeFact
from misper.episodes.models import ReturnMethod
from misper.partners.field_access import Group
from misper.partners.models import TriggerPlan
from misper.people.models import LocationKind

SECTION = "Outcomes"
FOLLOW_UP = timedelta(days=90)
NOT_RECORDED = "Not recorded"

LOCATE_BANDS = (
    ("6h", "Under 6 hours"),
    ("24h", "6 to 24 hours"),
    ("72h", "1 to 3 days"),
    ("7d", "3 to 7 days"),
    ("28d", "7 to 28 days"),
    ("more", "28 days or more"),
)
FOUND_WITH = (
    ("associate", "An adult on the force's records"),
    ("named", "Someone else, named"),
    ("none", "Alone or not recorded"),
)
PANEL_NOTE = "Multi-agency panels are not recorded in misper yet, so they have no row."


def outcome_time_to_locate(ctx: Context) -> Figure:
    """Found episodes reported in the period, by time from last seen to found."""
    s = F("since_at")
    band = Case(
        When(found_at__lt=s + timedelta(hours=6), then=Value("6h")),
        When(found_at__lt=s + timedelta(hours=24), then=Value("24h")),
        When(found_at__lt=s + timedelta(hours=72), then=Value("72h")),
        When(found_at__lt=s + timedelta(days=7), then=Value("7d")),
        When(found_at__lt=s + timedelta(days=28), then=Value("28d")),
        default=Value("more"),
        output_field=CharField(),
    )
    qs = ctx.facts_in_period().filter(found_at__isnull=False).annotate(band=band)
    return Figure(
        code="outcome_time_to_locate",
        section=SECTION,
        title="Time to locate",
        description="Episodes reported in the period that have ended, by time from last seen to found.",
        columns=columns("Time to locate"),
        rows=segmented_rows(qs, "band", LOCATE_BANDS),
        chart="stacked",
    )


def outcome_where_found(ctx: Context) -> Figure:
    qs = ctx.facts_in_period().filter(found_at__isnull=False)
    labels = [*labelled(LocationKind.choices), ("", NOT_RECORDED)]
    return Figure(
        code="outcome_where_found",
        section=SECTION,
        title="Where found",
        description="Episodes that ended, by the kind of place the person was found.",
        columns=columns("Where found"),
        rows=segmented_rows(qs, "found_kind", labels),
        chart="stacked",
    )


def outcome_found_with(ctx: Context) -> Figure:
    qs = ctx.facts_in_period().filter(found_at__isnull=False)
    return Figure(
        code="outcome_found_with",
        section=SECTION,
        title="Who they were found with",
        description="Episodes that ended, by who the person was with when found.",
        columns=columns("Found with"),
        rows=segmented_rows(qs, "found_with_kind", FOUND_WITH),
        chart="stacked",
    )


def outcome_summary(ctx: Context) -> Figure:
    qs = ctx.facts_in_period()
    ended = Q(found_at__isnull=False)
    rows = measure_rows(
        qs,
        [
            Measure("Returned or found", ended),
            *[
                Measure(f"How: {label.lower()}", ended & Q(return_method=m))
                for m, label in labelled(ReturnMethod.choices)
            ],
            Measure("Harm disclosed", ended & Q(harm_disclosed=True)),
            Measure("No harm disclosed", ended & Q(harm_disclosed=False)),
            Measure("Harm not known", ended & Q(harm_disclosed__isnull=True)),
            Measure("Offences identified", ended & Q(offences=True)),
            Measure("Referred for a return home interview", Q(referred=True)),
        ],
    )
    return Figure(
        code="outcome_summary",
        section=SECTION,
        title="Returns, harm, offences and referrals",
        description="Episodes reported in the period: how they ended, harm, offences and referrals made.",
        columns=columns("Measure"),
        rows=rows,
        chart="table",
    )


def window_count(model: type[Any], child_path: str, when: str, before: bool, category: str) -> Coalesce:
    """For an outer intervention: the episodes (rows of ``model``: Episode or EpisodeFact) of its person
    (``child_path``) in ``category`` in the 90 days before its ``when`` (from 90 days before, up to but
    not at ``when``), or after it (after ``when``, up to and at 90 days after)."""
    at = OuterRef(when)
    window = (
        Q(reported_at__gte=at - FOLLOW_UP, reported_at__lt=at)
        if before
        else Q(reported_at__gt=at, reported_at__lte=at + FOLLOW_UP)
    )
    sub = (
        model.objects.filter(window, child=OuterRef(child_path), category=category)
        .order_by()
        .values("child")
        .annotate(c=Count("pk"))
        .values("c")
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), 0)


SIDES = {"before": True, "after": False}
CATEGORIES = ("missing", "absent")


def _before_after(qs: QuerySet[Any], child_path: str, when: str) -> dict[str, int]:
    """Sum over interventions ``qs`` of the person's missing and absent episodes in the 90 days before
    and after each intervention's ``when``, counted from the facts now (trigger plans)."""
    sums: dict[str, Any] = {"n": Count("pk"), "people": Count(child_path, distinct=True)}
    annotations = {}
    for side, before in SIDES.items():
        for cat in CATEGORIES:
            annotations[f"{side}_{cat}"] = window_count(EpisodeFact, child_path, when, before, cat)
            # The aggregate's alias must differ from the annotation's, or Django drops the annotation.
            sums[f"sum_{side}_{cat}"] = Sum(f"{side}_{cat}")
    result = qs.annotate(**annotations).aggregate(**sums)
    return {k.removeprefix("sum_"): v or 0 for k, v in result.items()}


def _interviews_before_after(facts: QuerySet[EpisodeFact]) -> dict[str, int]:
    """The same sums for return interviews, read from the counts the refresh stored on each fact of an
    episode with a completed interview (``rhi_*``, facts.py): one pass over the facts, no lookups."""
    sums: dict[str, Any] = {"n": Count("pk"), "people": Count("child", distinct=True)}
    for side in SIDES:
        for cat in CATEGORIES:
            sums[f"{side}_{cat}"] = Sum(f"rhi_{side}_{cat}")
    return {k: v or 0 for k, v in facts.aggregate(**sums).items()}


def _row(label: str, r: dict[str, int]) -> list[Any]:
    before, after = r["before_missing"] + r["before_absent"], r["after_missing"] + r["after_absent"]
    change = round(100.0 * (after - before) / before, 1) if before else None
    return [
        label,
        r["n"],
        r["people"],
        r["before_missing"],
        r["after_missing"],
        r["before_absent"],
        r["after_absent"],
        "" if change is None else change,
    ]


def _children_only(qs: QuerySet[Any], at: str, child: str) -> QuerySet[Any]:
    age = age_expression(at, f"{child}date_of_birth", f"{child}estimated_age")
    return qs.annotate(age_then=age).filter(age_then__lt=18)


def outcome_remissing(ctx: Context) -> Figure:
    """Interventions in the period whose 90 days of follow-up have passed: the person's episodes in
    the 90 days before against the 90 days after."""
    f, latest = ctx.filters, ctx.now - FOLLOW_UP
    child_facts = ctx.facts().filter(age_group="child")
    end = min(f.end, latest)
    interviews = child_facts.filter(rhi_completed_at__gte=f.start, rhi_completed_at__lt=end)
    plans = _children_only(
        TriggerPlan.objects.filter(
            Exists(child_facts.filter(child_id=OuterRef("child_id"))),
            version=1,
            agreed_on__gte=f.period_from,
        ),
        "agreed_on",
        "child__",
    ).annotate(start=Cast("agreed_on", output_field=DateTimeField()))
    plans = plans.filter(start__lt=end)
    rows = [
        _row("Return home interview completed", _interviews_before_after(interviews)),
        _row("Trigger plan first agreed", _before_after(plans, "child", "start")),
    ]
    return Figure(
        code="outcome_remissing",
        section=SECTION,
        title="Re-missing after intervention",
        description=(
            "For each return home interview completed and each first trigger plan agreed in the period "
            "(children only, at least 90 days ago so the follow-up is complete): the person's episodes in "
            "the 90 days before against the 90 days after. " + PANEL_NOTE
        ),
        columns=[
            "Intervention",
            "Interventions",
            "Children",
            "Missing before",
            "Missing after",
            "Absent before",
            "Absent after",
            "Change in all episodes (%)",
        ],
        rows=rows,
        chart="bar",
        chart_columns=(3, 4, 5, 6),
    )


# Who the child was found with (an adult on the force's records), and offences and harm (the police's safe
# and well check), are police intelligence: whole figures, so a partner never gets a row of them.
FIELD_GROUPS = {
    "outcome_time_to_locate": Group.SHARED,
    "outcome_where_found": Group.SHARED,
    "outcome_found_with": Group.POLICE_INTELLIGENCE,
    "outcome_summary": Group.POLICE_INTELLIGENCE,
    "outcome_remissing": Group.SHARED,
}
FIGURES = (
    outcome_time_to_locate,
    outcome_where_found,
    outcome_found_with,
    outcome_summary,
    outcome_remissing,
)
