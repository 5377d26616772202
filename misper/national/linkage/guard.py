"""The household guard: pairs whose only strong evidence is what family members share go to review.

Twins share a surname, an address and a date of birth; siblings share a surname and an address, and
children in one children's home share the address. Splink adds these up as independent evidence, so
two children of one household can score as one child. Only their own details tell them apart, so a pair
is never linked automatically when

- both given names are present and are genuinely different names (see ``same_name``: not one name's
  nicknames, not the names entered the wrong way round, not one name mistyped or cut short or given as
  an initial) and the child's sex is recorded on at least one of the two records, or
- neither the given name nor the date of birth positively agrees (say, one given name missing and the
  dates of birth different): nothing personal to the child links them, and the child's sex is recorded
  on at least one of the two records (as for the names, below), or
- one record has no given name and its links reach two genuinely different given names (a twin's
  nameless record fits both twins): all of its links wait (``_bridges``).

A pair held for its names or for having nothing of the child's own is given ``HELD_PROBABILITY``,
the share of such pairs that are one child on the synthetic tuning seeds (21 and 31: 49 of 329, 15%):
they are kept apart and do not fill the review queue (a twin's pair shows a reviewer nothing the model
has not weighed). A bridging nameless record's pairs (usually one child: 5 of 7) are capped just under
the match threshold, so they wait for a person.

Why sex: a twin is a child, and misper's returns record a child's sex (about 95% of appearances in the
synthetic set; a pair with sex on neither side is 0.25% of pairs). Records with sex on neither side come
from data without the field, such as adult benchmark sets (FEBRL has no sex column), where a different
given name, or a record with only a surname and an address, is far more often a replaced or lost
value than a twin or a sibling; for them the model's score stands (FEBRL3, which has no households: 16 of its true pairs were held
by the second test before it asked for sex).
"""

from __future__ import annotations

import jellyfish
import numpy as np
import pandas as pd

from misper.national.linkage.nicknames import canonical_given_name

# The share of held pairs that are one child on the tuning seeds (see the module docstring).
HELD_PROBABILITY = 0.15
# Below this Jaro-Winkler similarity (and not nicknames of one name), two given names are two children.
NAME_SIMILARITY = 0.80
# Names entered the wrong way round, with a slip: "Rednond Melissa" has Melissa in its family-name field.
SWAP_SIMILARITY = 0.92


def _slips_allowed(a: str, b: str) -> int:
    """One typing slip; two in longer names that start alike ("Vanessa"/"Vansesa", not "James"/"Jones")."""
    return 2 if min(len(a), len(b)) >= 6 and a[0] == b[0] else 1


def same_name(a: str, b: str, canon_a: str, canon_b: str) -> bool:
    """True when two given names could be one name written differently: one canonical name through the
    nickname table, Jaro-Winkler ≥ 0.80, typing slips (Damerau-Levenshtein ≤ 1, or ≤ 2 in names of six
    letters or more that start alike: see ``_slips_allowed``), one cut short or given as an initial
    ("Emm"/"Emma", "J"/"James"), or a nickname's full form spelled like the other ("Tommy" → thomas,
    "Thomag")."""
    return (
        canon_a == canon_b
        or jellyfish.jaro_winkler_similarity(a, b) >= NAME_SIMILARITY
        or jellyfish.damerau_levenshtein_distance(a, b) <= _slips_allowed(a, b)
        or a.startswith(b)
        or b.startswith(a)
        or jellyfish.jaro_winkler_similarity(canon_a, canon_b) >= NAME_SIMILARITY
    )


def _swap_alike(a: object, b: object) -> bool:
    return (
        isinstance(a, str)
        and isinstance(b, str)
        and (
            canonical_given_name(a) == canonical_given_name(b)
            or jellyfish.jaro_winkler_similarity(a, b) >= SWAP_SIMILARITY
        )
    )


def _swapped(given_a: str, family_a: object, given_b: str, family_b: object, given_like: set[str]) -> bool:
    """Record a has its names the wrong way round compared with b.

    Both halves agreeing is a swap (the surname allowing a slip, the given name anything ``same_name``
    allows). The child's own half alone (a's family-name field holds b's given
    name, the surname having changed) is a swap only when that name is used more as a given name than a
    family name in the input: in "Julie Black" / "Black Catherine" the shared name is the household's
    surname, so they are two sisters.
    """
    if not isinstance(family_a, str):
        return False
    if _swap_alike(given_a, family_b):
        return same_name(family_a, given_b, canonical_given_name(family_a), canonical_given_name(given_b))
    return _swap_alike(family_a, given_b) and given_b in given_like


AGREE, DIFFER, UNKNOWN = 1, 0, -1


def _compare(a: str, b: str, ca: str, cb: str, fa: object, fb: object, given_like: set[str]) -> int:
    """One pair of given names (with their canonical forms and the records' family names)."""
    if same_name(a, b, ca, cb) or _swapped(a, fa, b, fb, given_like) or _swapped(b, fb, a, fa, given_like):
        return AGREE
    if (fa is None and _swap_alike(a, fb)) or (fb is None and _swap_alike(b, fa)):
        return UNKNOWN  # "Ward" alone, in the given-name field: a surname, no given name
    return DIFFER


def _given_names(frame: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(differ, agree) per pair: both present and genuinely different names; both present and alike.

    Computed once per distinct pair of names, so a million pairs cost seconds.
    """
    cols = ("given_name", "given_canon", "family_name")
    given, canon, family = (frame[c].to_numpy() for c in cols)
    both = pd.notna(given[left]) & pd.notna(given[right])
    names = pd.DataFrame(
        {"a": given[left], "b": given[right], "ca": canon[left], "cb": canon[right],
         "fa": family[left], "fb": family[right]}
    )[both]  # fmt: skip
    distinct = names.drop_duplicates()
    as_given, as_family = frame["given_name"].value_counts(), frame["family_name"].value_counts()
    given_like = set(as_given.index[as_given > as_family.reindex(as_given.index, fill_value=0)])
    verdicts = [_compare(*row, given_like) for row in distinct.itertuples(index=False)]
    verdict = names.merge(distinct.assign(verdict=verdicts), how="left", on=list(names.columns))["verdict"]
    result = np.full(len(left), UNKNOWN)
    result[both] = verdict.to_numpy()
    return result == DIFFER, result == AGREE


def _sex_recorded(frame: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    sex = frame["sex"].to_numpy()
    return pd.notna(sex[left]) | pd.notna(sex[right])


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


def _bridges(frame: pd.DataFrame, left: np.ndarray, right: np.ndarray, hold: np.ndarray) -> np.ndarray:
    """Pairs touching a record without a given name whose remaining links reach two genuinely different
    given names (one side with sex recorded, as for the name test).

    A twin's record with no given name matches both twins equally well; linking it would merge them, so
    all of its links wait for a person.
    """
    given, canon = frame["given_name"].to_numpy(), frame["given_canon"].to_numpy()
    sexed = pd.notna(frame["sex"].to_numpy())
    kept = ~hold
    nameless_l = kept & pd.isna(given[left]) & pd.notna(given[right])
    nameless_r = kept & pd.isna(given[right]) & pd.notna(given[left])
    edges = pd.DataFrame(
        {"record": np.concatenate([left[nameless_l], right[nameless_r]]),
         "other": np.concatenate([right[nameless_l], left[nameless_r]])}
    )  # fmt: skip
    ambiguous: set[int] = set()
    for record, others in edges.groupby("record")["other"]:
        names = {(given[o], canon[o], bool(sexed[o])) for o in others}
        if len(names) > 1 and any(
            (sa or sb) and not same_name(a, b, ca, cb)
            for (a, ca, sa) in names
            for (b, cb, sb) in names
            if a < b
        ):
            ambiguous.add(int(record))
    if not ambiguous:
        return np.zeros(len(left), dtype=bool)
    marked = np.array(sorted(ambiguous))
    return np.isin(left, marked) | np.isin(right, marked)


def guard_household(frame: pd.DataFrame, pairs: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """``pairs`` with household-only pairs at or above ``threshold`` held: set to ``HELD_PROBABILITY``, or
    capped just below the threshold for a bridging nameless record's pairs (those wait for a person)."""
    strong = pairs.index[pairs["probability"] >= threshold]
    if len(strong) == 0:
        return pairs
    left, right = pairs.loc[strong, "left"].to_numpy(), pairs.loc[strong, "right"].to_numpy()
    differ, given_agree = _given_names(frame, left, right)
    sexed = _sex_recorded(frame, left, right)
    hold = sexed & (differ | ~(given_agree | _dates_agree(frame, left, right)))
    bridge = _bridges(frame, left, right, hold) & ~hold
    guarded = pairs.copy()
    guarded.loc[strong[hold], "probability"] = HELD_PROBABILITY
    guarded.loc[strong[bridge], "probability"] = np.nextafter(threshold, 0)
    return guarded
