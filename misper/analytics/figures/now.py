"""Now: who is missing, by risk and by time missing (72-hour and long-term cases)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Case, CharField, Value, When

from misper.analytics.figures.base import OPEN, Context, Figure, columns, labelled, segmented_rows
from misper.episodes import schedules
from misper.episodes.models import Risk

SECTION = "Now"

TIME_BANDS = (
    ("lt24", "Under 24 hours"),
    ("24to72", "24 to 72 hours"),
    ("72to28d", "72 hours to 28 days (UK Missing Persons Unit told)"),
    ("28dplus", "28 days or more (long-term)"),
)


def now_by_risk(ctx: Context) -> Figure:
    """Open episodes now (reported or active), by current risk grade, whatever the period."""
    open_now = ctx.episodes().filter(status__in=OPEN)
    labels = list(reversed(labelled(Risk.choices)))
    return Figure(
        code="now_by_risk",
        section=SECTION,
        title="Missing or absent now, by risk",
        description="Episodes open now, by their current risk grade. The period filter does not apply.",
        columns=columns("Risk grade"),
        rows=segmented_rows(open_now, "risk", labels),
        chart="stacked",
    )


def now_by_time_missing(ctx: Context) -> Figure:
    """Open episodes now by time since last seen: under 24 h, 24–72 h, 72 h–28 days, 28 days or more."""
    from misper.analytics.figures.base import since_expression

    n = ctx.now
    band = Case(
        When(since__gt=n - timedelta(hours=24), then=Value("lt24")),
        When(since__gt=n - schedules.UKMPU_NOTIFICATION_AFTER, then=Value("24to72")),
        When(since__gt=n - schedules.LONG_TERM_AFTER, then=Value("72to28d")),
        default=Value("28dplus"),
        output_field=CharField(),
    )
    qs = ctx.episodes().filter(status__in=OPEN).annotate(since=since_expression()).annotate(band=band)
    return Figure(
        code="now_by_time_missing",
        section=SECTION,
        title="Missing or absent now, by time missing",
        description=(
            "Episodes open now, by time since the person was last seen. Cases over 72 hours are "
            "reported to the UK Missing Persons Unit; 28 days or more is long-term."
        ),
        columns=columns("Time missing"),
        rows=segmented_rows(qs, "band", TIME_BANDS),
        chart="stacked",
    )


FIGURES = (now_by_risk, now_by_time_missing)
