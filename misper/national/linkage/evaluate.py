"""Measuring linkage against known truth: pairwise and cluster-level precision, recall and F1.

Pairwise: every pair of records put in one person is a predicted link; true links are pairs of records of
the same true person. Cluster-level: a predicted person is correct when it holds exactly the records of
one true person; precision is the share of predicted people that are exact, recall the share of true
people recovered exactly. A count of distinct children can look right while clusters are wrong; these
catch that.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float

    def __str__(self) -> str:
        return f"P={self.precision:.4f} R={self.recall:.4f} F1={self.f1:.4f}"


def _scores(true_positive: int, predicted: int, actual: int) -> Scores:
    precision = true_positive / predicted if predicted else 1.0
    recall = true_positive / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1)


def _pairs(counts: Counter) -> int:
    return sum(c * (c - 1) // 2 for c in counts.values())


def pairwise(predicted: Sequence[Hashable], truth: Sequence[Hashable]) -> Scores:
    """Pairwise scores of predicted cluster labels against true labels (one each per record)."""
    both = _pairs(Counter(zip(predicted, truth, strict=True)))
    return _scores(both, _pairs(Counter(predicted)), _pairs(Counter(truth)))


def cluster_level(predicted: Sequence[Hashable], truth: Sequence[Hashable]) -> Scores:
    """Share of predicted clusters that exactly equal a true cluster, and of true clusters recovered."""
    members_p: dict[Hashable, set[int]] = defaultdict(set)
    members_t: dict[Hashable, set[int]] = defaultdict(set)
    for i, (p, t) in enumerate(zip(predicted, truth, strict=True)):
        members_p[p].add(i)
        members_t[t].add(i)
    true_sets = {frozenset(s) for s in members_t.values()}
    exact = sum(1 for s in members_p.values() if frozenset(s) in true_sets)
    return _scores(exact, len(members_p), len(members_t))
