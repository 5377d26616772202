"""One call from link records to people: prepare, score with the stored model, cluster, list the doubtful."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pandas as pd

from misper.national.linkage.cluster import clusters, one_record_per_source, person_ids
from misper.national.linkage.guard import guard_household
from misper.national.linkage.model import MATCH_THRESHOLD, MODEL_PATH, SCORE_LOWER, score
from misper.national.linkage.prepare import prepare
from misper.national.linkage.queue import REVIEW_LOWER, review_queue
from misper.national.linkage.records import LinkRecord

Key = tuple[str, str]  # (source, ref)
T = TypeVar("T")


@dataclass(frozen=True)
class Decision:
    """A reviewer's decision on a pair of records: ``same`` True (one child) or False (two children)."""

    left: Key
    right: Key
    same: bool


@dataclass(frozen=True)
class DoubtfulPair:
    left: Key
    right: Key
    probability: float
    weight: int = 1  # record pairs a "same" decision would join (see queue.py)


@dataclass
class LinkOutcome:
    person_ids: list[str]  # one per input record, in order
    doubtful: list[DoubtfulPair] = field(default_factory=list)  # for clerical review
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each stage (for bench/)


def _decision_indexes(
    keys: Sequence[Key], decisions: Iterable[Decision]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    index = {k: i for i, k in enumerate(keys)}
    same: list[tuple[int, int]] = []
    different: list[tuple[int, int]] = []
    for d in decisions:
        if d.left in index and d.right in index:
            (same if d.same else different).append((index[d.left], index[d.right]))
    return same, different


def link(
    records: Sequence[LinkRecord],
    *,
    decisions: Iterable[Decision] = (),
    model: Path = MODEL_PATH,
    threshold: float = MATCH_THRESHOLD,
    lower: float = REVIEW_LOWER,
    twin_guard: bool = True,
    backend: str = "duckdb",
) -> LinkOutcome:
    """Link ``records`` into people with the stored model.

    Pairs scoring ≥ ``threshold`` are the same child; undecided pairs between ``lower`` and ``threshold``
    that join two different people are returned as doubtful, one per pair of people, heaviest first
    (see queue.py). Decisions override scores (see cluster.py).
    ``twin_guard`` (on for children) sends household-only pairs (twins, siblings; see guard.py) to review.
    Two records of one source are not put in one person through a chain of links (see
    ``one_record_per_source``); strong pairs kept apart that way are doubtful too.
    ``backend`` "spark" scores on Splink's Spark backend with the same model (see spark.py).
    ``seconds`` in the outcome holds each stage's wall time.
    """
    keys = [r.key for r in records]
    if len(records) < 2:
        return LinkOutcome(person_ids=person_ids(keys, clusters(len(records), _no_pairs(), threshold)))
    clock = _Clock()
    frame = clock.lap("prepare", prepare(records))
    pairs = clock.lap("score", score(frame, model, min(lower, SCORE_LOWER), backend))
    if twin_guard:
        pairs = clock.lap("guard", guard_household(frame, pairs, threshold))
    same, different = _decision_indexes(keys, decisions)
    cluster_of = clusters(len(records), pairs, threshold, same, different)
    apart = one_record_per_source([k[0] for k in keys], pairs, cluster_of, threshold)
    joined = {frozenset(p) for p in same}
    apart = [p for p in apart if frozenset(p) not in joined]
    if apart:
        cluster_of = clusters(len(records), pairs, threshold, same, [*different, *apart])
    clock.lap("cluster", None)
    decided = {frozenset(p) for p in (*same, *different)}
    queue = review_queue(pairs, cluster_of, threshold, lower, decided)
    doubtful = [
        DoubtfulPair(keys[a], keys[b], float(p), int(w))
        for a, b, p, w in zip(
            queue["left"], queue["right"], queue["probability"], queue["weight"], strict=True
        )
    ]
    ids = clock.lap("person_ids", person_ids(keys, cluster_of))
    return LinkOutcome(person_ids=ids, doubtful=doubtful, seconds=clock.seconds)


class _Clock:
    """Wall time per stage: ``lap(name, value)`` records the time since the last lap and returns value."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str, value: T) -> T:
        now = time.perf_counter()
        self.seconds[name] = round(now - self._last, 2)
        self._last = now
        return value


def _no_pairs() -> pd.DataFrame:
    return pd.DataFrame({"left": [], "right": [], "probability": []})
