"""The problem profile (police roles only): the most frequently missing children with their monthly
trajectories, where children go missing from and are found, when, and adults linked to several missing
children — a lead for exploitation investigations.

Reads only ``visible_episodes(user)`` like every figure, and callers must check ``can_see_profile``
first: associates are police intelligence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import ExtractHour, ExtractWeekDay, TruncMonth

from misper.accounts.models import Role, User
from misper.analytics.figures.base import Context, Figure, months_between, since_expression
from misper.analytics.figures.demand import location_label
from misper.people.models import AbductionWarningNotice, Associate, Child, ChildAssociate, LocationKind
from misper.people.selectors import visible_children

PROFILE_ROLES = frozenset(
    {Role.SUPERVISOR, Role.DUTY_INSPECTOR, Role.COORDINATOR, Role.ANALYST, Role.INVESTIGATING_OFFICER}
)
TOP_CHOICES = (10, 25)
PLACES = 25
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
LINK_KINDS = {"associate": "Known associate", "found_with": "Found with", "cawn": "Abduction warning notice"}


def can_see_profile(user: User) -> bool:
    return user.is_police and user.role in PROFILE_ROLES


def _children(ctx: Context) -> Any:
    return ctx.in_period().filter(age_group="child")


def top_children(ctx: Context, top: int) -> Figure:
    """The ``top`` children with most episodes in the period, with their episodes in each month."""
    qs = _children(ctx)
    leaders = list(
        qs.order_by()
        .values("child_id", "child__ref", "child__given_name", "child__family_name", "child__looked_after")
        .annotate(n=Count("pk"))
        .order_by("-n", "child__ref")[:top]
    )
    months = months_between(ctx.filters.period_from, ctx.filters.period_to)
    per_month = (
        qs.filter(child_id__in=[r["child_id"] for r in leaders])
        .annotate(month=TruncMonth("reported_at"))
        .order_by()
        .values("child_id", "month")
        .annotate(n=Count("pk"))
    )
    grid: dict[int, dict[str, int]] = defaultdict(dict)
    for r in per_month:
        grid[r["child_id"]][r["month"].strftime("%Y-%m")] = r["n"]
    labels = [m.strftime("%Y-%m") for m in months]
    rows = [
        [
            r["child__ref"],
            f"{r['child__given_name']} {r['child__family_name']}",
            "Yes" if r["child__looked_after"] else "No",
            r["n"],
            *[grid[r["child_id"]].get(m, 0) for m in labels],
        ]
        for r in leaders
    ]
    return Figure(
        code="profile_top_children",
        section="Problem profile",
        title=f"The {top} children most often missing, month by month",
        description="Children (under 18 when reported) with most episodes in the period.",
        columns=["Reference", "Name", "Looked after", "Episodes", *labels],
        rows=rows,
        chart="trajectory",
    )


def _place_counts(ctx: Context, relation: str) -> list[dict[str, Any]]:
    """The ``PLACES`` places children's episodes in the period most often started from (``missing_from``)
    or ended at (``found_location``), with their episode and child counts and coordinates."""
    p = relation
    return list(
        _children(ctx)
        .filter(**{f"{p}__isnull": False})
        .order_by()
        .values(
            p,
            f"{p}__name",
            f"{p}__address_line",
            f"{p}__town",
            f"{p}__postcode",
            f"{p}__beat",
            f"{p}__kind",
            f"{p}__latitude",
            f"{p}__longitude",
        )
        .annotate(
            n=Count("pk"),
            children=Count("child", distinct=True),
            care=Count("pk", filter=Q(missing_from_care=True)),
        )
        .order_by("-n", p)[:PLACES]
    )


def _places(ctx: Context, relation: str, code: str, title: str) -> Figure:
    p = relation
    rows = _place_counts(ctx, p)
    kinds = {k: str(v) for k, v in LocationKind.choices}
    table = [
        [
            location_label(r, p),
            kinds.get(r[f"{p}__kind"], ""),
            r[f"{p}__postcode"],
            r[f"{p}__beat"],
            r["n"],
            r["children"],
        ]
        for r in rows
    ]
    return Figure(
        code=code,
        section="Problem profile",
        title=title,
        description="Children's episodes in the period, by place (top 25).",
        columns=["Place", "Kind", "Postcode", "Beat", "Episodes", "Children"],
        rows=table,
        chart="table",
    )


def missing_from_places(ctx: Context) -> Figure:
    return _places(ctx, "missing_from", "profile_missing_from", "Where children most often go missing from")


def found_places(ctx: Context) -> Figure:
    return _places(ctx, "found_location", "profile_found_at", "Where children are most often found")


HOTSPOT_KINDS = (("missing_from", "Went missing from"), ("found_location", "Found at"))


def hotspots(ctx: Context) -> list[dict[str, Any]]:
    """The places of both place figures for the map and the plain list beside it (the same component as
    a child's places: ``kind``, ``label``, ``lat``/``lon`` None when the place has no coordinates)."""
    out = []
    for relation, kind in HOTSPOT_KINDS:
        for r in _place_counts(ctx, relation):
            lat, lon = r[f"{relation}__latitude"], r[f"{relation}__longitude"]
            known = lat is not None and lon is not None
            episodes = "1 episode" if r["n"] == 1 else f"{r['n']} episodes"
            children = "1 child" if r["children"] == 1 else f"{r['children']} children"
            out.append(
                {
                    "kind": kind,
                    "label": f"{location_label(r, relation)} ({episodes}, {children})",
                    "lat": float(lat) if known else None,
                    "lon": float(lon) if known else None,
                }
            )
    return out


def times_heat(ctx: Context) -> Figure:
    """Children's episodes by day of week and hour last seen (Europe/London): a 7 × 24 table."""
    since = since_expression()
    qs = _children(ctx).annotate(day=ExtractWeekDay(since), hour=ExtractHour(since))
    cells = {
        (r["day"], r["hour"]): r["n"] for r in qs.order_by().values("day", "hour").annotate(n=Count("pk"))
    }
    # ExtractWeekDay: 1 is Sunday … 7 is Saturday on every backend Django supports.
    order = [2, 3, 4, 5, 6, 7, 1]
    rows = [[WEEKDAYS[i], *[cells.get((d, h), 0) for h in range(24)]] for i, d in enumerate(order)]
    return Figure(
        code="profile_times",
        section="Problem profile",
        title="When children go missing",
        description="Children's episodes in the period by the day and hour they were last seen.",
        columns=["Day", *[f"{h:02d}" for h in range(24)]],
        rows=rows,
        chart="heat",
        chart_columns=(),
    )


@dataclass
class Network:
    """Adults linked to two or more missing children, as a table and as nodes and edges."""

    rows: list[list[Any]] = field(default_factory=list)
    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    child_ids: list[int] = field(default_factory=list)


def _links(ctx: Context) -> dict[tuple[int, int], set[str]]:
    """(associate id, child id) → how they are linked, for children missing in the period."""
    children = _children(ctx).values("child_id")
    links: dict[tuple[int, int], set[str]] = defaultdict(set)
    sources = (
        (
            "associate",
            ChildAssociate.objects.current()
            .filter(child_id__in=children)
            .values_list("associate_id", "child_id"),
        ),
        (
            "found_with",
            _children(ctx)
            .filter(found_with_associate__isnull=False)
            .values_list("found_with_associate_id", "child_id"),
        ),
        (
            "cawn",
            AbductionWarningNotice.objects.filter(child_id__in=children).values_list(
                "associate_id", "child_id"
            ),
        ),
    )
    for kind, pairs in sources:
        for associate_id, child_id in pairs.distinct():
            links[(associate_id, child_id)].add(kind)
    return links


def shared_adults(ctx: Context, minimum: int = 2) -> Network:
    """Adults (associates on the force's records) linked to at least ``minimum`` children who went missing
    in the period, through a known link, being found with them, or a CAWN."""
    by_adult: dict[int, dict[int, set[str]]] = defaultdict(dict)
    for (a, c), kinds in _links(ctx).items():
        by_adult[a][c] = kinds
    shared = {a: cs for a, cs in by_adult.items() if len(cs) >= minimum}
    adults = Associate.objects.in_bulk(list(shared))
    kids = Child.objects.in_bulk({c for cs in shared.values() for c in cs})
    episodes = dict(
        _children(ctx)
        .filter(child_id__in=list(kids))
        .order_by()
        .values_list("child_id")
        .annotate(n=Count("pk"))
    )
    net = Network(child_ids=sorted(kids))
    for a_id in sorted(shared, key=lambda i: (-len(shared[i]), i)):
        adult, linked = adults[a_id], shared[a_id]
        how = sorted({LINK_KINDS[k] for ks in linked.values() for k in ks})
        refs = ", ".join(sorted(kids[c].ref for c in linked))
        name = f"{adult.given_name} {adult.family_name}"
        net.rows.append([name, ", ".join(adult.flags) or "None", len(linked), refs, "; ".join(how)])
        net.nodes.append({"id": f"a{a_id}", "label": name, "kind": "adult"})
        for c, ks in linked.items():
            net.edges.append(
                {
                    "source": f"a{a_id}",
                    "target": f"c{c}",
                    "label": ", ".join(LINK_KINDS[k] for k in sorted(ks)),
                }
            )
    for c_id in net.child_ids:
        net.nodes.append(
            {"id": f"c{c_id}", "label": kids[c_id].ref, "kind": "child", "episodes": episodes.get(c_id, 0)}
        )
    return net


NETWORK_COLUMNS = ["Adult", "Flags", "Children linked", "Children (references)", "How linked"]


def profile_ids(figures: list[Figure], network: Network, ctx: Context) -> list[int]:
    """Ids of the children named on the profile, for the access log."""
    refs = {r[0] for f in figures if f.code == "profile_top_children" for r in f.rows}
    named = list(visible_children(ctx.user).filter(ref__in=refs).values_list("pk", flat=True))
    return sorted(set(named) | set(network.child_ids))
