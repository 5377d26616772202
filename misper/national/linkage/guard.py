"""The household guard: pairs whose only strong evidence is what family members share go to review.

Twins share a surname, an address and a date of birth; siblings share a surname and an address, and
children in one children's home share the address. Splink adds these up as independent evidence, so
two children of one household can score as one child. Only their own details tell them apart, so a pair
is never linked automatically when

- both given names are present and clearly differ (not one name's nicknames, not swapped with the
  family name, not spelled alike: see ``spelled_alike``), or
- neither the given name nor the date of birth positively agrees (say, one given name missing and the
  dates of birth different): nothing personal to the child links them.

Such a pair's probability is capped just under the match threshold, so it waits for a person.
"""

from __future__ import annotations

import jellyfish
import numpy as np
import pandas as pd

# Below this Jaro-Winkler similarity (and not nicknames of one name), two given names are two children.
NAME_SIMILARITY = 0.80


def spelled_alike(a: str, b: str, canon_a: str, canon_b: str) -> bool:
    """True when two given names could be one name typed differently: Jaro-Winkler ≥ 0.80, one typing
    slip (Damerau-Levenshtein ≤ 1: "Ian"/"Ina"), one cut short ("Emm"/"Emma"), or a nickname's full
    form spelled like the other ("Tommy" → thomas, "Thomag")."""
    return (
        jellyfish.jaro_winkler_similarity(a, b) >= NAME_SIMILARITY
        or jellyfish.damerau_levenshtein_distance(a, b) <= 1
        or a.startswith(b)
        or b.startswith(a)
        or jellyfish.jaro_winkler_similarity(canon_a, canon_b) >= NAME_SIMILARITY
    )


def _given_names(frame: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(differ, agree) per pair: both present and clearly different; both present and alike.

    Computed once per distinct pair of names, so a million pairs cost seconds.
    """
    cols = ("given_name", "given_canon", "family_name")
    given, canon, family = (frame[c].to_numpy() for c in cols)
    both = pd.notna(given[left]) & pd.notna(given[right])
    swapped = both & ((given[left] == family[right]) | (given[right] == family[left]))
    names = pd.DataFrame({"a": given[left], "b": given[right], "ca": canon[left], "cb": canon[right]})[both]
    distinct = names.drop_duplicates()
    alike = [ca == cb or spelled_alike(a, b, ca, cb) for a, b, ca, cb in distinct.itertuples(index=False)]
    verdict = names.merge(distinct.assign(alike=alike), how="left", on=["a", "b", "ca", "cb"])["alike"]
    agree = np.zeros(len(left), dtype=bool)
    agree[both] = verdict.to_numpy(dtype=bool)
    agree |= swapped
    return both & ~agree, agree


def _dates_agree(frame: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """True where the dates of birth agree: equal, day and month swapped, the same year and month where
    one is partial, or one typed digit different."""
    dob, swap, ym = (frame[c].to_numpy() for c in ("dob", "dob_swap", "dob_ym"))
    dl, dr = dob[left], dob[right]
    full = pd.notna(dl) & pd.notna(dr)
    agree = full & ((dl == dr) | (swap[left] == dr))
    partial = ~full & pd.notna(ym[left]) & pd.notna(ym[right])
    agree |= partial & (ym[left] == ym[right])
    for i in np.flatnonzero(full & ~agree):
        agree[i] = jellyfish.damerau_levenshtein_distance(dl[i], dr[i]) <= 1
    return agree


def guard_household(frame: pd.DataFrame, pairs: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """``pairs`` with household-only pairs at or above ``threshold`` capped just below it."""
    strong = pairs.index[pairs["probability"] >= threshold]
    if len(strong) == 0:
        return pairs
    left, right = pairs.loc[strong, "left"].to_numpy(), pairs.loc[strong, "right"].to_numpy()
    differ, given_agree = _given_names(frame, left, right)
    hold = differ | ~(given_agree | _dates_agree(frame, left, right))
    guarded = pairs.copy()
    guarded.loc[strong[hold], "probability"] = np.nextafter(threshold, 0)
    return guarded
