"""Monthly multi-agency missing panels for the demo force: who was discussed, who came, what was decided
and the actions agencies took away (``partners.Meeting`` and ``MeetingAction``).

A panel sits on the second Tuesday of each month in the window. It discusses the children the panel
list would have shown that day (``misper.partners.panels.panel_list``): reported missing in the 30 days
before and graded high then, or missing 3 or more times in 90 days; high risk first, then the most
episodes, at most ``PER_PANEL`` (scaled) with room kept for repeat runners. Runs last, so it draws on the generator's seeded RNG without
changing anything generated before it.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import UTC, date, datetime, timedelta

from misper.demo import world
from misper.demo.context import Gen
from misper.demo.plan import ChildPlan, EpisodePlan, MeetingActionPlan, MeetingPlan

# The panel list's rule (misper.partners.panels and misper.episodes.selectors), kept here so the
# generator stays free of Django.
PANEL_WINDOW = timedelta(days=30)
REPEAT_WINDOW = timedelta(days=90)
REPEAT_THRESHOLD = 3
PER_PANEL = 10
HIGH_SHARE = 0.6
MAX_ACTIONS = 8  # misper.partners.panels.MAX_ACTIONS
COMPLETED_SHARE = 0.8
EXPLOITATION = frozenset({"cse_risk", "cce_risk"})
EDUCATION = "Demoshire Education Welfare Service"
HEALTH = "Demoshire Integrated Care Board (safeguarding nurse)"


def second_tuesday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(1 - first.weekday()) % 7 + 7)


def panel_days(start: date, end: date) -> list[date]:
    """The second Tuesday of every month from ``start`` to ``end`` (both inclusive)."""
    days, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        day = second_tuesday(year, month)
        if start <= day <= end:
            days.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def _at(day: date) -> datetime:
    """The panel sits at 10:00 (UTC, like every datetime in the plan)."""
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


def _candidates(gen: Gen, day: date, reported: dict[int, list[datetime]]) -> list[tuple[int, int, bool]]:
    """(child key, episodes in 90 days, high risk in 30 days) for the children on that day's panel list."""
    at = _at(day)
    out = []
    for key, times in reported.items():
        lo90, lo30 = bisect_left(times, at - REPEAT_WINDOW), bisect_left(times, at - PANEL_WINDOW)
        hi = bisect_left(times, at)
        if hi == lo30:  # not missing in the last 30 days
            continue
        recent = gen.child_episodes(key)[lo30:hi]
        high = any(e.risk == "high" for e in recent)
        if high or hi - lo90 >= REPEAT_THRESHOLD:
            out.append((key, hi - lo90, high))
    return sorted(out, key=lambda c: (not c[2], -c[1], c[0]))


def _agenda(candidates: list[tuple[int, int, bool]], limit: int) -> list[tuple[int, int, bool]]:
    """High-risk children first, but keep room for the repeat runners: at most 60% high risk when
    there are repeat runners to discuss."""
    high = [c for c in candidates if c[2]]
    repeat = [c for c in candidates if not c[2]]
    take_high = high[: max(1, round(limit * HIGH_SHARE))] if repeat else high[:limit]
    chosen = take_high + repeat[: limit - len(take_high)]
    chosen += high[len(take_high) : len(take_high) + limit - len(chosen)]
    return sorted(chosen, key=lambda c: (not c[2], -c[1], c[0]))


def _attendees(gen: Gen, children: list[ChildPlan]) -> list[dict[str, str]]:
    fake = gen.fake
    names = {a.code: a.name for a in gen.plan.agencies}
    agencies = [names[world.FORCE], names[world.HOME_LA], names[world.RHI_PROVIDER], EDUCATION, HEALTH]
    agencies += sorted({names[c.care_provider] for c in children if c.care_provider})[:2]
    placing = {names[c.placing_authority] for c in children if c.placing_authority}
    agencies += sorted(placing - {names[world.HOME_LA]})[:1]
    return [{"name": f"{fake.first_name()} {fake.last_name()}", "agency": a} for a in agencies]


def _reason(child: ChildPlan, count: int, high: bool) -> str:
    why = "graded high risk in the last month" if high else f"missing {count} times in 90 days"
    return f"{child.given_name} {child.family_name} ({child.ref}): {why}"


def _action(gen: Gen, child: ChildPlan, episodes: list[EpisodePlan], day: date) -> MeetingActionPlan:
    """One action about the child, owned by the agency that would carry it out."""
    name = child.preferred_name or child.given_name
    la = child.placing_authority or world.HOME_LA
    exploited = any(f.code in EXPLOITATION and f.is_current(day) for f in child.flags)
    last = episodes[-1] if episodes else None
    ri = last.return_interview if last else None
    if exploited:
        text, owner = (
            f"Share intelligence on {name}'s contacts with the exploitation (MACE) panel",
            world.FORCE,
        )
    elif ri is not None and ri.status in ("declined", "not_possible"):
        text, owner = f"Offer {name} a second return interview with a worker they trust", ri.provider or la
    elif child.care_provider:
        text, owner = f"Agree a trigger plan review with {name}'s care home", child.care_provider
    else:
        text, owner = f"Visit {name} at home and review the child in need plan", la
    due = day + timedelta(days=gen.rng.choice((14, 21, 28)))
    done = None
    if gen.rng.random() < COMPLETED_SHARE:
        done = day + timedelta(days=gen.rng.randint(3, (due - day).days + 7))
    return MeetingActionPlan(text, owner, due, done if done and done < gen.now.date() else None)


def build_meetings(gen: Gen) -> None:
    """A panel for each month of the window with anyone to discuss; needs the episodes graded."""
    reported = {
        c.key: [e.reported_at for e in gen.child_episodes(c.key)]
        for c in gen.plan.children
        if not c.is_adult and gen.child_episodes(c.key)
    }
    limit = max(2, round(PER_PANEL * min(gen.scale, 1.0)))
    for day in panel_days(gen.start.date() + timedelta(days=30), gen.now.date()):
        chosen = _agenda(_candidates(gen, day, reported), limit)
        if not chosen:
            continue
        children = [gen.child(key) for key, _, _ in chosen]
        reasons = "; ".join(_reason(gen.child(k), n, h) for k, n, h in chosen)
        decisions = (
            f"Discussed {len(chosen)} children from the panel list: {reasons}. "
            "Trigger plans checked for each; return interview findings shared with the police."
        )
        actions = [
            _action(gen, gen.child(k), [e for e in gen.child_episodes(k) if e.reported_at < _at(day)], day)
            for k, _, _ in chosen[:MAX_ACTIONS]
        ]
        gen.plan.meetings.append(
            MeetingPlan(
                "panel", day, [k for k, _, _ in chosen], _attendees(gen, children), decisions, actions
            )
        )
