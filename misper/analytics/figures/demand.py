"""Demand and cost: estimated officer hours and cost by grade, and the top drivers of demand.

The published figure (Shalev Greene and Pakes 2012, with Greater Manchester Police: "The cost of
missing person investigations") is about 18 officer hours and £1,325 to £2,415 for a medium-risk case.
Hours for other grades are this project's assumptions, relative to medium (docs/dashboard.md); a force
can set its own in ``MISPER_DEMAND_HOURS``. Cost per hour is the published range divided by 18 hours.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from misper.analytics.figures.base import (
    SEGMENT_KEYS,
    Context,
    Figure,
    by_segment,
    columns,
    labelled,
)
from misper.analytics.models import EpisodeFact
from misper.audit.reveal import children_revealed
from misper.episodes.models import Risk
from misper.partners.field_access import Group
from misper.people.models import LocationKind

SECTION = "Demand and cost"
PUBLISHED_MEDIUM_HOURS = 18.0
PUBLISHED_MEDIUM_COST = (1325.0, 2415.0)
DEFAULT_HOURS = {
    "high": 54.0,  # assumption: three times medium (search, specialist and senior officer time)
    "medium": 18.0,  # published
    "low": 9.0,  # assumption: half of medium
    "very_low": 4.5,  # assumption: a quarter of medium
    "no_apparent_risk": 2.0,  # assumption: absent cases, logged and reviewed, little deployment
}
TOP = 10


def hours_by_grade() -> dict[str, float]:
    return {**DEFAULT_HOURS, **getattr(settings, "MISPER_DEMAND_HOURS", {})}


def demand_cost(ctx: Context) -> Figure:
    """Episodes in the period by grade, times the hours each grade takes, times the cost per hour."""
    hours = hours_by_grade()
    low_rate, high_rate = (c / PUBLISHED_MEDIUM_HOURS for c in PUBLISHED_MEDIUM_COST)
    cells = by_segment(ctx.facts_in_period(), "risk", Count("pk"))
    rows = []
    for risk, label in reversed(labelled(Risk.choices)):
        counts = [cells.get(risk, {}).get(s, 0) for s in SEGMENT_KEYS]
        total_hours = round(sum(counts) * hours[risk], 1)
        rows.append(
            [
                label,
                *counts,
                sum(counts),
                hours[risk],
                total_hours,
                round(total_hours * low_rate),
                round(total_hours * high_rate),
            ]
        )
    return Figure(
        code="demand_cost",
        section=SECTION,
        title="Estimated officer hours and cost",
        description=(
            "Episodes reported in the period by risk grade, with estimated officer hours and cost. "
            "Medium risk uses the published 18 hours and £1,325 to £2,415 a case; other grades are "
            "assumptions relative to it (see the notes)."
        ),
        columns=[*columns("Risk grade"), "Hours a case", "Officer hours", "Cost from (£)", "Cost to (£)"],
        rows=rows,
        chart="stacked",
        notes="Shalev Greene and Pakes (2012), The cost of missing person investigations, with Greater "
        "Manchester Police. Other grades: high 3×, low ½×, very low ¼× the medium hours; absent 2 hours.",
    )


def demand_top_people(ctx: Context) -> Figure:
    """The people with most episodes in the period (top 10), by their force reference."""
    qs = ctx.facts_in_period()
    top = (
        qs.filter(child_id__in=_top_candidates(qs))
        .order_by()
        .values("child_id", "child__ref")
        .annotate(
            n=Count("pk"),
            child_missing=Count("pk", filter=Q(age_group="child", category="missing")),
            child_absent=Count("pk", filter=Q(age_group="child", category="absent")),
            adult=Count("pk", filter=Q(age_group="adult")),
            unknown=Count("pk", filter=Q(age_group="unknown")),
        )
        .order_by("-n", "child__ref")[:TOP]
    )
    total = qs.count()
    children_revealed(r["child_id"] for r in top)  # references name children: the request logs them
    rows = [
        [
            r["child__ref"],
            r["child_missing"],
            r["child_absent"],
            r["adult"],
            r["unknown"],
            r["n"],
            round(100.0 * r["n"] / total, 1) if total else 0.0,
        ]
        for r in top
    ]
    return Figure(
        code="demand_top_people",
        section=SECTION,
        title="People generating most episodes",
        description="The ten people with most episodes reported in the period, by reference.",
        columns=[
            "Reference",
            "As a child, missing",
            "As a child, absent",
            "As an adult",
            "Age not known",
            "Episodes",
            "Share of all episodes (%)",
        ],
        rows=rows,
        chart="stacked",
        chart_columns=(1, 2, 3, 4),
    )


CANDIDATES = 5 * TOP


def _top_candidates(qs: QuerySet[EpisodeFact]) -> list[int] | QuerySet[EpisodeFact]:
    """People who may be in the top ``TOP`` by episodes: those with at least as many as the ``TOP``-th
    person (whatever the tie-break, nobody with fewer can be). Counting by person alone first spares
    joining every fact to its person for the reference: 0.8 s for one force-year nationally, where
    PostgreSQL hashed 1.7 M people. Usually one query; a subquery when ties run past ``CANDIDATES``."""
    by_person = qs.order_by().values("child_id").annotate(n=Count("pk"))
    first = list(by_person.order_by("-n", "child_id")[:CANDIDATES])
    if len(first) < TOP:
        return [r["child_id"] for r in first]
    least = first[TOP - 1]["n"]
    if len(first) < CANDIDATES or first[-1]["n"] < least:
        return [r["child_id"] for r in first if r["n"] >= least]
    return by_person.filter(n__gte=least).values("child_id")


def location_label(r: dict[str, Any], prefix: str) -> str:
    parts = [r[f"{prefix}__name"], r[f"{prefix}__address_line"], r[f"{prefix}__town"]]
    return ", ".join(p for p in parts if p) or "Unnamed place"


def demand_top_addresses(ctx: Context) -> Figure:
    """The places most episodes in the period started from (top 10)."""
    p = "missing_from"
    top = (
        ctx.facts_in_period()
        .filter(missing_from__isnull=False)
        .order_by()
        .values(p, f"{p}__name", f"{p}__address_line", f"{p}__town", f"{p}__kind")
        .annotate(
            n=Count("pk"),
            people=Count("child", distinct=True),
            children=Count("pk", filter=Q(age_group="child")),
        )
        .order_by("-n", p)[:TOP]
    )
    kinds = dict(labelled(LocationKind.choices))
    rows = [
        [
            location_label(r, p),
            kinds.get(r[f"{p}__kind"], ""),
            r["children"],
            r["n"] - r["children"],
            r["n"],
            r["people"],
        ]
        for r in top
    ]
    return Figure(
        code="demand_top_addresses",
        section=SECTION,
        title="Places most episodes start from",
        description="The ten places most episodes reported in the period started from.",
        columns=["Place", "Kind", "Children's episodes", "Other episodes", "Episodes", "People"],
        rows=rows,
        chart="stacked",
        chart_columns=(2, 3),
    )


# The top people name children by their force reference: police intelligence (a partner plans from the
# counts and places, not from a police list of names).
FIELD_GROUPS = {
    "demand_cost": Group.SHARED,
    "demand_top_people": Group.POLICE_INTELLIGENCE,
    "demand_top_addresses": Group.SHARED,
}
FIGURES = (demand_cost, demand_top_people, demand_top_addresses)
