"""Definitions side by side: repeat and long-term missing under the force's and the national definition."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce

from misper.analytics.definitions import (
    force_long_term,
    force_repeat,
    national_long_term,
    national_repeat,
)
from misper.analytics.figures.base import (
    Context,
    Figure,
    Measure,
    columns,
    measure_rows,
)
from misper.partners.field_access import Group

SECTION = "Definitions side by side"


def definitions_side_by_side(ctx: Context) -> Figure:
    """Repeat people and long-term episodes under both definitions, in two queries."""
    reps, longs = (force_repeat(), national_repeat()), (force_long_term(), national_long_term())
    ended = Coalesce("found_at", "closed_at", Value(ctx.now), output_field=DateTimeField())
    qs = ctx.facts_in_period().annotate(ended=ended)
    windows = ("window_force", "window_national")  # counted over each definition's days (facts.py)
    rows = measure_rows(
        qs,
        [
            *[
                Measure(f"{r.label} (people)", Q(**{f"{w}__gte": r.episodes}), people=True)
                for w, r in zip(windows, reps, strict=True)
            ],
            *[
                Measure(f"{d.label} (episodes)", Q(ended__gte=F("since_at") + timedelta(days=d.days)))
                for d in longs
            ],
        ],
    )
    return Figure(
        code="definitions_side_by_side",
        section=SECTION,
        title="Repeat and long-term missing: force and national definitions",
        description=(
            "People who are repeat missing, and episodes that were long-term, in the period under the "
            "force's own definitions and the national standard, so figures from different forces can be "
            "compared. A repeat person has at least one episode in the period that is the n-th or later "
            "within the window. A long-term episode lasted the given days or more (or is still open)."
        ),
        columns=columns("Definition"),
        rows=rows,
        chart="table",
    )


# Each figure's field group (``misper.partners.field_access.Group``), declared: there is no default.
FIELD_GROUPS = {
    "definitions_side_by_side": Group.SHARED,
}
FIGURES = (definitions_side_by_side,)
