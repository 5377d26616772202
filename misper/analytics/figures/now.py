"""Now: who is missing, by risk and by time missing (72-hour and long-term cases)."""

from __future__ import annotations

from django.db.models import Case, CharField, Value, When

from misper.analytics.figures.base import OPEN, Context, Figure, columns, labelled, segmented_rows
from misper.episodes import schedules
from misper.episodes.models import Risk
from misper.partners.field_access import Group

SECTION = "Now"


def time_bands() -> tuple[tuple[str, str], ...]:
    """The bands, named from the loaded policy's 24-hour and 72-hour points and the long-term days."""
    t = schedules.thresholds()
    day, ukmpu, long_days = t.long_duration_hours, t.ukmpu_hours, t.long_term_after.days
    return (
        ("lt24", f"Under {day} hours"),
        ("24to72", f"{day} to {ukmpu} hours"),
        ("72to28d", f"{ukmpu} hours to {long_days} days (UK Missing Persons Unit told)"),
        ("28dplus", f"{long_days} days or more (long-term)"),
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

    n, t = ctx.now, schedules.thresholds()
    band = Case(
        When(since__gt=n - t.long_duration, then=Value("lt24")),
        When(since__gt=n - t.ukmpu_after, then=Value("24to72")),
        When(since__gt=n - t.long_term_after, then=Value("72to28d")),
        default=Value("28dplus"),
        output_field=CharField(),
    )
    qs = ctx.episodes().filter(status__in=OPEN).annotate(since=since_expression()).annotate(band=band)
    return Figure(
        code="now_by_time_missing",
        section=SECTION,
        title="Missing or absent now, by time missing",
        description=(
            f"Episodes open now, by time since the person was last seen. Cases over {t.ukmpu_hours} hours "
            f"are reported to the UK Missing Persons Unit; {t.long_term_after.days} days or more is long-term."
        ),
        columns=columns("Time missing"),
        rows=segmented_rows(qs, "band", time_bands()),
        chart="stacked",
    )


# Each figure's field group (``misper.partners.field_access.Group``), declared: there is no default.
FIELD_GROUPS = {
    "now_by_risk": Group.SHARED,
    "now_by_time_missing": Group.SHARED,
}
FIGURES = (now_by_risk, now_by_time_missing)
