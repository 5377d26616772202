"""Builders for misper/1 documents in tests: a plain 15-year-old at home, and ways to add to it."""

import copy
from datetime import datetime, timedelta
from typing import Any

REPORTED_AT = datetime.fromisoformat("2015-07-10T22:30:00+01:00")


def iso(when: datetime) -> str:
    return when.isoformat()


def base_doc(**child: Any) -> dict[str, Any]:
    """A valid document with no risk factor: a 15-year-old at home, first episode, no indicators."""
    doc: dict[str, Any] = {
        "format": "misper/1",
        "child": {
            "ref": "T-1",
            "given_name": "Test",
            "family_name": "Child",
            "date_of_birth": "2000-01-20",
            "sex": "female",
            "looked_after": False,
            "placement": {"type": "home"},
            "vulnerabilities": [],
        },
        "report": {
            "reported_at": iso(REPORTED_AT),
            "last_seen_at": iso(REPORTED_AT - timedelta(hours=3)),
            "reported_by": "parent",
            "circumstances": "Not home at the agreed time.",
            "indicators": [],
        },
        "history": [],
        "associates": [],
    }
    doc["child"].update(child)
    return doc


def with_(doc: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of `doc` with the dotted `path` set to `value` (``child.placement.type``)."""
    out = copy.deepcopy(doc)
    *parents, last = path.split(".")
    target = out
    for key in parents:
        target = target.setdefault(key, {})
    target[last] = value
    return out


def episode(days_before: float, **extra: Any) -> dict[str, Any]:
    """An earlier episode `days_before` the report."""
    return {"reported_at": iso(REPORTED_AT - timedelta(days=days_before)), "category": "missing", **extra}


def episodes(count: int, every_days: float, **extra: Any) -> list[dict[str, Any]]:
    return [episode(every_days * (n + 1), **extra) for n in range(count)]


def dob_for_age(years: int, days_past_birthday: int = 30) -> str:
    """A date of birth making the child `years` old at REPORTED_AT."""
    birthday = REPORTED_AT.date().replace(year=REPORTED_AT.year - years)
    return (birthday - timedelta(days=days_past_birthday)).isoformat()
