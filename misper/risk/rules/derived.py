"""Rules the engine derives from the child's record, history and associates (not ticked boxes)."""

from dataclasses import replace

from misper.risk.facts import Facts
from misper.risk.policy import Effect, Policy
from misper.risk.rules.base import APP, DFE, HMIC, Rule
from misper.risk.vocab import RISK_RANK, RISKS


def _young_age(facts: Facts, policy: Policy) -> str | None:
    floor = policy.age_floor_for(facts.age_years)
    if floor is None:
        return None
    return (
        f"aged {facts.age_years} when reported (under {floor.under_years}, floor {RISKS[floor.minimum_risk]})"
    )


def _young_age_effect(facts: Facts, policy: Policy, effect: Effect) -> Effect:
    floor = policy.age_floor_for(facts.age_years)
    assert floor is not None  # only called when the rule applies
    immediacy = effect.immediacy if floor.immediacy is None else max(effect.immediacy or 0, floor.immediacy)
    return replace(effect, risk_floor=max(effect.risk_floor or 0, floor.minimum_risk), immediacy=immediacy)


def _repeat(facts: Facts, policy: Policy) -> str | None:
    limits = policy.thresholds
    count = facts.episodes_window + 1  # this report is one of the episodes
    if count < limits.repeat_episodes:
        return None
    return (
        f"this is episode {count} in {limits.repeat_window_days} days "
        f"(repeat from {limits.repeat_episodes}); {facts.episodes_total} earlier episodes in all"
    )


def _trigger_plan(facts: Facts, policy: Policy) -> str | None:
    plan = facts.trigger_plan
    if plan is None:
        return None
    evidence = "child.trigger_plan is in place"
    if "minimum_risk" in plan:
        evidence += f" with minimum risk {plan['minimum_risk']}"
    if plan.get("actions"):
        evidence += f"; its actions: {'; '.join(plan['actions'])}"
    return evidence


def _trigger_plan_effect(facts: Facts, policy: Policy, effect: Effect) -> Effect:
    assert facts.trigger_plan is not None  # only called when the rule applies
    minimum = facts.trigger_plan.get("minimum_risk")
    if minimum is None:
        return effect
    return replace(effect, risk_floor=max(effect.risk_floor or 0, RISK_RANK[minimum]))


def _listing(items: tuple[str, ...], what: str) -> str | None:
    return f"{what}: {', '.join(items)}" if items else None


def _previous_harm(facts: Facts, policy: Policy) -> str | None:
    return _listing(facts.harm_episodes, "harm disclosed after an earlier episode")


def _found_with_adult(facts: Facts, policy: Policy) -> str | None:
    return _listing(facts.found_with_adult_episodes, "found with an adult of concern after")


def _associates(facts: Facts, policy: Policy) -> str | None:
    return "; ".join(facts.associates_of_concern) or None


def _from_care(facts: Facts, policy: Policy) -> str | None:
    if not facts.looked_after:
        return None
    return f"looked after, placement: {facts.placement_type or 'not given'}"


def _out_of_area(facts: Facts, policy: Policy) -> str | None:
    return facts.out_of_area


def _long_history(facts: Facts, policy: Policy) -> str | None:
    hours = policy.thresholds.history_long_duration_hours
    return _listing(facts.long_episodes, f"earlier episodes of {hours:g} hours or more")


def _long_now(facts: Facts, policy: Policy) -> str | None:
    hours = policy.thresholds.long_missing_hours
    if facts.hours_missing <= hours:
        return None
    return f"missing for {facts.hours_missing:.0f} hours since last seen (more than {hours:g})"


DERIVED_RULES: tuple[Rule, ...] = (
    Rule(
        "young_age", "young_age", "child",
        "Young children cannot keep themselves safe, so a young child is never graded below the "
        "policy's floor for their age.",
        APP, _young_age, _young_age_effect,
    ),
    Rule(
        "repeat_missing", "repeat_missing", "history",
        "Going missing again and again is a sign of harm, such as exploitation, even when each "
        "episode looks minor.",
        HMIC, _repeat,
    ),
    Rule(
        "trigger_plan", "trigger_plan", "child",
        "Partners have agreed a trigger plan for this child; its minimum risk grade is a floor.",
        HMIC, _trigger_plan, _trigger_plan_effect,
    ),
    Rule(
        "previous_harm", "previous_harm", "history",
        "The child said they were harmed during an earlier episode, so they may be harmed again.",
        DFE, _previous_harm,
    ),
    Rule(
        "found_with_adult_of_concern", "associate_of_concern", "history",
        "The child was found with an adult of concern after an earlier episode.",
        HMIC, _found_with_adult,
    ),
    Rule(
        "associate_of_concern", "associate_of_concern", "associates",
        "The child associates with someone of concern: a person flagged to police, an adult served "
        "a child abduction warning notice, an adult with a child under 16 or in care, or a much "
        "older boyfriend or partner.",
        HMIC, _associates,
    ),
    Rule(
        "missing_from_care", "missing_from_care", "child",
        "Children missing from care are more at risk of exploitation; the placing authority must be told.",
        DFE, _from_care,
    ),
    Rule(
        "out_of_area_placement", "out_of_area_placement", "child",
        "The child is placed away from their home area, away from people they know, where they "
        "are more at risk of exploitation.",
        HMIC, _out_of_area,
    ),
    Rule(
        "long_duration", "long_duration", "history",
        "Earlier episodes lasted a long time; the longer a child is missing, the more likely harm is.",
        HMIC, _long_history,
    ),
    Rule(
        "long_duration_now", "long_duration", "report",
        "The child has been missing for a long time now; the UK Missing Persons Unit must be told.",
        APP, _long_now,
    ),
)  # fmt: skip

POLICY_FLOOR_TEXT = "A floor raised the grade above what immediacy and seriousness alone give."
POLICY_FLOOR_SOURCE = HMIC
