"""Generate a synthetic police force's missing-person records: pure Python, deterministic per seed.

``generate_plan(seed=…, years=…, scale=…, now=…)`` returns a ``Plan`` of plain dataclasses; the
loader (``misper.demo.loader``) writes it. The distributions follow the published figures in
``misper.demo.figures``; the steps are:

1. the fixed world (``world``): the force, its neighbours, councils, providers, towns and places;
2. two story children (``stories``) with documented references for demonstrations;
3. episode counts per person with a long tail (``calibrate``), and their times (``timeline``);
4. who the people are (``people``): age band, sex, care status, vulnerabilities, aliases;
5. the adults around them (``networks``) and partners' plans and notices (``partnering``);
6. each report, how it ended and the misper/1 document graded by the real engine (``reporting``);
7. what was done after (``followup``): reviews, actions, safe and well, return interviews, status;
8. the monthly multi-agency missing panels (``panels``): children discussed, attendees, actions.

Same seed, scale and ``now`` give the same plan.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from faker import Faker

from misper.demo import calibrate, figures, followup, panels, partnering, people, stories, timeline, world
from misper.demo.context import Gen
from misper.demo.networks import build_networks
from misper.demo.plan import AssessmentPlan, ChildPlaceLink, ChildPlan, EpisodePlan, Plan, TriggerPlanPlan
from misper.demo.reporting import Links, decide_outcomes, fill_reports, grade, history_entry, misper_document
from misper.risk.binding import floors_broken

DEFAULT_SEED = 2016
ADULT_AGE_BANDS = (((18, 25), 0.5), ((26, 50), 0.35), ((51, 85), 0.15))
REGRADE_SHARE = 0.05
PENDING_APPROVALS = 2


def generate_plan(
    *, seed: int = DEFAULT_SEED, years: float = 1.0, scale: float = 1.0, now: datetime | None = None
) -> Plan:
    """A whole synthetic force: ``years`` of episodes ending at ``now``, ``scale`` times a typical force.

    Needs ``years`` > 0 and ``scale`` > 0 (tests use small scales). Promises a deterministic plan
    for the same arguments, with every datetime timezone-aware UTC.
    """
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(second=0, microsecond=0)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    plan = Plan(force=world.FORCE, local_authority=world.HOME_LA, now=now, agencies=world.build_agencies())
    places = world.Places(rng, fake, plan.locations)
    places.build_fixed()
    gen = Gen(rng, fake, now, now - timedelta(days=round(365 * years)), plan, places, scale)
    stories.add_stories(gen)
    _add_people(gen, years)
    timeline.balance_open(gen)
    _describe_people(gen)
    stories.link_to_networks(gen)
    partnering.build_trigger_plans(gen)
    partnering.build_placement_notices(gen)
    links = Links(plan.links)
    fill_reports(gen, links)
    decide_outcomes(gen, links)
    _grade_and_follow_up(gen, links)
    _supervise_open(gen)
    _number(plan.episodes)
    panels.build_meetings(gen)  # last: it draws from the RNG after everything else is settled
    return plan


def _add_people(gen: Gen, years: float) -> None:
    """Children and adults with episode counts, age bands and episode times."""
    scale = gen.scale
    n_children = max(4, round(figures.CHILDREN_PER_YEAR * years * scale))
    child_episodes = max(n_children, round(figures.CHILD_EPISODES_PER_YEAR * years * scale))
    counts = calibrate.episode_counts(gen.rng, n_children, child_episodes)
    bands = people.assign_bands(gen, list(range(n_children)), counts)
    adult_episodes = round(child_episodes * figures.ADULT_EPISODE_SHARE / (1 - figures.ADULT_EPISODE_SHARE))
    adult_counts = _adult_counts(gen, adult_episodes)
    todo = [(bands[i], c) for i, c in enumerate(counts)] + [("adult", c) for c in adult_counts]
    for n, (band, count) in enumerate(todo, start=1):
        person = people.new_person(gen, band, f"C-{n:06d}")
        gen.episodes_by_child[person.key] = timeline.place_episodes(gen, person.key, count)
        if not gen.episodes_by_child[person.key]:  # everything fell after now: report it just before
            gen.episodes_by_child[person.key] = _one_recent(gen, person.key)
        person.date_of_birth = _birth_date(gen, person, band)


def _adult_counts(gen: Gen, total: int) -> list[int]:
    people_count = max(1, round(total / figures.ADULT_EPISODES_PER_PERSON))
    counts = [1] * people_count
    for _ in range(max(0, total - people_count)):
        counts[gen.rng.randrange(people_count)] += 1
    return counts


def _one_recent(gen: Gen, key: int) -> list[EpisodePlan]:
    reported = gen.now - timedelta(hours=gen.rng.uniform(30, 200))
    found = reported + timedelta(hours=gen.rng.uniform(1, 20))
    episode = EpisodePlan(
        key=len(gen.plan.episodes),
        child=key,
        reported_at=reported,
        last_seen_at=reported - timedelta(hours=1),
        found_at=found,
    )
    gen.plan.episodes.append(episode)
    return [episode]


def _birth_date(gen: Gen, person: ChildPlan, band: str) -> date:
    if band == "adult":
        (low, high), _ = gen.rng.choices(ADULT_AGE_BANDS, weights=[w for _, w in ADULT_AGE_BANDS])[0]
        return people.birth_date(gen, person.key, low, high)
    low, high = people.BAND_AGES[band]
    return people.birth_date(gen, person.key, low, high)


def _describe_people(gen: Gen) -> None:
    """Care status, vulnerabilities, aliases and the adults around each person."""
    generic = [c for c in gen.plan.children if c.key not in gen.story_children]
    children = [c.key for c in generic if not c.is_adult]
    sizes = [len(gen.child_episodes(k)) for k in children]
    people.assign_care(gen, children, sizes)
    people.add_exploitation_flags(gen, children, sizes)
    for person in generic:
        if person.is_adult:
            people.place_at_home(gen, person)
        people.add_other_flags(gen, person)
        people.add_aliases(gen, person)
        if person.home_location is not None and gen.rng.random() < 0.6:
            person.places.append(_frequented(gen))
    build_networks(gen)


def _frequented(gen: Gen) -> ChildPlaceLink:
    return ChildPlaceLink(gen.rng.choice(gen.places.public), "frequented", "Hangs around here with friends")


def _grade_and_follow_up(gen: Gen, links: Links) -> None:
    """For each person in time order: grade each report with its history, then follow it up."""
    plans: dict[int, list[TriggerPlanPlan]] = defaultdict(list)
    for trigger in gen.plan.trigger_plans:
        plans[trigger.child].append(trigger)
    for person in gen.plan.children:
        history: list[dict[str, object]] = []
        for episode in gen.child_episodes(person.key):
            doc = misper_document(gen, episode, history, links, plans[person.key])  # type: ignore[arg-type]
            _grade_initial(gen, episode, doc, person)
            followup.add_reviews(gen, episode)
            _maybe_regrade(gen, episode, doc, person)
            current = partnering.current_trigger_plan(plans[person.key], episode.reported_at)
            followup.add_actions(gen, episode, current.actions if current else [])
            followup.settle_status(gen, episode)
            followup.add_safe_and_well(gen, episode)
            followup.add_return_interview(gen, episode, person)
            history.append(history_entry(gen, episode))


def _grade_initial(gen: Gen, episode: EpisodePlan, doc: dict[str, object], person: ChildPlan) -> None:
    at = min(episode.reported_at + timedelta(minutes=gen.rng.randint(5, 40)), gen.now)
    assessment = grade(gen, doc, adult=person.is_adult, kind="initial", at=at)  # type: ignore[arg-type]
    if assessment.under_graded or assessment.graded_risk == "high":
        assessment.approval_status = "approved"
        assessment.decided_at = min(at + timedelta(minutes=gen.rng.randint(15, 90)), gen.now)
        assessment.decision_note = "Agreed with the grading and the plan."
    episode.assessments.append(assessment)
    episode.category, episode.risk = assessment.graded_category, assessment.graded_risk


NEW_INFORMATION = ("victim_of_crime_suspected", "with_adult_of_concern", "crime_suspected")


def _maybe_regrade(gen: Gen, episode: EpisodePlan, doc: dict[str, object], person: ChildPlan) -> None:
    """Now and then a review brings new information and a fresh grading."""
    review = next((r for r in episode.reviews if gen.rng.random() < REGRADE_SHARE), None)
    if review is None:
        return
    report = dict(doc["report"])  # type: ignore[call-overload]
    extra = [c for c in NEW_INFORMATION if c not in report["indicators"]]
    report["indicators"] = sorted([*report["indicators"], gen.rng.choice(extra)])
    assessment = grade(
        gen,
        {**doc, "report": report},
        adult=person.is_adult,
        kind="new_information",  # type: ignore[arg-type]
        at=review.reviewed_at,
        allow_under_grading=False,
        as_of=review.reviewed_at,
    )
    episode.assessments.append(assessment)
    review.regraded, review.assessment = True, len(episode.assessments) - 1
    episode.category, episode.risk = assessment.graded_category, assessment.graded_risk


def _supervise_open(gen: Gen) -> None:
    """Open cases: owners, some reviews overdue, a couple of gradings waiting for a supervisor."""
    open_eps = sorted((e for e in gen.plan.episodes if e.is_open), key=lambda e: e.reported_at)
    waiting = 0
    for n, episode in enumerate(open_eps):
        episode.owner = episode.owner or ("demo-officer" if n % 2 == 0 else None)
        if n % 3 == 1 and episode.next_review_at is not None:
            episode.next_review_at = gen.now - timedelta(minutes=gen.rng.randint(20, 180))
        if waiting < PENDING_APPROVALS and episode.assessments:
            waiting += _await_supervisor(episode.assessments[-1])


RISK_STEPS = ("very_low", "low", "medium", "high")
PENDING_RATIONALE = "Carer says she is with a friend and will be back tonight; we think medium is enough."


def _await_supervisor(assessment: AssessmentPlan) -> bool:
    """Make an assessment an operator's grade one step below the recommendation, waiting for a supervisor;
    False (nothing changed) where that would go below a floor that binds people."""
    step = RISK_STEPS.index(assessment.recommended_risk) if assessment.recommended_risk in RISK_STEPS else 0
    lower = RISK_STEPS[max(step - 1, 0)]
    if step == 0 or floors_broken(assessment.result, assessment.recommended_category, lower):
        return False  # only a duty inspector may go below it
    assessment.graded_category = assessment.recommended_category
    assessment.graded_risk = RISK_STEPS[max(step - 1, 0)]
    assessment.under_graded = True
    assessment.rationale = PENDING_RATIONALE.replace("medium", assessment.graded_risk.replace("_", " "))
    assessment.approval_status, assessment.decided_at, assessment.decision_note = "pending", None, ""
    return True


def _number(episodes: list[EpisodePlan]) -> None:
    """References like DEM-2026-000123, numbered in report order within each year."""
    per_year: dict[int, int] = defaultdict(int)
    for episode in sorted(episodes, key=lambda e: (e.reported_at, e.key)):
        year = episode.reported_at.year
        per_year[year] += 1
        episode.reference = f"DEM-{year}-{per_year[year]:06d}"
