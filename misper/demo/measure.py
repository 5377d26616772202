"""Measure a generated plan against the published figures (used by the tests and the docs)."""

from __future__ import annotations

from collections import Counter

from misper.demo.plan import EpisodePlan, Plan


def _children_episodes(plan: Plan) -> list[EpisodePlan]:
    return [e for e in plan.episodes if not plan.children[e.child].is_adult]


def _age(plan: Plan, episode: EpisodePlan) -> int:
    return plan.children[episode.child].age_on(episode.reported_at.date())


def _share(hits: int, total: int) -> float:
    return hits / total if total else 0.0


def figures_achieved(plan: Plan) -> dict[str, float]:
    """Shares and counts comparable with ``misper.demo.figures``."""
    episodes = plan.episodes
    kids = _children_episodes(plan)
    closed = [e for e in episodes if e.found_at is not None]
    durations = [e.duration_hours or 0.0 for e in closed]
    per_child = Counter(e.child for e in kids)
    return {
        "episodes": len(episodes),
        "child_episodes": len(kids),
        "children": len(per_child),
        "adult_episode_share": _share(len(episodes) - len(kids), len(episodes)),
        "age_15_17_share": _share(sum(15 <= _age(plan, e) <= 17 for e in episodes), len(episodes)),
        "under_12_male_share": _sex_share(plan, kids, "male", 0, 11),
        "age_12_17_female_share": _sex_share(plan, kids, "female", 12, 17),
        "from_care_share": _share(sum(e.missing_from_care for e in kids), len(kids)),
        "repeat_episode_share": _repeat_share(kids),
        "repeat_child_share": _share(sum(n > 1 for n in per_child.values()), len(per_child)),
        "max_episodes_per_child": max(per_child.values(), default=0),
        "children_with_20_plus": sum(n >= 20 for n in per_child.values()),
        "found_within_16h_share": _share(sum(d <= 16 for d in durations), len(durations)),
        "found_within_24h_share": _share(sum(d <= 24 for d in durations), len(durations)),
        "unharmed_share": _share(sum(not e.harm_disclosed for e in closed), len(closed)),
        "cse_flagged_episode_share": _flag_share(plan, kids, "cse_risk"),
        "cce_flagged_episode_share": _flag_share(plan, kids, "cce_risk"),
        "out_of_area_children": sum(c.out_of_area for c in plan.children),
        "associates_shared_by_2_plus": shared_associates(plan),
        "open_episodes": sum(e.is_open for e in episodes),
        "under_graded_share": _share(sum(e.assessments[0].under_graded for e in episodes), len(episodes)),
        **grade_mix(kids),
        "trigger_plan_report_share": _reason_share(kids, "trigger_plan"),
        "adult_of_concern_report_share": _reason_share(kids, "associate_of_concern"),
    }


def grade_mix(episodes: list[EpisodePlan]) -> dict[str, float]:
    """The engine's recommendation at report, as shares of children's reports (figures.GRADE_MIX_*)."""
    first = Counter(e.assessments[0].recommended_risk for e in episodes)
    low = first["low"] + first["very_low"] + first["no_apparent_risk"]
    return {
        "recommended_high_share": _share(first["high"], len(episodes)),
        "recommended_medium_share": _share(first["medium"], len(episodes)),
        "recommended_low_share": _share(low, len(episodes)),
    }


def _reason_share(episodes: list[EpisodePlan], code: str) -> float:
    """Share of reports whose recommendation gives ``code`` among its reasons."""
    cited = sum(any(r["code"] == code for r in e.assessments[0].result.get("reasons", [])) for e in episodes)
    return _share(cited, len(episodes))


def _sex_share(plan: Plan, episodes: list[EpisodePlan], sex: str, low: int, high: int) -> float:
    band = [plan.children[e.child].sex for e in episodes if low <= _age(plan, e) <= high]
    known = [s for s in band if s in ("male", "female")]
    return _share(sum(s == sex for s in known), len(known))


def _repeat_share(episodes: list[EpisodePlan]) -> float:
    seen: set[int] = set()
    repeats = 0
    for episode in sorted(episodes, key=lambda e: e.reported_at):
        repeats += episode.child in seen
        seen.add(episode.child)
    return _share(repeats, len(episodes))


def _flag_share(plan: Plan, episodes: list[EpisodePlan], code: str) -> float:
    flagged = sum(
        any(f.code == code and f.is_current(e.reported_at.date()) for f in plan.children[e.child].flags)
        for e in episodes
    )
    return _share(flagged, len(episodes))


def shared_associates(plan: Plan) -> int:
    """How many adults of concern are linked to two or more children."""
    children = Counter(link.associate for link in plan.links if link.of_concern)
    return sum(n >= 2 for n in children.values())
