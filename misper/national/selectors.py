"""Reads for the national view, with the one access rule for national data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from misper.accounts.models import Agency, AgencyKind, User
from misper.national.models import ADULT_AGE, Decision, NationalRecord, ReviewPair

OPEN_STATUSES = ("", "reported", "active")


def can_use_national(user: User) -> bool:
    """The access rule: staff of a national body only. The national records are identifiable children
    from every force (docs/linkage.md, "What the national side receives"); a force's own staff, police
    analysts included, see their own force's records in misper, not other forces'."""
    if not user.is_authenticated or not user.is_active or user.agency is None:
        return False
    return bool(user.agency.kind == AgencyKind.NATIONAL)


def national_user_required(user: User) -> None:
    """Raise PermissionDenied unless ``user`` may use national data."""
    if not can_use_national(user):
        raise PermissionDenied("National data is only for the staff of a national body.")


def _missing_now_q() -> Q:
    return Q(found_at__isnull=True, status__in=OPEN_STATUSES)


@dataclass(frozen=True)
class NationalCounts:
    children: int
    episodes: int
    missing_now: int
    in_more_than_one_force: int
    forces: int
    adults: int = 0


def national_counts(user: User) -> NationalCounts:
    """National figures about children (under 18 when reported, or age unknown): distinct children (by
    linkage), their episodes, children missing now, children in more than one force; and distinct adults."""
    national_user_required(user)
    records = NationalRecord.objects.filter(_group_q("children"))
    linked = records.filter(link__isnull=False)
    adults = NationalRecord.objects.filter(_group_q("adults"), link__isnull=False)
    return NationalCounts(
        children=linked.values("link__person_id").distinct().count(),
        episodes=records.count(),
        missing_now=linked.filter(_missing_now_q()).values("link__person_id").distinct().count(),
        in_more_than_one_force=len(cross_force_person_ids(user)),
        forces=NationalRecord.objects.values("source").distinct().count(),
        adults=adults.values("link__person_id").distinct().count(),
    )


def cross_force_person_ids(user: User) -> list[str]:
    national_user_required(user)
    rows = (
        NationalRecord.objects.filter(_group_q("children"), link__isnull=False)
        .values("link__person_id")
        .annotate(forces=Count("source", distinct=True))
        .filter(forces__gt=1)
        .order_by("link__person_id")
    )
    return [row["link__person_id"] for row in rows]


def records_of_people(user: User, person_ids: list[str]) -> QuerySet[NationalRecord]:
    national_user_required(user)
    return (
        NationalRecord.objects.filter(link__person_id__in=person_ids)
        .select_related("link")
        .order_by("link__person_id", "reported_at", "source")
    )


def missing_now(user: User) -> QuerySet[NationalRecord]:
    """Children's episodes open now, across all forces, oldest report first, with their person ids:
    the national view's default list."""
    return national_records(user, NationalFilters())


def review_queue(user: User) -> QuerySet[ReviewPair]:
    national_user_required(user)
    return ReviewPair.objects.filter(decision=Decision.UNDECIDED).order_by("-weight", "-probability", "pk")


def latest_record(source: str, ref: str) -> NationalRecord | None:
    return latest_records([(source, ref)]).get((source, ref))


def latest_records(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], NationalRecord]:
    """Each child's latest record, keyed by (source, ref), in one query (children with none are left out)."""
    wanted = set(keys)
    if not wanted:
        return {}
    rows = NationalRecord.objects.filter(
        source__in={s for s, _ in wanted}, ref__in={r for _, r in wanted}
    ).order_by("-reported_at", "-pk")
    latest: dict[tuple[str, str], NationalRecord] = {}
    for row in rows:
        key = (row.source, row.ref)
        if key in wanted and key not in latest:
            latest[key] = row
    return latest


@dataclass(frozen=True)
class PairRecords:
    """A review pair beside the two children's latest records, for the side-by-side comparison."""

    pair: ReviewPair
    left: NationalRecord | None
    right: NationalRecord | None


def pairs_compared(user: User, pairs: list[ReviewPair]) -> list[PairRecords]:
    """``pairs`` each with both children's latest records, in one query (the page and the API use it)."""
    national_user_required(user)
    keys = [k for p in pairs for k in ((p.left_source, p.left_ref), (p.right_source, p.right_ref))]
    latest = latest_records(keys)
    return [
        PairRecords(p, latest.get((p.left_source, p.left_ref)), latest.get((p.right_source, p.right_ref)))
        for p in pairs
    ]


def _page[T](items: QuerySet[Any] | list[T], *, limit: int, offset: int) -> tuple[int, list[T]]:
    count = items.count() if isinstance(items, QuerySet) else len(items)
    return count, list(items[offset : offset + limit])


def missing_now_page(user: User, *, limit: int, offset: int) -> tuple[int, list[NationalRecord]]:
    """One page of the episodes open now across all forces (oldest report first), and how many there are."""
    return _page(missing_now(user), limit=limit, offset=offset)


def review_queue_page(user: User, *, limit: int, offset: int) -> tuple[int, list[ReviewPair]]:
    """One page of the undecided pairs (most likely match first), and how many are waiting."""
    return _page(review_queue(user), limit=limit, offset=offset)


@dataclass(frozen=True)
class CrossForcePerson:
    person_id: str
    records: list[NationalRecord]

    @property
    def forces(self) -> list[str]:
        return sorted({r.source for r in self.records})


def cross_force_page(user: User, *, limit: int, offset: int) -> tuple[int, list[CrossForcePerson]]:
    """One page of the people with episodes in more than one force (by person id), each with their
    records (by report time), and how many such people there are."""
    count, person_ids = _page(cross_force_person_ids(user), limit=limit, offset=offset)
    grouped: dict[str, list[NationalRecord]] = {pid: [] for pid in person_ids}
    for record in records_of_people(user, person_ids):
        grouped[record.link.person_id].append(record)
    return count, [CrossForcePerson(pid, records) for pid, records in grouped.items()]


def access_review_pair_by_id(user: User, pk: int) -> ReviewPair:
    """The review pair ``pk`` if ``user`` may use national data (PermissionDenied) and it exists (404)."""
    national_user_required(user)
    pair = ReviewPair.objects.filter(pk=pk).first()
    if pair is None:
        raise Http404("No such pair")
    return pair


AGE_BANDS = {"0-11": (0, 11), "12-13": (12, 13), "14-15": (14, 15), "16-17": (16, 17)}
LISTS = ("missing", "cross", "all")
GROUPS = ("children", "adults")


@dataclass(frozen=True)
class NationalFilters:
    """What the national view's list shows: which list, children or adults, and narrowing filters."""

    list: str = "missing"  # missing now | in more than one force area | everyone
    group: str = "children"  # children (under 18 when reported, or age unknown) | adults
    force: str = ""  # a force's code
    age_band: str = ""  # one of AGE_BANDS (children only)
    risk: str = ""


def _group_q(group: str) -> Q:
    children = Q(age_at_report__lt=ADULT_AGE) | Q(age_at_report__isnull=True)
    return ~children if group == "adults" else children


def national_records(user: User, filters: NationalFilters) -> QuerySet[NationalRecord]:
    """The records the national view lists for ``filters`` (a list, children or adults apart, by force,
    age band and risk), missing-now oldest report first, the others by person."""
    national_user_required(user)
    records = NationalRecord.objects.filter(_group_q(filters.group)).select_related("link")
    if filters.list == "missing":
        records = records.filter(_missing_now_q())
    elif filters.list == "cross":
        records = records.filter(link__person_id__in=cross_force_person_ids(user))
    if filters.force:
        records = records.filter(source=filters.force)
    if filters.age_band in AGE_BANDS and filters.group == "children":
        low, high = AGE_BANDS[filters.age_band]
        records = records.filter(age_at_report__gte=low, age_at_report__lte=high)
    if filters.risk:
        records = records.filter(risk=filters.risk)
    order = ("reported_at", "pk") if filters.list == "missing" else ("link__person_id", "reported_at", "pk")
    return records.order_by(*order)


def force_names(codes: Iterable[str] = ()) -> dict[str, str]:
    """Force code → the force's name, for every police force (and any other sender named in ``codes``)."""
    agencies = Agency.objects.filter(Q(kind=AgencyKind.POLICE_FORCE) | Q(code__in=list(codes)))
    return dict(agencies.values_list("code", "name"))


def sending_forces(user: User) -> list[tuple[str, str]]:
    """(code, name) of the forces with records in the national view, by name: the force filter's options."""
    national_user_required(user)
    codes = list(NationalRecord.objects.values_list("source", flat=True).distinct())
    names = force_names(codes)
    return sorted(((c, names.get(c, c)) for c in codes), key=lambda pair: pair[1])
