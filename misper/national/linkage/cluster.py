"""Clustering scored pairs into people, honouring reviewers' decisions.

Pairs are joined strongest first (connected components at the match threshold). A reviewer's "same"
joins a pair whatever its score; a reviewer's "different" is a cannot-link constraint: a join that would
put two records decided different into one person is skipped, so a "different" decision splits a
cluster even when a chain of other pairs connects them. Components are found in C (scipy); only those
holding a "different" decision are re-clustered pair by pair.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


class _Components:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.apart: dict[int, set[int]] = {}  # root -> roots it must never join

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def keep_apart(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        self.apart.setdefault(ra, set()).add(rb)
        self.apart.setdefault(rb, set()).add(ra)

    def join(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        apart_a = {self.find(x) for x in self.apart.get(ra, ())}
        if rb in apart_a:
            return False
        self.parent[rb] = ra
        merged = apart_a | {self.find(x) for x in self.apart.pop(rb, ())}
        if merged:
            self.apart[ra] = merged
            for other in merged:
                self.apart.setdefault(other, set()).add(ra)
        return True


def _components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected components of ``n`` records joined by the (left, right) edges, in C (scipy)."""
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _constrained(
    n: int, edges: pd.DataFrame, same: list[tuple[int, int]], different: list[tuple[int, int]]
) -> np.ndarray:
    """Join strongest first, skipping joins that would put two records decided different together."""
    components = _Components(n)
    for a, b in different:
        components.keep_apart(a, b)
    for a, b in same:
        components.join(a, b)
    strong = edges.sort_values("probability", ascending=False, kind="stable")
    for a, b in zip(strong["left"].to_numpy(), strong["right"].to_numpy(), strict=True):
        components.join(int(a), int(b))
    return np.fromiter((components.find(i) for i in range(n)), dtype=np.int64, count=n)


def clusters(
    n: int,
    pairs: pd.DataFrame,
    threshold: float,
    same: Iterable[tuple[int, int]] = (),
    different: Iterable[tuple[int, int]] = (),
) -> np.ndarray:
    """A cluster number for each of ``n`` records (the smallest record index in its cluster).

    ``pairs`` has columns left, right, probability. ``same`` and ``different`` are reviewers' decisions
    as record index pairs; they override the scores. Connected components are found in C; only the
    components that hold a "different" decision are re-clustered pair by pair in Python.
    """
    same, different = list(same), list(different)
    strong = pairs[pairs["probability"] >= threshold]
    join_l = np.concatenate([strong["left"].to_numpy(np.int64), [a for a, _ in same]]).astype(np.int64)
    join_r = np.concatenate([strong["right"].to_numpy(np.int64), [b for _, b in same]]).astype(np.int64)
    roots = _components(n, join_l, join_r)
    if different:
        affected = np.unique([roots[a] for a, b in different if roots[a] == roots[b]])
        members = np.flatnonzero(np.isin(roots, affected))
        if len(members):
            local = {int(g): i for i, g in enumerate(members)}
            inside = strong[np.isin(strong["left"], members) & np.isin(strong["right"], members)]
            edges = pd.DataFrame(
                {
                    "left": inside["left"].map(local),
                    "right": inside["right"].map(local),
                    "probability": inside["probability"],
                }
            )
            pick = [(local[a], local[b]) for a, b in same if a in local and b in local]
            apart = [(local[a], local[b]) for a, b in different if a in local and b in local]
            sub = _constrained(len(members), edges, pick, apart)
            roots = roots.astype(np.int64)
            roots[members] = roots.max() + 1 + sub
    return pd.Series(np.arange(n)).groupby(roots).transform("min").to_numpy()


# A source whose records link strongly among themselves for more than this share of its records holds
# duplicates by design (a deduplication set) and is not held to one record per child.
SOURCE_DUPLICATE_RATE = 0.05


def one_record_per_source(
    sources: Sequence[str], pairs: pd.DataFrame, cluster_of: np.ndarray, threshold: float
) -> list[tuple[int, int]]:
    """Pairs of records from one source that a chain of links put in one person: keep them apart.

    A force's return lists each child once (``ref`` is unique within a source), so two of its records in
    one person mean a chain went through a wrong link somewhere. Two records of one source that link
    *directly* at the threshold stay joinable (a force's own duplicate), and a source whose records link
    among themselves for more than 5% of its records is exempt (it holds duplicates by design, like
    FEBRL). The pairs returned go to ``clusters`` as cannot-links, which rejoins the rest strongest first.
    """
    source = pd.Series(sources, dtype=object)
    frame = pd.DataFrame({"cluster": cluster_of, "source": source})
    repeated = frame[frame.duplicated(["cluster", "source"], keep=False)]
    if repeated.empty:
        return []
    strong = pairs[pairs["probability"] >= threshold]
    left, right = strong["left"].to_numpy(np.int64), strong["right"].to_numpy(np.int64)
    inside = source.to_numpy()[left] == source.to_numpy()[right]
    rate = pd.Series(source.to_numpy()[left][inside]).value_counts() / source.value_counts()
    exempt = set(rate.index[rate.fillna(0) > SOURCE_DUPLICATE_RATE])
    direct = {(min(a, b), max(a, b)) for a, b in zip(left[inside], right[inside], strict=True)}
    apart: list[tuple[int, int]] = []
    for (_, name), group in repeated.groupby(["cluster", "source"]):
        if name in exempt:
            continue
        members = group.index.tolist()
        apart += [(a, b) for i, a in enumerate(members) for b in members[i + 1 :] if (a, b) not in direct]
    return apart


def person_ids(keys: Sequence[tuple[str, str]], cluster_of: np.ndarray) -> list[str]:
    """Stable person ids: a short hash of the first (source, ref) in each cluster, sorted.

    The same records linked the same way always get the same ids, so a re-run changes nothing.
    """
    first: dict[int, tuple[str, str]] = {}
    for i, c in enumerate(cluster_of.tolist()):
        key = keys[i]
        if c not in first or key < first[c]:
            first[c] = key
    ids = {c: "P-" + hashlib.sha256(f"{s}\x1f{r}".encode()).hexdigest()[:16] for c, (s, r) in first.items()}
    return [ids[c] for c in cluster_of.tolist()]
