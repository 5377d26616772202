"""National-scale synthetic data for benchmarks: every force in England and Wales, years of records.

``national_seed(years=10, forces=43, scale=1)`` writes about 280,000 episodes a year (about 130,000 of
them children's, for about 67,000 children a year) across 43 invented forces (``forces`` < 43 writes
only the first ones, each with its share of the nation, so a test or a quick run stays small), with their
assessments, reviews, actions, status changes, safe and well checks, return interviews and access
events in the proportions of the demo force (``docs/demo-data.md``). Generated one force-year at a time
and written with PostgreSQL ``COPY`` (``misper.demo.bulkcopy``); on SQLite the same rows go through
``bulk_create`` (slowly: use a small ``scale``).

What is simplified at this scale, and why (see ``docs/performance.md``):

- The risk engine is not run per episode (2.8 million runs would dominate the load). It is run once
  on a pool of ``ENGINE_POOL`` synthetic misper/1 documents drawn from the same distributions, and each
  assessment takes one pooled result (grade, immediacy, seriousness, rule codes, actions), stored in a
  compact form (rule codes, not texts) with ``"synthetic": "national"``.
- Names come from Faker's en_GB name lists, drawn directly (not through Faker) for speed; children's
  details beyond what search, the board and the dashboards read are left blank.
- The first force (``nat-f00``) is the busiest and has ``BUSY_FORCE_OPEN`` open episodes (the
  supervisor's board benchmark); the others have 10-25 open, as the demo force.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from django.db import connection, transaction
from faker.providers.person.en_GB import Provider as Names

from misper.accounts.models import Agency, AgencyKind, Role, User
from misper.audit.chain import GENESIS
from misper.audit.keys import KeyRing, load_keys
from misper.audit.models import AccessEvent
from misper.audit.sealer import chain_head, checkpoint_now, seal_events, sealer_lock
from misper.demo import calibrate, figures
from misper.demo.bulkcopy import CopyQueue, LoadMode, TableWriter
from misper.demo.people import ETHNICITY_WEIGHTS
from misper.episodes import models as ep
from misper.episodes import schedules
from misper.episodes.actions import STANDARD_ENQUIRIES, action_title
from misper.partners.models import ReturnInterview
from misper.people import models as pp
from misper.people.search import key_rows

# National figures (NCA UK Missing Persons Unit data reports; the brief): incidents a year in
# England and Wales, the children's share, and distinct children a year.
FORCES = 43
INCIDENTS_PER_YEAR = 280_000
CHILD_INCIDENTS_PER_YEAR = 130_000
CHILDREN_PER_YEAR = 67_000
BUSY_FORCE_OPEN = 300
ENGINE_POOL = 400
DEFAULT_SEED = 2026
PREFIX = "nat"
ACCESS_EVENTS_PER_EPISODE = 2  # the report (create) and a supervisor's view
REVIEW_CAP = 10
ENGINE_ACTIONS = 2  # with the 7 standard enquiries, about the demo force's 8.4 actions an episode
FLAG_SHARES = {"cse_risk": 0.05, "cce_risk": 0.04, "mental_health": 0.05, "self_harm": 0.03}
STEMS = (
    "Aber", "Ash", "Bex", "Bram", "Carr", "Dun", "Elm", "Fen", "Glen", "Hal", "Ivy", "Kes", "Lang",
    "Marl", "Nor", "Oak", "Pen", "Quar", "Rus", "Sel", "Thorn", "Ux", "Vale", "Wend", "Yar", "Zel",
)  # fmt: skip
ENDINGS = ("shire", "ford", "mere", "dale", "wick", "ham", "ton", "bury")
FIRST_F = list(Names.first_names_female)
FIRST_M = list(Names.first_names_male)
LAST = list(Names.last_names)


@dataclass
class Force:
    index: int
    weight: float
    agency: Agency
    council: Agency
    provider: Agency
    interviews: Agency
    homes: list[int]
    users: dict[str, User]


@dataclass
class Writers:
    now: datetime
    tables: dict[str, TableWriter] = field(default_factory=dict)
    head: tuple[int, str] = (0, GENESIS)  # the access log chain's head, continued as events are written
    keys: KeyRing | None = None

    def __getitem__(self, name: str) -> TableWriter:
        return self.tables[name]


COLUMNS: dict[str, tuple[Any, list[str]]] = {
    "child": (pp.Child, [
        "id", "force_id", "ref", "given_name", "family_name", "preferred_name", "date_of_birth", "sex",
        "ethnicity", "looked_after", "placement_type", "placing_authority_id", "host_authority_id",
        "care_provider_id", "placement_address_id", "out_of_area", "created_at", "updated_at",
    ]),
    "alias": (pp.ChildAlias, ["id", "child_id", "kind", "given_name", "family_name"]),
    "key": (pp.ChildNameKey, ["id", "child_id", "name", "metaphone", "soundex"]),
    "flag": (pp.VulnerabilityFlag, ["id", "child_id", "code", "source", "noted_on"]),
    "episode": (ep.Episode, [
        "id", "force_id", "child_id", "reference", "status", "category", "risk", "reported_at",
        "last_seen_at", "missing_from_care", "reporter_type", "beat", "found_at", "return_method",
        "harm_disclosed", "closed_at", "next_review_at", "created_at", "updated_at", "version",
        "missing_from_id",
    ]),
    "status": (ep.StatusChange, ["id", "episode_id", "from_status", "to_status", "at"]),
    "assessment": (ep.RiskAssessment, [
        "id", "episode_id", "kind", "created_at", "policy_name", "policy_version", "inputs", "result",
        "recommended_category", "recommended_risk", "immediacy", "seriousness", "graded_category",
        "graded_risk", "under_graded", "approval_status",
    ]),
    "review": (ep.Review, ["id", "episode_id", "reviewed_at", "notes", "next_review_at"]),
    "action": (ep.Action, [
        "id", "episode_id", "code", "title", "source", "due_at", "status", "completed_at", "created_at",
    ]),
    "safe": (ep.SafeAndWellCheck, [
        "id", "episode_id", "conducted_by_name", "conducted_at", "harm_disclosed", "returned_to",
        "safe_to_return", "created_at",
    ]),
    "interview": (ReturnInterview, [
        "id", "episode_id", "responsible_agency_id", "provider_id", "referred_at", "due_at", "status",
        "completed_at",
    ]),
    "access": (AccessEvent, [
        "id", "at", "user_id", "username", "agency_code", "role", "action", "record_type", "record_ids",
        "purpose", "request_id", "prev_hash", "hash", "seq", "key_id", "sealed_at",
    ]),
}  # fmt: skip


# --- the fixed world ------------------------------------------------------------------------------------


def _force_name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(STEMS) + rng.choice(ENDINGS)
        if name not in used:
            used.add(name)
            return name


def _agency(code: str, name: str, kind: str, **links: Agency) -> Agency:
    return Agency.objects.create(code=code, name=name, kind=kind, **links)


def build_forces(rng: random.Random, count: int) -> list[Force]:
    """The forces, each with a council, a care provider, a return interview service, homes and users."""
    if Agency.objects.filter(code__startswith=f"{PREFIX}-f").exists():
        raise SystemExit("National data is already loaded here. Use a fresh database.")
    used: set[str] = set()
    forces = []
    for i in range(count):
        place = _force_name(rng, used)
        agency = _agency(f"{PREFIX}-f{i:02d}", f"{place} Police", AgencyKind.POLICE_FORCE)
        council = _agency(
            f"{PREFIX}-la{i:02d}",
            f"{place} Children's Services",
            AgencyKind.LOCAL_AUTHORITY,
            police_area=agency,
        )
        provider = _agency(
            f"{PREFIX}-cp{i:02d}", f"{place} Care Homes", AgencyKind.CARE_PROVIDER, police_area=agency
        )
        interviews = _agency(
            f"{PREFIX}-ri{i:02d}",
            f"{place} Return Interviews",
            AgencyKind.RETURN_INTERVIEW_PROVIDER,
            commissioned_by=council,
        )
        homes = pp.Location.objects.bulk_create(
            pp.Location(
                force=agency,
                kind="placement",
                name=f"{rng.choice(STEMS)} House",
                town=place,
                operated_by=provider,
                beat=f"B{n:02d}",
            )
            for n in range(8)
        )
        users: dict[str, User] = {
            str(role): User.objects.create(
                username=f"{PREFIX}-f{i:02d}-{role}", agency=agency, role=role, is_active=True
            )
            for role in (Role.CALL_HANDLER, Role.SUPERVISOR, Role.ANALYST)
        }
        weight = 3.0 if i == 0 else rng.uniform(0.4, 1.8)  # the first force is the busiest
        forces.append(Force(i, weight, agency, council, provider, interviews, [h.pk for h in homes], users))
    total = sum(f.weight for f in forces)
    for f in forces:
        f.weight = f.weight * count / total  # mean weight 1
    return forces


# --- the engine on a sample -------------------------------------------------------------------------------


def engine_pool(rng: random.Random, now: datetime) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """``ENGINE_POOL`` (inputs, compact result) pairs from the real engine on synthetic documents."""
    from misper.risk import assess

    pool = []
    for n in range(ENGINE_POOL):
        age = rng.randrange(7, 18)
        reported = now - timedelta(days=rng.randrange(1, 3000))
        doc = {
            "format": "misper/1",
            "child": {
                "ref": f"POOL-{n}",
                "date_of_birth": (reported.date() - timedelta(days=365 * age + rng.randrange(300))).isoformat(),
                "sex": rng.choice(["female", "male"]),
                "looked_after": rng.random() < 0.4,
                "vulnerabilities": [c for c, p in FLAG_SHARES.items() if rng.random() < p * 3],
            },
            "report": {
                "reported_at": reported.isoformat(),
                "last_seen_at": (reported - timedelta(hours=rng.uniform(0, 12))).isoformat(),
                "reported_by": "parent",
                "indicators": rng.sample(["out_of_character", "family_conflict", "school_problems"], rng.randrange(3)),
            },
            "history": [
                {"reported_at": (reported - timedelta(days=d + 1)).isoformat(), "category": "missing", "risk": "medium"}
                for d in range(rng.choice([0, 0, 1, 2, 4, 8]))
            ],
        }  # fmt: skip
        result = assess(doc, "national")
        compact = {
            key: result[key]
            for key in ("format", "policy", "category", "risk", "immediacy", "seriousness", "actions")
        }
        compact["reasons"] = [{"code": r["code"]} for r in result["reasons"]]
        compact["synthetic"] = "national"
        pool.append(({"format": "misper/1", "synthetic": "national", "pool": n}, compact))
    return pool


# --- people and episodes -----------------------------------------------------------------------------------


@dataclass
class Person:
    id: int
    adult: bool
    looked_after: bool
    episodes: int


def _band_age(rng: random.Random) -> int:
    shares = (figures.AGE_UNDER_12_SHARE, figures.AGE_12_14_SHARE, figures.AGE_15_17_SHARE)
    low, high = rng.choices(((7, 11), (12, 14), (15, 17)), weights=shares)[0]
    return rng.randint(low, high)


def _sex(rng: random.Random, age: int) -> str:
    if rng.random() < figures.OTHER_OR_UNKNOWN_SEX_SHARE:
        return "unknown"
    male = (
        figures.ADULT_MALE_SHARE
        if age >= 18
        else figures.UNDER_12_MALE_SHARE
        if age < 12
        else 1 - figures.AGE_12_17_FEMALE_SHARE
    )
    return "male" if rng.random() < male else "female"


def _person(
    rng: random.Random, w: Writers, force: Force, ref: str, count: int, adult: bool, on: date
) -> Person:
    """One child (or adult) row, with aliases, flags and name keys."""
    age = rng.randint(18, 70) if adult else _band_age(rng)
    sex = _sex(rng, age)
    given = rng.choice(FIRST_F if sex == "female" else FIRST_M)
    family = rng.choice(LAST)
    born = on - timedelta(days=365 * age + rng.randrange(365))
    in_care = not adult and rng.random() < min(0.9, 0.18 + 0.06 * (count - 1))
    out = in_care and rng.random() < figures.OUT_OF_AREA_SHARE_OF_CARE
    placement = (
        rng.choices(*zip(*figures.CARE_PLACEMENT_WEIGHTS.items(), strict=True))[0] if in_care else "home"
    )
    pid = w["child"].new_id()
    names = [given, family]
    preferred, roll = "", rng.random()
    aliases: list[tuple[str, str, str]] = []
    if roll < 0.12:
        preferred = given[: max(3, len(given) // 2)]
        aliases.append(("nickname", preferred, ""))
    elif roll < 0.16:
        aliases.append(("alias", given, rng.choice(LAST)))
    elif roll < 0.19:
        aliases.append(("spelling", given + rng.choice("ehy"), ""))
    at = datetime(on.year, on.month, on.day, tzinfo=UTC)
    w["child"].add((
        pid, force.agency.pk, ref, given, family, preferred, born, sex,
        rng.choices(list(ETHNICITY_WEIGHTS), weights=list(ETHNICITY_WEIGHTS.values()))[0],
        in_care, placement, force.council.pk if in_care else None, force.council.pk if out else None,
        force.provider.pk if placement == "residential_home" else None,
        rng.choice(force.homes) if placement == "residential_home" else None, out, at, at,
    ))  # fmt: skip
    for kind, a_given, a_family in aliases:
        w["alias"].add((w["alias"].new_id(), pid, kind, a_given, a_family))
        names += [a_given, a_family]
    for token, metaphone, soundex in key_rows([*names, preferred]):
        w["key"].add((w["key"].new_id(), pid, token, metaphone, soundex))
    if not adult:
        for code, share in FLAG_SHARES.items():
            if rng.random() < share * min(3.0, 0.5 + count / 4):
                w["flag"].add((w["flag"].new_id(), pid, code, "Children's services", on))
    return Person(pid, adult, in_care, count)


@lru_cache(maxsize=1)
def _lognormal() -> tuple[float, float]:
    """The demo's duration distribution (``calibrate.duration_hours``), its parameters solved once."""
    z16 = calibrate._normal_quantile(figures.FOUND_WITHIN_16H_SHARE)
    z24 = calibrate._normal_quantile(figures.FOUND_WITHIN_24H_SHARE)
    sigma = math.log(24 / 16) / (z24 - z16)
    return math.log(16) - z16 * sigma, sigma


def duration_hours(rng: random.Random) -> float:
    """As ``calibrate.duration_hours`` (same fit, same clamp), without re-solving the fit each call."""
    mu, sigma = _lognormal()
    return max(0.25, min(24 * 60.0, rng.lognormvariate(mu, sigma)))


def _times(rng: random.Random, count: int, start: datetime, end: datetime) -> list[datetime]:
    """``count`` report times in [start, end): a first at random, the rest a few weeks apart."""
    span = (end - start).total_seconds()
    first = start + timedelta(seconds=rng.uniform(0, span * 0.8))
    times = [first]
    for _ in range(count - 1):
        nxt = times[-1] + timedelta(days=rng.expovariate(1 / 12) + 0.5)
        times.append(nxt if nxt < end else start + timedelta(seconds=rng.uniform(0, span)))
    return sorted(times)


@dataclass
class Chunk:
    """One force-year: who goes missing and when, decided before any row is written."""

    force: Force
    year: int
    start: datetime
    end: datetime
    people: list[tuple[bool, int, list[datetime]]]  # (adult, episode count, report times)
    open_times: set[tuple[int, datetime]] = field(default_factory=set)


def plan_chunk(
    rng: random.Random, force: Force, year: int, start: datetime, end: datetime, scale: float
) -> Chunk:
    """Counts per person from the demo's long-tailed distribution, for this force's share of the nation."""
    share = force.weight / FORCES * scale * (end - start).days / 365
    children = max(2, round(CHILDREN_PER_YEAR * share))
    child_eps = max(children, round(CHILD_INCIDENTS_PER_YEAR * share))
    adult_eps = round((INCIDENTS_PER_YEAR - CHILD_INCIDENTS_PER_YEAR) * share)
    counts = [(False, c) for c in calibrate.episode_counts(rng, children, child_eps)]
    adults = max(1, round(adult_eps / figures.ADULT_EPISODES_PER_PERSON))
    adult_counts = [1] * adults
    for _ in range(max(0, adult_eps - adults)):
        adult_counts[rng.randrange(adults)] += 1
    counts += [(True, c) for c in adult_counts]
    return Chunk(force, year, start, end, [(a, c, _times(rng, c, start, end)) for a, c in counts])


def choose_open(rng: random.Random, chunk: Chunk, now: datetime) -> None:
    """The latest report of the most recently reported people stays open: 300 in the busiest force."""
    target = (
        BUSY_FORCE_OPEN
        if chunk.force.index == 0
        else rng.randint(figures.OPEN_EPISODES_MIN, figures.OPEN_EPISODES_MAX)
    )
    latest = sorted(((times[-1], n) for n, (_, _, times) in enumerate(chunk.people)), reverse=True)
    chunk.open_times = {(n, at) for at, n in latest[:target] if at < now}


def _assessments(rng: random.Random, w: Writers, eid: int, at: datetime, pooled: Any, regrade: bool) -> None:
    inputs, result = pooled
    kinds = ["initial", "new_information"] if regrade else ["initial"]
    for n, kind in enumerate(kinds):
        w["assessment"].add((
            w["assessment"].new_id(), eid, kind, at + timedelta(minutes=10 + 120 * n), "national",
            str(result["policy"]["version"]), inputs, result, result["category"], result["risk"],
            result["immediacy"], result["seriousness"], result["category"], result["risk"], False, "not_needed",
        ))  # fmt: skip


def _follow_up(
    rng: random.Random,
    w: Writers,
    eid: int,
    risk: str,
    reported: datetime,
    until: datetime,
    actions: list[str],
    closed: bool,
) -> None:
    """Reviews at the grade's interval while missing, the standard and engine actions, status moves."""
    interval = schedules.REVIEW_INTERVAL.get(risk, timedelta(hours=6))
    at = reported + interval
    for _ in range(REVIEW_CAP):
        if at >= until:
            break
        w["review"].add((w["review"].new_id(), eid, at, "Reviewed: enquiries continuing.", at + interval))
        at += interval
    due = schedules.action_due_at(risk, reported)
    done = "done" if closed else "open"
    for code, title in [*STANDARD_ENQUIRIES, *((c, action_title(c)) for c in actions[:ENGINE_ACTIONS])]:
        src = "standard" if code in dict(STANDARD_ENQUIRIES) else "engine"
        w["action"].add(
            (w["action"].new_id(), eid, code, title, src, due, done, due if closed else None, reported)
        )


def _statuses(w: Writers, eid: int, moves: list[tuple[str, str, datetime]]) -> None:
    for old, new, at in moves:
        w["status"].add((w["status"].new_id(), eid, old, new, at))


def _access(w: Writers, force: Force, eid: int, pid: int, at: datetime) -> None:
    """The report and a supervisor's look at it, sealed into the keyed chain as they are written."""
    for n, (role, action) in enumerate(
        ((Role.CALL_HANDLER, "create"), (Role.SUPERVISOR, "view"))[:ACCESS_EVENTS_PER_EPISODE]
    ):
        user = force.users[role]
        event = AccessEvent(
            id=w["access"].new_id(), at=at + timedelta(minutes=5 + 60 * n), user_id=user.pk,
            username=user.username, agency_code=force.agency.code, role=role, action=action,
            record_type="episode", record_ids=[str(eid), str(pid)], purpose="", request_id="",
        )  # fmt: skip
        assert w.keys is not None
        seal_events(
            [event], head=w.head, keys=w.keys, now=w.now
        )  # sealed as written: the sealer's lock is held
        w.head = (event.seq or 0, event.hash)
        w["access"].add(
            (
                event.id,
                event.at,
                user.pk,
                user.username,
                event.agency_code,
                role,
                action,
                "episode",
                event.record_ids,
                "",
                "",
                event.prev_hash,
                event.hash,
                event.seq,
                event.key_id,
                event.sealed_at,
            )
        )


def write_episode(
    rng: random.Random,
    w: Writers,
    chunk: Chunk,
    person: Person,
    reported: datetime,
    ref: str,
    is_open: bool,
    pool: list[Any],
) -> None:
    """One episode and everything that hangs off it."""
    now, force = w.now, chunk.force
    pooled = rng.choice(pool)
    result = pooled[1]
    last_seen = reported - timedelta(hours=rng.uniform(0.5, 8))
    found = last_seen + timedelta(hours=duration_hours(rng))
    closed_at = found + timedelta(hours=rng.uniform(2, 48))
    closed = not is_open and closed_at < now
    found_at = found if closed else None
    harm = (rng.random() > figures.UNHARMED_SHARE) if closed else None
    eid = w["episode"].new_id()
    moves = [("", "reported", reported), ("reported", "active", reported + timedelta(minutes=30))]
    if closed:
        moves += [("active", "found", found), ("found", "closed", closed_at)]
    w["episode"].add((
        eid, force.agency.pk, person.id, ref, "closed" if closed else "active", result["category"],
        result["risk"], reported, last_seen, person.looked_after, "carer" if person.looked_after else "parent",
        f"B{rng.randrange(8):02d}", found_at, rng.choice(("self_returned", "found_by_police", "found_by_carer")) if closed else "",
        harm, closed_at if closed else None, None if closed else schedules.next_review_at(result["risk"], max(reported, now - timedelta(hours=3))),
        reported, closed_at if closed else reported, len(moves), rng.choice(force.homes) if person.looked_after else None,
    ))  # fmt: skip
    _assessments(rng, w, eid, reported, pooled, rng.random() < 0.05)
    _follow_up(rng, w, eid, result["risk"], reported, found_at or now, result["actions"], closed)
    _statuses(w, eid, moves)
    if closed and not person.adult:
        _closed_child(rng, w, force, eid, found, harm)
    _access(w, force, eid, person.id, reported)


def _closed_child(
    rng: random.Random, w: Writers, force: Force, eid: int, found: datetime, harm: bool | None
) -> None:
    """A safe and well check (95%) and the return interview referral, done in time about 65% of the time."""
    if rng.random() < figures.SAFE_AND_WELL_SHARE:
        at = found + timedelta(hours=rng.uniform(1, 20))
        w["safe"].add((w["safe"].new_id(), eid, "PC Synthetic", at, bool(harm), "same_place", True, at))
    in_time = rng.random() < figures.RETURN_INTERVIEW_COMPLETED_IN_TIME_SHARE
    completed = found + timedelta(hours=rng.uniform(12, 72) if in_time else rng.uniform(73, 240))
    w["interview"].add((
        w["interview"].new_id(), eid, force.council.pk, force.interviews.pk, found,
        found + schedules.RETURN_INTERVIEW_DUE, "completed", completed,
    ))  # fmt: skip


def write_chunk(rng: random.Random, w: Writers, chunk: Chunk, pool: list[Any]) -> int:
    """Every person and episode of one force-year; returns the episodes written."""
    seq = 0
    for n, (adult, count, times) in enumerate(chunk.people):
        ref = f"N{chunk.force.index:02d}-{chunk.year}-{n:06d}"
        person = _person(rng, w, chunk.force, ref, count, adult, times[0].date())
        for at in times:
            seq += 1
            eref = f"N{chunk.force.index:02d}-{chunk.year}-{seq:07d}"
            write_episode(rng, w, chunk, person, at, eref, (n, at) in chunk.open_times, pool)
    return seq


def _windows(now: datetime, years: float) -> Iterator[tuple[int, datetime, datetime]]:
    """Year-long windows ending at ``now``, oldest first (the last one may be partial)."""
    start = now - timedelta(days=round(365 * years))
    n = 0
    while start < now:
        end = min(now, start + timedelta(days=365))
        yield n, start, end
        start, n = end, n + 1


def national_seed(
    *,
    years: float = 10,
    forces: int = FORCES,
    scale: float = 1.0,
    seed: int = DEFAULT_SEED,
    now: datetime | None = None,
    progress: Any = None,
) -> dict[str, Any]:
    """Generate and write national synthetic data; returns row counts, timings and the database size.

    Needs a migrated database with no national data. All in one transaction: every row or none.
    """
    now = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
    rng = random.Random(seed)
    started = time.perf_counter()
    with transaction.atomic():
        world = build_forces(rng, forces)
        pool = engine_pool(rng, now)
        w = Writers(now)
        queue = CopyQueue() if connection.vendor == "postgresql" else None
        tables = [model._meta.db_table for model, _ in COLUMNS.values()]
        with LoadMode(tables):
            w.tables = {name: TableWriter(model, cols, now, queue) for name, (model, cols) in COLUMNS.items()}
            sealer_lock()  # no sealer may move the chain's head while this transaction continues it
            w.head, w.keys = chain_head(), load_keys()
            episodes = 0
            for n, start, end in _windows(now, years):
                for force in world:
                    chunk = plan_chunk(rng, force, n, start, end, scale)
                    if end >= now:
                        choose_open(rng, chunk, now)
                    episodes += write_chunk(rng, w, chunk, pool)
                if progress:
                    progress(f"year {n + 1}: {episodes:,} episodes, {time.perf_counter() - started:.0f} s")
            counts = {name: writer.close() for name, writer in w.tables.items()}
            loaded = time.perf_counter()
        if progress:
            progress(
                f"rows written in {loaded - started:.0f} s; indexes and keys rebuilt in {time.perf_counter() - loaded:.0f} s"
            )
    checkpoint_now()  # anchor the chain these events continued, outside the database
    _facts_fill(progress)
    return {
        "counts": counts,
        "seconds": round(time.perf_counter() - started, 1),
        "database_bytes": database_bytes(),
    }


def _facts_fill(progress: Any) -> None:
    """Fill the dashboard's fact table from the new episodes (minutes at full national scale)."""
    from misper.analytics.facts import facts_refresh

    filled = time.perf_counter()
    facts_refresh()
    if progress:
        progress(f"dashboard facts filled in {time.perf_counter() - filled:.0f} s")


def database_bytes() -> int | None:
    """The size of the current database in bytes (PostgreSQL), or None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return int(cursor.fetchone()[0])
