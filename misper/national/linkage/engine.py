"""One call from link records to people: prepare, score with the stored model, cluster, list the doubtful."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jellyfish
import numpy as np
import pandas as pd

from misper.national.linkage.cluster import clusters, person_ids
from misper.national.linkage.model import MATCH_THRESHOLD, MODEL_PATH, REVIEW_LOWER, score
from misper.national.linkage.prepare import prepare
from misper.national.linkage.records import LinkRecord

Key = tuple[str, str]  # (source, ref)
# Below this Jaro-Winkler similarity (and not nicknames of one name), two given names are two children.
TWIN_NAME_SIMILARITY = 0.80


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


@dataclass
class LinkOutcome:
    person_ids: list[str]  # one per input record, in order
    doubtful: list[DoubtfulPair] = field(default_factory=list)  # for clerical review


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
) -> LinkOutcome:
    """Link ``records`` into people with the stored model.

    Pairs scoring ≥ ``threshold`` are the same child; pairs between ``lower`` and ``threshold`` that the
    reviewers have not decided are returned as doubtful. Decisions override scores (see cluster.py).
    ``twin_guard`` (on for children) sends pairs with clearly different given names to review.
    """
    keys = [r.key for r in records]
    if len(records) < 2:
        return LinkOutcome(person_ids=person_ids(keys, clusters(len(records), _no_pairs(), threshold)))
    frame = prepare(records)
    pairs = score(frame, model, lower)
    if twin_guard:
        pairs = guard_twins(frame, pairs, threshold)
    same, different = _decision_indexes(keys, decisions)
    cluster_of = clusters(len(records), pairs, threshold, same, different)
    decided = {frozenset(p) for p in (*same, *different)}
    band = pairs[(pairs["probability"] < threshold)]
    doubtful = [
        DoubtfulPair(keys[a], keys[b], float(p))
        for a, b, p in zip(band["left"], band["right"], band["probability"], strict=True)
        if frozenset((a, b)) not in decided
    ]
    return LinkOutcome(person_ids=person_ids(keys, cluster_of), doubtful=doubtful)


def _names_differ(frame: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """True where both given names are present, are not one name's nicknames, are not the other's family
    name (names entered the wrong way round) and are not spelled alike."""
    given, canon, family = (frame[c].to_numpy() for c in ("given_name", "given_canon", "family_name"))
    rows = zip(given[left], given[right], canon[left], canon[right], family[left], family[right], strict=True)
    return np.fromiter(
        (
            a is not None
            and b is not None
            and ca != cb
            and a != fb
            and b != fa
            and jellyfish.jaro_winkler_similarity(a, b) < TWIN_NAME_SIMILARITY
            for a, b, ca, cb, fa, fb in rows
        ),
        dtype=bool,
        count=len(left),
    )


def guard_twins(frame: pd.DataFrame, pairs: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Send pairs whose given names clearly differ to review instead of linking them.

    Twins share a surname, an address and a date of birth; each of those is strong evidence, and the
    model adds them up as if independent, so twins would score as one child. Only the given name tells
    them apart, so a pair that disagrees on it is never linked without a person's decision: its
    probability is capped just under the match threshold.
    """
    strong = pairs.index[pairs["probability"] >= threshold]
    if len(strong) == 0:
        return pairs
    left, right = pairs.loc[strong, "left"].to_numpy(), pairs.loc[strong, "right"].to_numpy()
    differ = _names_differ(frame, left, right)
    capped = pairs.copy()
    capped.loc[strong[differ], "probability"] = np.nextafter(threshold, 0)
    return capped


def _no_pairs() -> pd.DataFrame:
    return pd.DataFrame({"left": [], "right": [], "probability": []})
