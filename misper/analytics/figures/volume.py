"""Volume and trend: episodes per month, distinct people, repeats and their share, care, diversity."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from misper.analytics.definitions import force_repeat
from misper.analytics.figures.base import (
    SEGMENT_KEYS,
    Context,
    Figure,
    Measure,
    by_segment,
    columns,
    labelled,
    measure_rows,
    months_between,
    percent,
    segmented_rows,
)
from misper.analytics.filters import ETHNIC_GROUPS
from misper.partners.field_access import Group
from misper.people.models import Sex

SECTION = "Volume and trend"
PEOPLE = Count("child", distinct=True)


def volume_by_month(ctx: Context) -> Figure:
    """Episodes reported in each month of the period (Europe/London months)."""
    qs = ctx.facts_in_period()
    months = months_between(ctx.filters.period_from, ctx.filters.period_to)
    cells = by_segment(qs, "month", Count("pk"))
    by_label = {m.strftime("%Y-%m"): v for m, v in cells.items()}
    rows = []
    for m in months:
        label = m.strftime("%Y-%m")
        values = [by_label.get(label, {}).get(s, 0) for s in SEGMENT_KEYS]
        rows.append([label, *values, sum(values)])
    return Figure(
        code="volume_by_month",
        section=SECTION,
        title="Episodes each month",
        description="Episodes reported in each month of the period." + unfinished_month_note(months),
        columns=columns("Month"),
        rows=rows,
        chart="line",
    )


def unfinished_month_note(months: list[Any]) -> str:
    """A sentence saying the last month is not over yet, when it is the month now running."""
    today = timezone.localdate()
    if months and months[-1].year == today.year and months[-1].month == today.month:
        return f" {months[-1]:%B %Y} is not over yet: its count is so far, not the whole month."
    return ""


def _share_row(label: str, part: list[Any], whole: list[Any]) -> list[Any]:
    return [label, *[percent(p, w) for p, w in zip(part[1:], whole[1:], strict=True)]]


def volume_summary(ctx: Context) -> Figure:
    """Episodes, distinct people, repeat people (force definition) and the share of episodes they
    account for, from care and from home, and placed out of area."""
    rep = force_repeat()
    qs = ctx.facts_in_period()
    repeat = Q(window_force__gte=rep.episodes)
    repeaters = qs.filter(repeat).order_by().values("child_id")
    away = Q(out_of_area=True)
    # A separate query: as a semi-join it is hashed; inside a FILTER clause PostgreSQL may run the
    # subquery once per row when the repeat people do not fit in work_mem (national scale).
    (by_repeaters,) = measure_rows(qs.filter(child_id__in=repeaters), [Measure("Episodes of repeat people")])
    episodes, people, repeat_people, *rest = measure_rows(
        qs,
        [
            Measure("Episodes"),
            Measure("Distinct people", people=True),
            Measure(f"Repeat people ({rep.label})", repeat, people=True),
            Measure("Episodes from care", Q(missing_from_care=True)),
            Measure("Episodes from home or elsewhere", Q(missing_from_care=False)),
            Measure("Episodes of people placed out of area", away),
            Measure("People placed out of area", away, people=True),
        ],
    )
    share = _share_row("Share of episodes by repeat people (%)", by_repeaters, episodes)
    return Figure(
        code="volume_summary",
        section=SECTION,
        title="Episodes, people and repeats",
        description=(
            "Episodes reported in the period, the distinct people they were about, how many of them "
            "are repeat missing under the force's definition and what share of episodes they account "
            "for, from care or from home, and placed out of area. A person's totals are distinct, so a "
            "person missing once and absent once counts once in the Total."
        ),
        columns=columns("Measure"),
        rows=[episodes, people, repeat_people, by_repeaters, share, *rest],
        chart="table",
    )


def volume_by_sex(ctx: Context) -> Figure:
    rows = segmented_rows(ctx.facts_in_period(), "sex", labelled(Sex.choices), PEOPLE)
    return Figure(
        code="volume_by_sex",
        section=SECTION,
        title="People by sex",
        description="Distinct people with an episode in the period, by sex.",
        columns=columns("Sex"),
        rows=rows,
        chart="stacked",
    )


def volume_by_ethnicity(ctx: Context) -> Figure:
    qs = ctx.facts_in_period().annotate(group=Substr("ethnicity", 1, 1))
    # "NS" (not stated) starts with N: no other code does, so the first letter names the group.
    labels = [("N" if k == "NS" else k, v) for k, v in ETHNIC_GROUPS.items()]
    return Figure(
        code="volume_by_ethnicity",
        section=SECTION,
        title="People by self-defined ethnicity",
        description="Distinct people with an episode in the period, by the broad 18+1 ethnic group.",
        columns=columns("Ethnic group"),
        rows=segmented_rows(qs, "group", labels, PEOPLE),
        chart="stacked",
    )


# Each figure's field group (``misper.partners.field_access.Group``), declared: there is no default.
FIELD_GROUPS = {
    "volume_by_month": Group.SHARED,
    "volume_summary": Group.SHARED,
    "volume_by_sex": Group.SHARED,
    "volume_by_ethnicity": Group.SHARED,
}
FIGURES = (volume_by_month, volume_summary, volume_by_sex, volume_by_ethnicity)
