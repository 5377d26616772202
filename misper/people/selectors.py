"""Reads of children, with the one access rule for child records built in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import jellyfish
from django.db.models import Q, QuerySet
from django.http import Http404

from misper.accounts.models import User
from misper.core.dates import years_back
from misper.episodes import schedules
from misper.people.models import Child, ChildAlias, ChildAssociate
from misper.people.search import name_candidates


def child_access_q(user: User, prefix: str = "") -> Q:
    """The access rule for child records, as a filter on Child (or on a relation via ``prefix``).

    - Police roles see the children on their own force's records, and children another area has placed
      on their patch under a current placement notice (the host force; misper.partners.placements).
    - Partner practitioners see children their agency is responsible for: as placing or host authority,
      as the care provider, or as the return interview provider of one of the child's episodes.
    - Anyone else sees none.
    """
    if not user.is_authenticated or not user.is_active or user.agency_id is None:
        return Q(pk__in=[])
    agency_id = user.agency_id
    if user.is_police:
        return Q(**{f"{prefix}force_id": agency_id}) | Q(**{f"{prefix}pk__in": _hosted_child_ids(agency_id)})
    if user.role == "partner_practitioner":
        return (
            Q(**{f"{prefix}placing_authority_id": agency_id})
            | Q(**{f"{prefix}host_authority_id": agency_id})
            | Q(**{f"{prefix}care_provider_id": agency_id})
            | Q(**{f"{prefix}pk__in": _interview_child_ids(agency_id)})
        )
    return Q(pk__in=[])


# The related-record parts of the rule are subqueries, not joins: a join through placement notices or
# return interviews stops PostgreSQL using the force index and needs a DISTINCT over every child.


def _hosted_child_ids(force_id: int) -> QuerySet[Any]:
    """Children another area has placed on this force's patch under a current placement notice."""
    from misper.partners.models import PlacementNotice

    current = Q(ends_on__isnull=True) | Q(ends_on__gte=date.today())
    return PlacementNotice.objects.filter(current, host_force_id=force_id).values("child_id")


def _interview_child_ids(agency_id: int) -> QuerySet[Any]:
    """Children with a return interview referred to, or provided by, this agency."""
    from misper.partners.models import ReturnInterview

    mine = Q(provider_id=agency_id) | Q(responsible_agency_id=agency_id)
    return ReturnInterview.objects.filter(mine).values("episode__child_id")


def visible_children(user: User) -> QuerySet[Child]:
    return Child.objects.filter(child_access_q(user))


def can_view_child(user: User, child: Child) -> bool:
    return visible_children(user).filter(pk=child.pk).exists()


def access_child_by_id(user: User, child_id: int) -> Child:
    """The child with ``child_id`` if ``user`` may see it; 404 otherwise (never 403: no existence leak)."""
    child = visible_children(user).filter(pk=child_id).first()
    if child is None:
        raise Http404("No such child")
    return child


# --- finding a child ----------------------------------------------------------------------------------

SEARCH_LIMIT = 50
_NAME_SPLIT = re.compile(r"[^a-z']+")


@dataclass(frozen=True)
class ChildMatch:
    child: Child
    score: float
    matched_on: str


def _tokens(text: str) -> list[str]:
    return [t for t in _NAME_SPLIT.split(text.lower().replace("'", "")) if t]


def _token_score(query: str, name: str) -> float:
    """How well one typed name part matches one name on file: exact, prefix, sound-alike, or spelling."""
    if query == name:
        return 4.0
    if len(query) >= 2 and name.startswith(query):
        return 3.0
    if jellyfish.metaphone(query) == jellyfish.metaphone(name) or (
        jellyfish.soundex(query) == jellyfish.soundex(name) and query[0] == name[0]
    ):
        return 2.5
    if len(query) >= 4 and jellyfish.jaro_winkler_similarity(query, name) >= 0.88:
        return 2.0
    if len(query) >= 5 and jellyfish.damerau_levenshtein_distance(query, name) <= 2:
        return 1.5
    return 0.0


def name_score(query: str, names: list[str]) -> float:
    """Score of a typed name against one child's names: every typed part must match some name part."""
    parts = _tokens(query)
    on_file = [t for n in names for t in _tokens(n)]
    if not parts or not on_file:
        return 0.0
    total = 0.0
    for part in parts:
        best = max(_token_score(part, name) for name in on_file)
        if best == 0.0:
            return 0.0
        total += best
    return total / len(parts)


def _prefilter(user: User, dob: date | None, age: int | None, place: str, today: date) -> QuerySet[Child]:
    qs = visible_children(user)
    if dob is not None:
        qs = qs.filter(date_of_birth=dob)
    if age is not None:
        # Born between (age + 1) years and age years before today, or estimated at that age.
        earliest = years_back(today, age + 1) + timedelta(days=1)
        latest = years_back(today, age)
        qs = qs.filter(Q(date_of_birth__range=(earliest, latest)) | Q(estimated_age=age))
    if place.strip():
        p = place.strip()
        postcode = p.replace(" ", "").upper()
        where = Q()
        for rel in ("home_address", "placement_address"):
            where |= Q(**{f"{rel}__town__iexact": p}) | Q(**{f"{rel}__postcode__iexact": p})
            where |= Q(**{f"{rel}__postcode__istartswith": postcode[:4]}) if len(postcode) >= 5 else Q()
            where |= Q(**{f"{rel}__name__icontains": p})
        qs = qs.filter(where)
    return qs


def child_search(
    user: User,
    *,
    name: str = "",
    dob: date | None = None,
    age: int | None = None,
    place: str = "",
    today: date | None = None,
) -> list[ChildMatch]:
    """Visible children matching every criterion given, best name match first (at most 50).

    Names match on given, family, preferred names and aliases, allowing prefixes, sound-alikes (Metaphone,
    Soundex) and small misspellings. The database narrows by date of birth, age and place, and without a
    date of birth by the indexed name keys (``misper.people.search.name_candidates``); the few children
    left are scored in Python (one query for names, one for aliases, one for the children)."""
    today = today or date.today()
    qs = _prefilter(user, dob, age, place, today)
    if not name.strip():
        children = list(qs.order_by("family_name", "given_name")[:SEARCH_LIMIT])
        return [ChildMatch(c, 1.0, "") for c in children]
    if dob is None:  # nothing narrow to filter by: the indexed name keys pick the candidates
        qs = Child.objects.filter(pk__in=name_candidates(qs, name))
    names: dict[int, list[str]] = {}
    rows = qs.values_list("pk", "given_name", "family_name", "preferred_name")
    for pk, given, family, preferred in rows:
        names[pk] = [given, family, preferred]
    aliases = ChildAlias.objects.filter(child_id__in=list(names)).values_list(
        "child_id", "given_name", "family_name"
    )
    alias_of: dict[int, list[str]] = {}
    for pk, given, family in aliases:
        alias_of.setdefault(pk, []).append(f"{given} {family}".strip())
    scored: dict[int, tuple[float, str]] = {}
    for pk, own in names.items():
        best = (name_score(name, own), "")
        for alias in alias_of.get(pk, []):
            s = name_score(name, [alias])
            if s > best[0]:
                best = (s, alias)
        if best[0] > 0:
            scored[pk] = best
    top = sorted(scored, key=lambda pk: -scored[pk][0])[:SEARCH_LIMIT]
    by_pk = Child.objects.in_bulk(top)
    return [ChildMatch(by_pk[pk], scored[pk][0], scored[pk][1]) for pk in top if pk in by_pk]


# --- the child page -----------------------------------------------------------------------------------


@dataclass
class ChildProfile:
    child: Child
    flags: list[Any]
    trigger_plan: Any
    episodes_90d: int
    episodes_total: int
    open_episode: Any
    found_before: list[Any]
    associates: list[Any] = field(default_factory=list)
    places: list[Any] = field(default_factory=list)
    latest_wishes: Any = None
    past_flags: list[Any] = field(default_factory=list)  # expired or lapsed: the flags' history
    ended_links: list[Any] = field(default_factory=list)  # links to people ended, with who and why (police)
    repeat_window_days: int = 90
    repeat: bool = False


def child_profile(user: User, child: Child, now: datetime) -> ChildProfile:
    """What a call handler needs to see when a child is reported: flags, the trigger plan, history,
    where and with whom found before, associates of concern (the owning force's police only:
    ``partners.field_access``), placement contacts."""
    from misper.episodes.models import Episode, SafeAndWellCheck
    from misper.partners.models import TriggerPlan
    from misper.partners.projections import sees_police_only

    child = Child.objects.select_related(
        "placing_authority", "host_authority", "care_provider", "placement_address", "home_address"
    ).get(pk=child.pk)
    episodes = Episode.objects.filter(child=child)
    limits = schedules.thresholds()
    since = now - limits.repeat_window
    found = list(
        episodes.filter(found_at__isnull=False)
        .select_related("found_location", "found_with_associate")
        .order_by("-found_at")[:10]
    )
    all_flags = list(
        child.flags.filter(**({} if sees_police_only(user, child) else {"police_only": False}))
        .select_related("source_agency", "expired_by")
        .order_by("code", "-noted_on")
    )
    profile = ChildProfile(
        child=child,
        flags=[f for f in all_flags if f.is_current(now.date())],
        past_flags=[f for f in all_flags if not f.is_current(now.date())],
        trigger_plan=TriggerPlan.objects.filter(child=child, superseded_at__isnull=True)
        .order_by("-version")
        .first(),
        episodes_90d=episodes.filter(reported_at__gte=since).count(),
        episodes_total=episodes.count(),
        open_episode=episodes.filter(status__in=schedules.OPEN_STATUSES).order_by("-reported_at").first(),
        found_before=found,
        # Places on file are the owning force's (``partners.projections.child_view_for`` withholds them).
        places=list(child.places.select_related("location").order_by("kind"))
        if sees_police_only(user, child)
        else [],
        latest_wishes=SafeAndWellCheck.objects.filter(episode__child=child)
        .exclude(child_wishes="")
        .order_by("-conducted_at")
        .first(),
    )
    profile.repeat_window_days = limits.repeat_window_days
    profile.repeat = limits.is_repeat(profile.episodes_90d)
    if sees_police_only(user, child):
        from misper.episodes.documents import associates_the_engine_counts

        # exactly whom the engine counts (not only those recorded as of concern): what graded the child
        profile.associates = associates_the_engine_counts(child, now)
        profile.ended_links = list(
            ChildAssociate.objects.filter(child=child, ended_at__isnull=False)
            .select_related("associate", "ended_by")
            .order_by("-ended_at")
        )
    return profile
