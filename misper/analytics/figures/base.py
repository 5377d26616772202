"""What every figure shares: the ``Figure`` shape, the filtered episodes, age at report, and segments.

Every figure separates children (under 18 when reported) from adults and missing from absent. Age at
report is computed in SQL from the date of birth (or the estimated age when there is none), so the
database groups and counts; Python only pivots the few grouped rows into a table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from misper.accounts.models import User
from misper.analytics.filters import AGE_BANDS, Filters
from misper.analytics.models import EpisodeFact
from misper.episodes import schedules
from misper.episodes.models import Episode
from misper.episodes.selectors import visible_episodes
from misper.people.selectors import child_access_q

OPEN = schedules.OPEN_STATUSES

# Columns of every segmented table, in order: (age group, category or "" for any, label).
SEGMENTS: tuple[tuple[str, str, str], ...] = (
    ("child", "missing", "Children missing"),
    ("child", "absent", "Children absent"),
    ("adult", "missing", "Adults missing"),
    ("adult", "absent", "Adults absent"),
    ("unknown", "", "Age not known"),
)
SEGMENT_LABELS = [s[2] for s in SEGMENTS]
TOTAL = "Total"


@dataclass(frozen=True)
class Figure:
    """One figure: a table (first column the row label) that the chart, the CSV, the XLSX, the PDF
    and the API all show exactly as it is."""

    code: str
    section: str
    title: str
    description: str
    columns: list[str]
    rows: list[list[Any]]
    chart: str = "bar"  # bar, stacked, line or table (no chart)
    chart_columns: tuple[int, ...] = tuple(range(1, len(SEGMENTS) + 1))  # columns the chart draws
    notes: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "section": self.section,
            "title": self.title,
            "description": self.description,
            "columns": list(self.columns),
            "rows": [list(r) for r in self.rows],
            "chart": self.chart,
            "chart_columns": list(self.chart_columns),
            "notes": self.notes,
        }


@dataclass
class Context:
    """What a figure function needs: who asks, the filters, and the moment the figures are as of."""

    user: User
    filters: Filters
    now: datetime
    _cache: dict[str, Any] = field(default_factory=dict)

    def episodes(self) -> QuerySet[Episode]:
        """Visible episodes matching every filter except the period, annotated with ``age`` and
        ``age_group``."""
        return filtered(annotate_age(visible_episodes(self.user)), self.filters)

    def in_period(self) -> QuerySet[Episode]:
        """``episodes()`` reported within the period."""
        f = self.filters
        return self.episodes().filter(reported_at__gte=f.start, reported_at__lt=f.end)

    def facts(self) -> QuerySet[EpisodeFact]:
        """Facts (``misper.analytics.models.EpisodeFact``, as of the last refresh) of visible episodes
        matching every filter except the period. With ``MISPER_ANALYTICS_REFRESH_ON_READ`` (tests) the
        facts are refreshed first, once per context."""
        if getattr(settings, "MISPER_ANALYTICS_REFRESH_ON_READ", False) and "refreshed" not in self._cache:
            from misper.analytics.facts import facts_refresh

            facts_refresh(now=self.now)
            self._cache["refreshed"] = True
        if "tuned" not in self._cache:
            _session_for_aggregates()
            self._cache["tuned"] = True
        return filtered_facts(visible_facts(self.user), self.filters)

    def facts_in_period(self) -> QuerySet[EpisodeFact]:
        """``facts()`` of episodes reported within the period."""
        f = self.filters
        return self.facts().filter(reported_at__gte=f.start, reported_at__lt=f.end)


def _session_for_aggregates() -> None:
    """On PostgreSQL, inside the reading transaction: ``work_mem`` for its sorts and hashes
    (``MISPER_DASHBOARD_WORK_MEM``, default 64MB; the server's default, 4MB, sends a national distinct
    count's sort to disk). ``SET LOCAL`` ends with the transaction; outside one it is not set."""
    value = getattr(settings, "MISPER_DASHBOARD_WORK_MEM", "64MB")
    conn = connections["default"]
    if value and conn.vendor == "postgresql" and conn.in_atomic_block:
        with conn.cursor() as cursor:
            cursor.execute("SELECT set_config('work_mem', %s, true)", [value])


def visible_facts(user: User) -> QuerySet[EpisodeFact]:
    """Facts of the episodes ``user`` may see: the one access rule, ``child_access_q``, applied to the
    copies of the child's fields each fact carries (``child_force_id``, ``child_pk``, …).

    The rule's subqueries (hosted children, a partner's interview children) are read first and passed
    as lists (``materialised``): ``force = X OR pk IN (subquery)`` makes PostgreSQL filter every fact
    of the period (a force-year read a year of national facts, 0.4 s), while ``pk = ANY(list)`` lets it
    combine two index scans."""
    return EpisodeFact.objects.filter(materialised(child_access_q(user, prefix="child_")))


MATERIALISE_AT_MOST = 50_000  # ids; a longer list stays a subquery


def _only_value(row: Any) -> Any:
    """The one value of a ``values()`` row, or a model instance's primary key."""
    return next(iter(row.values())) if isinstance(row, dict) else row.pk


def materialised(q: Q) -> Q:
    """``q`` with each ``…__in=<queryset>`` lookup replaced by the ids it selects now (in the caller's
    transaction), unless there are more than ``MATERIALISE_AT_MOST``. The same rows match."""
    out = Q(_connector=q.connector, _negated=q.negated)
    for child in q.children:
        if isinstance(child, Q):
            out.children.append(materialised(child))
            continue
        lookup, value = child
        if lookup.endswith("__in") and isinstance(value, QuerySet):
            rows = list(value[: MATERIALISE_AT_MOST + 1])
            if len(rows) <= MATERIALISE_AT_MOST:
                value = sorted({_only_value(r) for r in rows})
        out.children.append((lookup, value))
    return out


def filtered_facts(qs: QuerySet[EpisodeFact], f: Filters) -> QuerySet[EpisodeFact]:
    """Facts restricted by every filter but the period, as ``filtered`` restricts episodes."""
    if f.area:
        qs = qs.filter(Q(beat__iexact=f.area) | Q(missing_from_beat__iexact=f.area))
    if f.age_band:
        _, low, high = AGE_BANDS[f.age_band]
        qs = qs.filter(age__gte=low, age__lte=high)
    if f.sex:
        qs = qs.filter(sex=f.sex)
    if f.ethnicity:
        qs = qs.filter(Q(ethnicity="NS") if f.ethnicity == "NS" else Q(ethnicity__startswith=f.ethnicity))
    if f.care_status:
        care = {"looked_after": Q(looked_after=True), "not_looked_after": Q(looked_after=False)}
        qs = qs.filter(care.get(f.care_status, Q(out_of_area=True)))
    if f.risk:
        qs = qs.filter(risk=f.risk)
    return qs


class YearMonthDay(Func):
    """A date, or a date-time's UTC date, as the integer yyyymmdd, with each database's native functions
    (Django's portable Extract runs a Python function per row on SQLite: 30 times slower here)."""

    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "CAST(replace(date(%(expressions)s), '-', '') AS INTEGER)"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django runs PostgreSQL sessions in UTC, so to_char reads a timestamptz's UTC date.
        template = "CAST(to_char(%(expressions)s, 'YYYYMMDD') AS INTEGER)"
        return self.as_sql(compiler, connection, template=template, **extra)


def age_expression(at: str, dob: str, estimated: str) -> Case:
    """Whole years between ``dob`` and ``at`` (field paths) in SQL, on SQLite and PostgreSQL:
    (yyyymmdd(at) - yyyymmdd(dob)) / 10000 in integer arithmetic, with a date-time's UTC date (so a
    report within an hour of midnight on an 18th birthday may count a day early or late); the estimated
    age when no date of birth is known; NULL when neither is."""
    return Case(
        When(**{f"{dob}__isnull": False}, then=(YearMonthDay(at) - YearMonthDay(dob)) / Value(10000)),
        default=F(estimated),
        output_field=IntegerField(),
    )


AGE_GROUP = Case(
    When(age__lt=18, then=Value("child")),
    When(age__gte=18, then=Value("adult")),
    default=Value("unknown"),
)


def annotate_age(qs: QuerySet[Episode]) -> QuerySet[Episode]:
    age = age_expression("reported_at", "child__date_of_birth", "child__estimated_age")
    return qs.annotate(age=age).annotate(age_group=AGE_GROUP)


def _care_q(status: str) -> Q:
    return {
        "looked_after": Q(child__looked_after=True),
        "not_looked_after": Q(child__looked_after=False),
        "out_of_area": Q(child__out_of_area=True),
    }[status]


def filtered(qs: QuerySet[Episode], f: Filters) -> QuerySet[Episode]:
    """``qs`` restricted by every filter but the period (the caller decides which dates count)."""
    if f.area:
        qs = qs.filter(Q(beat__iexact=f.area) | Q(missing_from__beat__iexact=f.area))
    if f.age_band:
        _, low, high = AGE_BANDS[f.age_band]
        qs = qs.filter(age__gte=low, age__lte=high)
    if f.sex:
        qs = qs.filter(child__sex=f.sex)
    if f.ethnicity:
        eth = Q(child__ethnicity="NS") if f.ethnicity == "NS" else Q(child__ethnicity__startswith=f.ethnicity)
        qs = qs.filter(eth)
    if f.care_status:
        qs = qs.filter(_care_q(f.care_status))
    if f.risk:
        qs = qs.filter(risk=f.risk)
    return qs


def since_expression() -> Coalesce:
    """When the person was last seen (or, failing that, reported): the start of time away."""
    return Coalesce("last_seen_at", "reported_at", output_field=DateTimeField())


def _segment_key(age_group: str, category: str) -> str:
    return "unknown" if age_group == "unknown" else f"{age_group}:{category}"


SEGMENT_KEYS = [("unknown" if g == "unknown" else f"{g}:{c}") for g, c, _ in SEGMENTS]


def by_segment(qs: QuerySet[Any], key: str | None, measure: Any) -> dict[Any, dict[str, int]]:
    """``measure`` (an aggregate) grouped by ``key`` (a field or annotation; None for one row) and by
    segment, as {key value: {segment key: value}} — one GROUP BY query."""
    keys = [key] if key else []
    rows = qs.order_by().values(*keys, "age_group", "category").annotate(value=measure)
    return _cells(rows, key).get("value", {})


def _cells(rows: Iterable[dict[str, Any]], key: str | None) -> dict[str, dict[Any, dict[str, int]]]:
    """Grouped rows as {aggregate name: {key value: {segment key: value}}} (the unknown age's two
    categories added together)."""
    out: dict[str, dict[Any, dict[str, int]]] = {}
    for r in rows:
        seg = _segment_key(r["age_group"], r["category"])
        for name, value in r.items():
            if name in (key, "age_group", "category"):
                continue
            cell = out.setdefault(name, {}).setdefault(r[key] if key else None, {})
            cell[seg] = cell.get(seg, 0) + (value or 0)
    return out


def totals(qs: QuerySet[Any], key: str | None, measure: Any) -> dict[Any, int]:
    """``measure`` grouped by ``key`` only: the Total column (distinct counts cannot be summed)."""
    if key is None:
        return {None: qs.order_by().aggregate(value=measure)["value"] or 0}
    rows = qs.order_by().values(key).annotate(value=measure)
    return {r[key]: r["value"] or 0 for r in rows}


def _grouped(
    qs: QuerySet[Any], key: str | None, aggs: dict[str, Any]
) -> tuple[dict[str, dict[Any, dict[str, int]]], dict[str, dict[Any, int]]]:
    """``aggs`` grouped by ``key`` and segment (``_cells``), and by ``key`` alone (the totals: {name:
    {key value: total}}), reading the facts once where it can:

    - counts of rows (no distinct aggregate): the totals are the segments' sums, one query;
    - distinct counts on PostgreSQL: one query with ``GROUPING SETS`` (``_grouping_sets``);
    - otherwise two queries, by segment and by key."""
    keys = [key] if key else []
    seg_qs = qs.order_by().values(*keys, "age_group", "category").annotate(**aggs)
    if not any(getattr(a, "distinct", False) for a in aggs.values()):
        cells = _cells(seg_qs, key)
        sums = {n: {k: sum(v.values()) for k, v in cells.get(n, {}).items()} for n in aggs}
        return cells, sums
    if connections[qs.db].vendor == "postgresql":
        seg_rows, total_rows = _grouping_sets(seg_qs, key)
    else:
        seg_rows = list(seg_qs)
        total_rows = (
            list(qs.order_by().values(*keys).annotate(**aggs)) if key else [qs.order_by().aggregate(**aggs)]
        )
    k = key or ""
    total = {n: {(r[k] if key else None): r[n] or 0 for r in total_rows} for n in aggs}
    return _cells(seg_rows, key), total


def _grouping_sets(
    seg_qs: QuerySet[Any], key: str | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows of ``seg_qs`` (grouped by ``key``, age group and category) and its totals by ``key``
    (None: one total) from one PostgreSQL statement: its SQL with the GROUP BY made ``GROUPING SETS
    ((key, age_group, category), (key))``. A total row is the one with a NULL age group (a fact's is
    never NULL). One scan and one sort instead of two (distinct counts cannot be summed)."""
    compiler = seg_qs.query.get_compiler(using=seg_qs.db)
    try:
        seg_sql, params = compiler.as_sql()
    except EmptyResultSet:  # a filter that matches nothing (a user who may see no one)
        return [], []
    aliases = [alias for _, _, alias in compiler.select]
    key_by = str(aliases.index(key) + 1) if key else ""  # Django groups by select positions too
    seg_by = _group_by(seg_sql)
    sql = f"{seg_sql[: -len(seg_by)]}GROUPING SETS (({seg_by}), ({key_by}))"
    with connections[seg_qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return [r for r in rows if r["age_group"] is not None], [r for r in rows if r["age_group"] is None]


def _group_by(sql: str) -> str:
    """The GROUP BY list at the end of a compiled grouped query (no ORDER BY or HAVING follows)."""
    by = sql[sql.rindex(" GROUP BY ") + len(" GROUP BY ") :]
    if any(word in by for word in (" ORDER BY ", " HAVING ", " LIMIT ")):
        raise ValueError(f"Unexpected grouped query: {sql}")
    return by


def segmented_rows(
    qs: QuerySet[Any], key: str | None, labels: Iterable[tuple[Any, str]], measure: Any = None
) -> list[list[Any]]:
    """One table row per (key value, label): the label, the measure in each segment, the total."""
    measure = measure if measure is not None else Count("pk")
    cells, total = _grouped(qs, key, {"value": measure})
    value, total_value = cells.get("value", {}), total["value"]
    return [
        [label, *[value.get(k, {}).get(s, 0) for s in SEGMENT_KEYS], total_value.get(k, 0)]
        for k, label in labels
    ]


@dataclass(frozen=True)
class Measure:
    """One row of a measures table: episodes (or distinct people) of the queryset matching ``where``."""

    label: str
    where: Q | None = None
    people: bool = False

    def aggregate(self) -> Count:
        return (
            Count("child", distinct=True, filter=self.where)
            if self.people
            else Count("pk", filter=self.where)
        )


def measure_rows(qs: QuerySet[Any], measures: Sequence[Measure]) -> list[list[Any]]:
    """One row per measure, by segment and in total, in one query (two on SQLite when a measure counts
    people) whatever the number of measures: conditional aggregates grouped by segment (``_grouped``)."""
    aggs = {f"m{i}": m.aggregate() for i, m in enumerate(measures)}
    cells, total = _grouped(qs, None, aggs)
    return [
        [
            m.label,
            *[cells.get(f"m{i}", {}).get(None, {}).get(s, 0) for s in SEGMENT_KEYS],
            total[f"m{i}"].get(None, 0),
        ]
        for i, m in enumerate(measures)
    ]


def columns(first: str) -> list[str]:
    return [first, *SEGMENT_LABELS, TOTAL]


def percent(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def months_between(start: date, end: date) -> list[date]:
    """The first day of every month from ``start``'s month to ``end``'s, in order."""
    out, m = [], start.replace(day=1)
    while m <= end:
        out.append(m)
        m = (m.replace(day=28) + timedelta(days=4)).replace(day=1)
    return out


def episodes_within(days: int) -> Subquery:
    """For an outer Episode: how many episodes of the same person were reported in the ``days`` days
    up to and including it (it counts)."""
    window = (
        Episode.objects.filter(
            child=OuterRef("child"),
            reported_at__lte=OuterRef("reported_at"),
            reported_at__gt=OuterRef("reported_at") - timedelta(days=days),
        )
        .order_by()
        .values("child")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(window, output_field=IntegerField())


def labelled(choices: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in choices]
