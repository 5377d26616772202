"""Small sampling helpers that hit a published share on a finite, heavy-tailed data set.

Plain independent draws drift badly when a few children carry 20-40 episodes each, so these
helpers solve for a scaling factor and then repair the draw until the realised share is close.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from misper.demo import figures


def solve_factor(sizes: Sequence[int], propensity: Sequence[float], goal: float, cap: float) -> float:
    """The factor f with sum(size * min(cap, f * propensity)) == goal, by bisection."""
    low, high = 0.0, 1.0
    while _expected(sizes, propensity, high, cap) < goal and high < 1e9:
        high *= 2
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if _expected(sizes, propensity, mid, cap) < goal else (low, mid)
    return (low + high) / 2


def _expected(sizes: Sequence[int], propensity: Sequence[float], f: float, cap: float) -> float:
    return sum(s * min(cap, f * p) for s, p in zip(sizes, propensity, strict=True))


def choose_share(
    rng: random.Random, sizes: Sequence[int], propensity: Sequence[float], target: float, cap: float = 0.95
) -> list[bool]:
    """Choose items so that the chosen items' sizes are about ``target`` of the total.

    Needs non-negative propensities (0 means never chosen). Promises a choice whose size share is
    within about one typical item of the target; items are more likely chosen the higher their
    propensity.
    """
    goal = target * sum(sizes)
    f = solve_factor(sizes, propensity, goal, cap)
    chosen = [rng.random() < min(cap, f * p) for p in propensity]
    got = sum(s for s, c in zip(sizes, chosen, strict=True) if c)
    for i in sorted(range(len(sizes)), key=lambda _: rng.random()):
        gap = goal - got
        if abs(gap) <= 1:
            break
        if gap > 0 and not chosen[i] and propensity[i] > 0 and sizes[i] <= gap:
            chosen[i], got = True, got + sizes[i]
        elif gap < 0 and chosen[i] and sizes[i] <= -gap:
            chosen[i], got = False, got - sizes[i]
    return chosen


def _tail_mean(alpha: float, top: int) -> float:
    weights = [k**-alpha for k in range(2, top + 1)]
    return sum(k * w for k, w in zip(range(2, top + 1), weights, strict=True)) / sum(weights)


def episode_counts(rng: random.Random, children: int, episodes: int) -> list[int]:
    """Episodes per child: about half the children once, the rest a power-law tail up to the maximum.

    Promises ``len(result) == children`` and ``sum(result) == episodes`` (when that is possible).
    """
    top = figures.MAX_EPISODES_PER_CHILD
    repeaters = max(1, round(children * figures.REPEAT_CHILD_SHARE))
    wanted_mean = max(2.0, (episodes - (children - repeaters)) / repeaters)
    low, high = 0.0, 6.0  # _tail_mean falls as alpha rises
    for _ in range(50):
        mid = (low + high) / 2
        low, high = (mid, high) if _tail_mean(mid, top) > wanted_mean else (low, mid)
    ks = list(range(2, top + 1))
    weights = [k**-low for k in ks]
    counts = [1] * (children - repeaters) + rng.choices(ks, weights=weights, k=repeaters)
    _adjust_total(rng, counts, episodes, top)
    rng.shuffle(counts)
    return counts


def _adjust_total(rng: random.Random, counts: list[int], total: int, top: int) -> None:
    """Nudge repeaters' counts by one at a time until they sum to ``total``."""
    repeaters = [i for i, c in enumerate(counts) if c > 1]
    guard = 0
    while sum(counts) != total and repeaters and guard < 100_000:
        guard += 1
        i = rng.choice(repeaters)
        if sum(counts) < total and counts[i] < top:
            counts[i] += 1
        elif sum(counts) > total and counts[i] > 2:
            counts[i] -= 1


def duration_hours(rng: random.Random) -> float:
    """How long an episode lasts, from a log-normal fitted to the NCA figures.

    Fitted so that P(<= 16 h) is FOUND_WITHIN_16H_SHARE and P(<= 24 h) is FOUND_WITHIN_24H_SHARE;
    that leaves about 3% longer than 72 hours.
    """
    z16 = _normal_quantile(figures.FOUND_WITHIN_16H_SHARE)
    z24 = _normal_quantile(figures.FOUND_WITHIN_24H_SHARE)
    sigma = math.log(24 / 16) / (z24 - z16)
    mu = math.log(16) - z16 * sigma
    return max(0.25, min(24 * 60.0, rng.lognormvariate(mu, sigma)))


def _normal_quantile(p: float) -> float:
    """The standard normal quantile, by bisection on erf (accurate enough for calibration)."""
    low, high = -8.0, 8.0
    for _ in range(80):
        mid = (low + high) / 2
        low, high = (mid, high) if 0.5 * (1 + math.erf(mid / math.sqrt(2))) < p else (low, mid)
    return (low + high) / 2
