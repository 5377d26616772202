"""What partners agree and are told: trigger plans for frequent runners, notices of out-of-area placements."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from misper.demo import figures, world
from misper.demo.context import Gen
from misper.demo.plan import ChildPlan, PlacementNoticePlan, TriggerPlanPlan

FIRST_PLAN_AFTER = 3  # a plan is agreed after the third episode
SECOND_PLAN_AFTER = 8  # and revised after the eighth
NOTICE_SHARE = 0.85  # HMIC 2016: forces were often not told of children placed on their patch
EXPLOITATION = frozenset({"cse_risk", "cce_risk"})
AGENCY_NAMES = {a.code: a.name for a in world.build_agencies()}


def build_trigger_plans(gen: Gen) -> None:
    """A versioned trigger plan for each exploited child missing 3+ times, and for the most frequent other
    runners (figures.TRIGGER_PLAN_MIN_EPISODES): HMIC 2016 found trigger plans the exception, not the rule."""
    for child in gen.plan.children:
        eps = gen.child_episodes(child.key)
        exploited = any(f.code in EXPLOITATION for f in child.flags)
        needed = FIRST_PLAN_AFTER if exploited else figures.TRIGGER_PLAN_MIN_EPISODES
        if child.is_adult or child.key in gen.story_children or len(eps) < needed:
            continue
        if exploited and gen.rng.random() >= figures.TRIGGER_PLAN_EXPLOITED_SHARE:
            continue
        agreed = _after(gen, eps[FIRST_PLAN_AFTER - 1].found_at)
        if agreed is None:
            continue
        first = trigger_plan(gen, child, 1, agreed, "high" if exploited else "medium")
        if len(eps) > SECOND_PLAN_AFTER:
            revised = _after(gen, eps[SECOND_PLAN_AFTER - 1].found_at)
            if revised is not None:
                first.superseded_at = _midday(revised)
                trigger_plan(gen, child, 2, revised, "high" if exploited else "medium")


def _after(gen: Gen, found: datetime | None) -> date | None:
    if found is None:
        return None
    day = found.date() + timedelta(days=gen.rng.randint(3, 14))
    return day if day < gen.now.date() else None


def _midday(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def trigger_plan(
    gen: Gen, child: ChildPlan, version: int, agreed: date, minimum_risk: str
) -> TriggerPlanPlan:
    """Add and return a trigger plan agreed on ``agreed`` by police, the council and any provider."""
    la = child.placing_authority or world.HOME_LA
    agencies = [world.FORCE, la, *([child.care_provider] if child.care_provider else [])]
    places = [
        gen.plan.locations[link.location].name or gen.plan.locations[link.location].address_line
        for link in child.places
    ]
    name = child.preferred_name or child.given_name
    actions = [
        f"Call {name}'s mobile {child.phone or 'via carers'} and send a text.",
        f"Check: {', '.join(places[:3])}.",
        "Tell the emergency duty team on 01632 960199 out of hours.",
        "If found with an adult, consider a child abduction warning notice.",
    ]
    plan = TriggerPlanPlan(
        child=child.key,
        version=version,
        minimum_risk=minimum_risk,
        actions=actions,
        agreed_by="; ".join(AGENCY_NAMES[a] for a in agencies),
        agencies=agencies,
        agreed_on=agreed,
        review_on=agreed + timedelta(days=90),
    )
    gen.plan.trigger_plans.append(plan)
    return plan


def current_trigger_plan(plans: list[TriggerPlanPlan], at: datetime) -> TriggerPlanPlan | None:
    """The plan in force at ``at``: agreed by then and not yet superseded."""
    current = None
    for plan in plans:
        if _midday(plan.agreed_on) <= at and (plan.superseded_at is None or plan.superseded_at > at):
            current = plan
    return current


def build_placement_notices(gen: Gen) -> None:
    """Most out-of-area placements come with a notice from the placing authority."""
    rng = gen.rng
    for child in gen.plan.children:
        if not child.out_of_area or child.placing_authority is None or rng.random() > NOTICE_SHARE:
            continue
        starts = child.placed_since or gen.start.date()
        acknowledged = _midday(starts + timedelta(days=rng.randint(1, 6))) if rng.random() < 0.9 else None
        risks = ", ".join(f.code.replace("_", " ") for f in child.flags) or "None known"
        gen.plan.placement_notices.append(
            PlacementNoticePlan(
                child=child.key,
                placing_authority=child.placing_authority,
                host_authority=child.host_authority,
                host_force=world.FORCE,
                placement_type=child.placement_type,
                placement=child.placement_location,
                starts_on=starts,
                ends_on=None,
                known_risks=f"Known risks: {risks}.",
                acknowledged_at=acknowledged if acknowledged and acknowledged < gen.now else None,
            )
        )
