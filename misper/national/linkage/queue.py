"""The clerical review queue, sized for people (issue 18).

A pair waits for a person only when a decision could change something and the model is genuinely
unsure:

- its probability is in the review band, ``REVIEW_LOWER`` ≤ p < the match threshold, or it is a strong
  pair that the one-record-per-source rule kept apart;
- its two records are in **two different people** now: a pair inside one person (linked through other
  pairs) is already settled by those pairs, and a "same" decision on it would change nothing;
- it is the **strongest pair between those two people**: one decision joins or separates two people,
  so the other pairs between them are not shown again (they follow from the decision's re-link).

Each queued pair carries its ``weight``: the number of record pairs a "same" decision would join
(the two people's record counts multiplied). The queue is worked heaviest first — two large clusters
joined wrongly or missed costs most — then most likely first.

``REVIEW_LOWER`` is calibrated on the synthetic tuning seeds (21, 31, 41, 51; docs/linkage.md,
"Review queue"): the lowest band that keeps the queue at or under 5% of the record count with margin.
Pairs below it are decided "different" by the model, as pairs below the old 0.30 always were.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

REVIEW_LOWER = 0.40


def review_queue(
    pairs: pd.DataFrame,
    cluster_of: np.ndarray,
    threshold: float,
    lower: float = REVIEW_LOWER,
    decided: Collection[frozenset[int]] = frozenset(),
) -> pd.DataFrame:
    """The pairs worth a person's decision: columns left, right, probability, weight; heaviest first.

    Two people between whom a reviewer has already decided a pair are not asked about again."""
    left = pairs["left"].to_numpy(np.int64)
    right = pairs["right"].to_numpy(np.int64)
    probability = pairs["probability"].to_numpy()
    cl, cr = cluster_of[left], cluster_of[right]
    apart = cl != cr
    doubtful = apart & ((probability >= lower) | (probability >= threshold))
    if not doubtful.any():
        return pd.DataFrame({"left": [], "right": [], "probability": [], "weight": []})
    sizes = np.bincount(cluster_of)
    queue = pd.DataFrame(
        {
            "left": left[doubtful],
            "right": right[doubtful],
            "probability": probability[doubtful],
            "weight": sizes[cl[doubtful]] * sizes[cr[doubtful]],
            "a": np.minimum(cl, cr)[doubtful],
            "b": np.maximum(cl, cr)[doubtful],
        }
    )
    if decided:
        settled = [frozenset((a, b)) in decided for a, b in zip(queue["left"], queue["right"], strict=True)]
        done = queue.loc[settled, ["a", "b"]].drop_duplicates()
        queue = queue.merge(done.assign(done=True), how="left", on=["a", "b"])
        queue = queue[queue["done"].isna()].drop(columns="done")
    strongest = queue.sort_values("probability", ascending=False, kind="stable").drop_duplicates(["a", "b"])
    ordered = strongest.sort_values(["weight", "probability"], ascending=False, kind="stable")
    return ordered.drop(columns=["a", "b"]).reset_index(drop=True)


def queue_share(queue_pairs: int, records: int) -> float:
    """The queue's size as a share of the records linked (the target is ≤ 0.05)."""
    return queue_pairs / max(1, records)


__all__: Sequence[str] = ("REVIEW_LOWER", "queue_share", "review_queue")
