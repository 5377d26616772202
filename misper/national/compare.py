"""What agrees and what differs between two children's records, for the person deciding a review pair.

The words are the reviewer's, not the model's: "The same", "Nearly the same (a typing slip)", "One is a
nickname of the other", "Day and month swapped", "Different", "Not known on one record".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jellyfish

from misper.national.linkage.nicknames import canonical_given_name

SAME = "The same"
CLOSE = "Nearly the same (a typing slip)"
NICKNAME = "One is a nickname of the other"
SWAPPED = "Day and month swapped"
SAME_MONTH = "Same year and month, another day"
SAME_DISTRICT = "Same postcode district, another address"
DIFFERENT = "Different"
NOT_KNOWN = "Not known on one record"
AGREE, CLOSE_KIND, DIFFER, UNKNOWN = "agree", "close", "differ", "unknown"


@dataclass(frozen=True)
class FieldComparison:
    label: str  # "Given name"
    left: str
    right: str
    verdict: str  # the sentence shown
    kind: str  # agree | close | differ | unknown (for the tag colour and the API)


def _clean(value: str) -> str:
    return "".join(ch for ch in value.lower() if ch.isalpha())


def _names(a: str, b: str, nicknames: bool) -> tuple[str, str]:
    ca, cb = _clean(a), _clean(b)
    if not ca or not cb:
        return NOT_KNOWN, UNKNOWN
    if ca == cb:
        return SAME, AGREE
    if nicknames and canonical_given_name(ca) == canonical_given_name(cb):
        return NICKNAME, CLOSE_KIND
    if (
        jellyfish.damerau_levenshtein_distance(ca, cb) <= 1
        or jellyfish.jaro_winkler_similarity(ca, cb) >= 0.92
    ):
        return CLOSE, CLOSE_KIND
    return DIFFERENT, DIFFER


def _dates(a: str, b: str) -> tuple[str, str]:
    if not a or not b:
        return NOT_KNOWN, UNKNOWN
    if a == b:
        return SAME, AGREE
    if len(a) == len(b) == 10 and a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
        return SWAPPED, CLOSE_KIND
    if len(a) == len(b) and jellyfish.damerau_levenshtein_distance(a, b) <= 1:
        return CLOSE, CLOSE_KIND
    if a[:7] == b[:7] and len(a) >= 7 and len(b) >= 7:
        return SAME_MONTH, CLOSE_KIND
    return DIFFERENT, DIFFER


def _plain(a: str, b: str) -> tuple[str, str]:
    if not a or not b or "unknown" in (a, b):
        return NOT_KNOWN, UNKNOWN
    return (SAME, AGREE) if a.lower() == b.lower() else (DIFFERENT, DIFFER)


def _postcode(value: str) -> str:
    return "".join(value.upper().split())


def _addresses(left: Any, right: Any) -> tuple[str, str]:
    pa, pb = _postcode(left.postcode), _postcode(right.postcode)
    if not (pa or left.address_line) or not (pb or right.address_line):
        return NOT_KNOWN, UNKNOWN
    same_line = _clean(left.address_line) == _clean(right.address_line) and bool(_clean(left.address_line))
    if pa and pa == pb:
        return (SAME, AGREE) if same_line or not left.address_line else ("Same postcode", CLOSE_KIND)
    if pa and pb and pa[:-3] == pb[:-3]:
        return SAME_DISTRICT, CLOSE_KIND
    return DIFFERENT, DIFFER


def _address_text(record: Any) -> str:
    return ", ".join(part for part in (record.address_line, record.town, record.postcode) if part)


def fields_compared(left: Any, right: Any) -> list[FieldComparison]:
    """Each field linkage compares, side by side with a verdict; empty when either record is gone."""
    if left is None or right is None:
        return []
    rows = [
        ("Given name", left.given_name, right.given_name, _names(left.given_name, right.given_name, True)),
        (
            "Family name",
            left.family_name,
            right.family_name,
            _names(left.family_name, right.family_name, False),
        ),
        (
            "Date of birth",
            left.date_of_birth,
            right.date_of_birth,
            _dates(left.date_of_birth, right.date_of_birth),
        ),
        ("Sex", left.sex, right.sex, _plain(left.sex, right.sex)),
        ("Address", _address_text(left), _address_text(right), _addresses(left, right)),
    ]
    return [FieldComparison(label, a, b, verdict, kind) for label, a, b, (verdict, kind) in rows]
