"""The report of each episode, how it ended, and the misper/1 document the engine grades."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from misper.demo import assessing, calibrate, figures, texts, world
from misper.demo.context import Gen
from misper.demo.networks import associate_address
from misper.demo.partnering import current_trigger_plan
from misper.demo.plan import AssessmentPlan, ChildPlan, EpisodePlan, LinkPlan, TriggerPlanPlan
from misper.risk.binding import floors_broken

CARE_HOMES = frozenset({"residential_home", "secure"})
# Chance of each indicator on a report, before the child's own record adds more.
BASE_INDICATORS = {
    "family_conflict": 0.12, "school_problems": 0.05, "bullying": 0.03, "preparations_made": 0.04,
    "contact_established": 0.22, "whereabouts_believed_known": 0.22, "victim_of_crime_suspected": 0.01,
    "crime_suspected": 0.03, "adverse_weather": 0.03, "harm_at_home_suspected": 0.01,
    "online_contact_with_stranger": 0.01, "plans_to_travel_abroad": 0.003, "abduction_suspected": 0.002,
    "danger_to_public": 0.003, "suicidal_ideation": 0.01,
}  # fmt: skip
# Indicators made likely by something on the child's record.
RECORD_INDICATORS = {
    "self_harm": ("suicidal_ideation", 0.15),
    "needs_medication": ("missed_medication", 0.3),
    "online_grooming_risk": ("online_contact_with_stranger", 0.25),
    "honour_based_abuse_risk": ("forced_marriage_risk", 0.2),
}


class Links:
    """A child's adults, looked up by child key."""

    def __init__(self, links: list[LinkPlan]) -> None:
        self.by_child: dict[int, list[LinkPlan]] = defaultdict(list)
        for link in links:
            self.by_child[link.child].append(link)

    def known_at(self, child: int, at: datetime) -> list[LinkPlan]:
        return [link for link in self.by_child[child] if link.noted_on <= at.date()]

    def of_concern_at(self, child: int, at: datetime) -> list[LinkPlan]:
        return [link for link in self.known_at(child, at) if link.of_concern]


def fill_reports(gen: Gen, links: Links) -> None:
    """Where each child went missing from, who reported it, the circumstances and indicators."""
    for episode in gen.plan.episodes:
        child = gen.child(episode.child)
        setting = _setting(gen, child)
        episode.missing_from = (
            None if setting == "school" else (child.placement_location or child.home_location)
        )
        if episode.missing_from is not None:
            episode.beat = gen.plan.locations[episode.missing_from].beat
        episode.missing_from_care = child.looked_after
        episode.reporter_type, episode.reporter_name = _reporter(gen, child, setting)
        episode.reporter_phone = world.drama_landline(gen.rng)
        concerned = bool(links.of_concern_at(child.key, episode.reported_at)) or _exploited(child, episode)
        episode.indicators = _indicators(gen, child, episode, concerned)
        hint = gen.rng.random() < (0.5 if concerned else 0.04)
        episode.circumstances = texts.circumstances(gen.rng, setting, hint)


def _setting(gen: Gen, child: ChildPlan) -> str:
    if not child.is_adult and gen.rng.random() < 0.06:
        return "school"
    if not child.looked_after:
        return "home"
    return "care" if child.placement_type in CARE_HOMES | {"supported_living"} else "foster"


def _reporter(gen: Gen, child: ChildPlan, setting: str) -> tuple[str, str]:
    fake, rng = gen.fake, gen.rng
    if rng.random() < 0.04:
        return rng.choice((("public", fake.name()), ("other", fake.name())))
    if setting == "school":
        return "school", f"{fake.name()} (school safeguarding lead)"
    if setting == "care" and child.placement_type in CARE_HOMES:
        home = gen.plan.locations[child.placement_location or 0].name
        return "care_home", f"{fake.name()} ({home})"
    if setting in ("care", "foster"):
        return "carer", fake.name()
    return "parent", f"{fake.first_name()} {child.family_name}"


def _exploited(child: ChildPlan, episode: EpisodePlan) -> bool:
    day = episode.reported_at.date()
    return any(f.code in ("cse_risk", "cce_risk") and f.is_current(day) for f in child.flags)


def _indicators(gen: Gen, child: ChildPlan, episode: EpisodePlan, concerned: bool) -> list[str]:
    rng = gen.rng
    chosen = {code for code, p in BASE_INDICATORS.items() if rng.random() < p}
    codes = {f.code for f in child.flags if f.is_current(episode.reported_at.date())}
    for flag, (indicator, p) in RECORD_INDICATORS.items():
        if flag in codes and rng.random() < p:
            chosen.add(indicator)
    if concerned and rng.random() < 0.3:
        chosen.add("with_adult_of_concern")
    if episode is gen.child_episodes(child.key)[0] and rng.random() < 0.25:
        chosen.add("out_of_character")
    if child.is_adult or child.looked_after:
        chosen.discard("family_conflict")
    return sorted(chosen)


def decide_outcomes(gen: Gen, links: Links) -> None:
    """Where and with whom each found child was found, how they came back, and harm disclosed.

    Harm is chosen so that about 4% of episodes disclose harm (NCA: ~96% unharmed), most often
    for exploited children and those found with an adult of concern.
    """
    cache: dict[int, int] = {}
    closed = [e for e in gen.plan.episodes if e.found_at is not None]
    for episode in closed:
        if episode.child not in gen.story_children:
            _found(gen, episode, links, cache)
        else:
            _story_found(gen, episode, cache)
    generic = [e for e in closed if e.child not in gen.story_children]
    propensity = [
        1 + 3 * _exploited(gen.child(e.child), e) + 4 * (e.found_with_associate is not None) for e in generic
    ]
    harmed = calibrate.choose_share(gen.rng, [1] * len(generic), propensity, 1 - figures.UNHARMED_SHARE)
    for episode, harm in zip(generic, harmed, strict=True):
        episode.harm_disclosed = harm
    for episode in closed:
        episode.harm_disclosed = bool(episode.harm_disclosed)
        if episode.harm_disclosed:
            episode.offences_identified = texts.pick(gen.rng, texts.HARM)


def _story_found(gen: Gen, episode: EpisodePlan, cache: dict[int, int]) -> None:
    if episode.found_with_associate is not None:
        episode.found_location = associate_address(gen, episode.found_with_associate, cache)
    else:
        episode.found_location = gen.places.public[0]
    episode.return_method = "found_by_police"


def _found(gen: Gen, episode: EpisodePlan, links: Links, cache: dict[int, int]) -> None:
    rng, places = gen.rng, gen.places
    concern = links.of_concern_at(episode.child, episode.reported_at)
    if concern and rng.random() < 0.3:
        link = rng.choice(concern)
        adult = gen.plan.associates[link.associate]
        episode.found_with_associate = link.associate
        episode.found_with = f"With {adult.given_name} {adult.family_name}, an adult of concern"
        episode.found_location = associate_address(gen, link.associate, cache)
        episode.return_method = "found_by_police"
        return
    roll = rng.random()
    if roll < 0.4 and episode.missing_from is not None:
        episode.found_location, episode.return_method = episode.missing_from, "self_returned"
    elif roll < 0.93:
        episode.found_location = rng.choice(places.public)
        episode.return_method = rng.choice(("found_by_police", "found_by_carer", "self_returned"))
    else:
        episode.found_location, episode.return_method = rng.choice(places.away_public), "found_by_police"
    if rng.random() < 0.2:
        episode.found_with = rng.choice(("With friends of the same age", "With a cousin", "Alone"))


def misper_document(
    gen: Gen, episode: EpisodePlan, history: list[dict[str, Any]], links: Links, plans: list[TriggerPlanPlan]
) -> dict[str, Any]:
    """The misper/1 document for ``episode`` as the force knew it when the report was made."""
    child = gen.child(episode.child)
    at = episode.reported_at
    record: dict[str, Any] = {
        "ref": child.ref,
        "given_name": child.given_name,
        "family_name": child.family_name,
        "date_of_birth": child.date_of_birth.isoformat(),
        "sex": child.sex,
        "looked_after": child.looked_after,
        "placement": _placement(child),
        "vulnerabilities": sorted({f.code for f in child.flags if f.is_current(at.date())}),
    }
    plan = current_trigger_plan(plans, at)
    if plan is not None:
        record["trigger_plan"] = {"minimum_risk": plan.minimum_risk, "actions": plan.actions}
    return {
        "format": "misper/1",
        "source": world.FORCE,
        "child": record,
        "report": {
            "reported_at": at.isoformat(),
            "last_seen_at": episode.last_seen_at.isoformat(),
            "reported_by": episode.reporter_type,
            "circumstances": episode.circumstances,
            "indicators": list(episode.indicators),
        },
        "history": list(history),
        "associates": [_associate(gen, link, at) for link in links.known_at(child.key, at)],
    }


def _placement(child: ChildPlan) -> dict[str, Any]:
    if not child.looked_after:
        return {"type": child.placement_type}
    return {
        "type": child.placement_type,
        "placing_authority": child.placing_authority or "",
        "host_authority": child.host_authority or "",
        "out_of_area": child.out_of_area,
    }


def _associate(gen: Gen, link: LinkPlan, at: datetime) -> dict[str, Any]:
    adult = gen.plan.associates[link.associate]
    cawn = any(
        c.associate == link.associate and c.child == link.child and c.issued_on <= at.date()
        for c in gen.plan.cawns
    )
    return {
        "relationship": link.relationship,
        "age": adult.age_on(at.date()),
        "flags": list(adult.flags),
        "cawn_issued": cawn,
    }


def history_entry(gen: Gen, episode: EpisodePlan) -> dict[str, Any]:
    """How an earlier episode appears in a later report's history."""
    entry: dict[str, Any] = {
        "reported_at": episode.reported_at.isoformat(),
        "category": episode.category,
        "risk": episode.risk,
    }
    if episode.found_at is not None:
        entry["duration_hours"] = round(episode.duration_hours or 0.0, 2)
        entry["harm_disclosed"] = bool(episode.harm_disclosed)
        entry["found_with_adult_of_concern"] = episode.found_with_associate is not None
        if episode.found_location is not None:
            location = gen.plan.locations[episode.found_location]
            entry["found_location"] = location.name or location.address_line
    return entry


def grade(
    gen: Gen,
    doc: dict[str, Any],
    *,
    adult: bool,
    kind: str,
    at: datetime,
    allow_under_grading: bool = True,
    as_of: datetime | None = None,
) -> AssessmentPlan:
    """Run the engine on ``doc``, pick the operator's grade (sometimes one step lower), run it again.

    Promises an assessment whose ``inputs`` carry the operator's grading and whose ``result`` is
    exactly what the engine returned for them.
    """
    first = assessing.assess(doc, adult=adult, now=as_of)
    recommended = first["risk"]
    lower = assessing.one_step_lower(recommended)
    under = (
        allow_under_grading
        and recommended in ("low", "medium", "high")
        and (gen.rng.random() < figures.UNDER_GRADED_SHARE)
        # As in the services: nobody but a duty inspector grades below a floor that binds people.
        and not floors_broken(first, first["category"], lower)
    )
    operator = {
        "category": first["category"],
        "risk": lower if under else recommended,
    }
    inputs = {**doc, "operator_grading": operator}
    result = assessing.assess(inputs, adult=adult, now=as_of)
    policy = result.get("policy", {})
    return AssessmentPlan(
        kind=kind,
        created_at=at,
        policy_name=str(policy.get("name", "")),
        policy_version=str(policy.get("version", "")),
        inputs=inputs,
        result=result,
        recommended_category=result["category"],
        recommended_risk=result["risk"],
        immediacy=result["immediacy"],
        seriousness=result["seriousness"],
        graded_category=operator["category"],
        graded_risk=operator["risk"],
        rationale=texts.pick(gen.rng, texts.RATIONALES) if under else "",
        under_graded=bool(result.get("under_graded")),
    )
