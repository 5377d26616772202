"""When each person goes missing and for how long: episode times within the window, ending now."""

from __future__ import annotations

from datetime import datetime, timedelta

from misper.demo import calibrate, figures
from misper.demo.context import Gen
from misper.demo.plan import EpisodePlan

# Reports cluster in the late afternoon and evening (NCA: most reports made 15:00-23:00).
HOUR_WEIGHTS = (3, 2, 1.5, 1, 0.7, 0.5, 0.5, 0.7, 1, 1.5, 2, 2, 2.5, 2.5, 3, 4, 5, 6, 7, 7.5, 7, 6, 5, 4)
MIN_GAP_HOURS = 2.0


def place_episodes(gen: Gen, child: int, count: int) -> list[EpisodePlan]:
    """Up to ``count`` non-overlapping episodes for ``child``, clustered in time, none after now.

    Promises episodes in order, each reported after the previous one was found; an episode still
    running at ``gen.now`` has ``found_at`` None (and must be the child's last).
    """
    starts = _report_times(gen, count)
    episodes: list[EpisodePlan] = []
    previous_found: datetime | None = None
    for reported in starts:
        if previous_found is not None and reported < previous_found + timedelta(hours=MIN_GAP_HOURS):
            reported = previous_found + timedelta(hours=gen.rng.uniform(MIN_GAP_HOURS, 48))
        if reported >= gen.now - timedelta(minutes=10):
            break
        found = reported + timedelta(hours=calibrate.duration_hours(gen.rng))
        last_seen = reported - timedelta(hours=gen.rng.uniform(0.3, 5))
        episodes.append(_episode(gen, child, reported, last_seen, found if found < gen.now else None))
        if found >= gen.now:
            break
        previous_found = found
    return episodes


def _episode(
    gen: Gen, child: int, reported: datetime, last_seen: datetime, found: datetime | None
) -> EpisodePlan:
    episode = EpisodePlan(
        key=len(gen.plan.episodes), child=child, reported_at=reported, last_seen_at=last_seen, found_at=found
    )
    gen.plan.episodes.append(episode)
    return episode


def _report_times(gen: Gen, count: int) -> list[datetime]:
    """``count`` report times: a repeat runner's episodes cluster in a span of the window."""
    rng = gen.rng
    window_days = (gen.now - gen.start).total_seconds() / 86400
    span = 0.0 if count == 1 else min(window_days, count * rng.uniform(5, 25))
    first = rng.uniform(0, window_days - span)
    days = sorted(int(first + rng.uniform(0, span)) for _ in range(count))
    return [gen.start + timedelta(days=d, hours=_hour(gen), minutes=rng.randrange(60)) for d in days]


def _hour(gen: Gen) -> int:
    return gen.rng.choices(range(24), weights=HOUR_WEIGHTS)[0]


def balance_open(gen: Gen) -> None:
    """Keep the number of open episodes in the published range (scaled to the run's size).

    Reopens the most recent closed last episodes when there are too few, and closes the oldest
    open ones (found a little before now) when there are too many. Story children are left alone.
    """
    low = max(2, round(figures.OPEN_EPISODES_MIN * gen.scale))
    high = max(low + 1, round(figures.OPEN_EPISODES_MAX * gen.scale))
    lasts = [eps[-1] for c, eps in gen.episodes_by_child.items() if eps and c not in gen.story_children]
    open_ = sorted((e for e in lasts if e.found_at is None), key=lambda e: e.reported_at)
    closed = sorted((e for e in lasts if e.found_at is not None), key=lambda e: e.reported_at, reverse=True)
    for episode in closed[: max(0, low - len(open_))]:
        episode.found_at = None
    for episode in open_[: max(0, len(open_) - high)]:
        episode.found_at = gen.now - timedelta(hours=gen.rng.uniform(0.5, 6))
        if episode.found_at <= episode.reported_at:
            episode.found_at = episode.reported_at + (gen.now - episode.reported_at) / 2
