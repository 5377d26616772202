"""Reading linkage input: one misper/1 document per line, checked only for what linkage needs.

The risk engine's full validation is not applied: a national return may carry a partial date of birth
("2009-05" or "2009") or none at all, which the engine refuses but linkage can still use. A line that
fails these light checks is reported by its line number and skipped; the rest are linked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# Plain-English messages, shown on stderr and in the rejects file.
NOT_JSON = "The line is not valid JSON."
NOT_OBJECT = "The line must be a JSON object (a misper/1 document)."
SOURCE_MISSING = "Enter the force code in 'source'."
CHILD_MISSING = "Enter the child in 'child'."
REF_MISSING = "Enter the child's reference in 'child.ref'."
REF_DUPLICATE = "The reference {ref} is already used for force {source} on line {line}."
NOT_TEXT = "'{field}' must be text."
DOB_INVALID = "'child.date_of_birth' must be a date like 2009-05-14, or partial like 2009-05 or 2009."
SEX_INVALID = "'child.sex' must be female, male, other or unknown."
ADDRESS_NOT_OBJECT = "'address' must be an object with line, town and postcode."
NO_NAME_OR_DOB = "Enter at least a name or a date of birth for the child."

SEXES = frozenset({"female", "male", "other", "unknown"})
_DOB = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class LinkRecord:
    """What linkage uses about one child in one force's return."""

    source: str
    ref: str
    given_name: str | None = None
    family_name: str | None = None
    date_of_birth: str | None = None  # "YYYY-MM-DD", "YYYY-MM" or "YYYY"
    sex: str | None = None
    address_line: str | None = None
    town: str | None = None
    postcode: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.ref)


@dataclass
class Reject:
    line: int
    errors: list[str]
    text: str


@dataclass
class ReadResult:
    records: list[LinkRecord] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the input line number of each record
    rejects: list[Reject] = field(default_factory=list)


def dob_is_valid(value: str) -> bool:
    """True for a real full date, a year and month, or a year, between 1900 and 2100."""
    match = _DOB.match(value)
    if not match:
        return False
    year, month, day = (int(g) if g else None for g in match.groups())
    if not 1900 <= year <= 2100 or (month is not None and not 1 <= month <= 12):  # type: ignore[operator]
        return False
    if day is not None:
        try:
            date(year, month, day)  # type: ignore[arg-type]
        except ValueError:
            return False
    return True


def _text(obj: dict[str, Any], key: str, label: str, errors: list[str]) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        errors.append(NOT_TEXT.format(field=label))
        return None
    return value.strip() or None


def _child_fields(child: dict[str, Any], errors: list[str]) -> dict[str, str | None]:
    fields = {
        "ref": _text(child, "ref", "child.ref", errors),
        "given_name": _text(child, "given_name", "child.given_name", errors),
        "family_name": _text(child, "family_name", "child.family_name", errors),
        "date_of_birth": _text(child, "date_of_birth", "child.date_of_birth", errors),
        "sex": _text(child, "sex", "child.sex", errors),
    }
    if not fields["ref"]:
        errors.append(REF_MISSING)
    if fields["date_of_birth"] and not dob_is_valid(fields["date_of_birth"]):
        errors.append(DOB_INVALID)
    if fields["sex"] and fields["sex"] not in SEXES:
        errors.append(SEX_INVALID)
    if not (fields["given_name"] or fields["family_name"] or fields["date_of_birth"]):
        errors.append(NO_NAME_OR_DOB)
    return fields


def _address_fields(doc: dict[str, Any], errors: list[str]) -> dict[str, str | None]:
    address = doc.get("address") or {}
    if not isinstance(address, dict):
        errors.append(ADDRESS_NOT_OBJECT)
        address = {}
    return {
        "address_line": _text(address, "line", "address.line", errors),
        "town": _text(address, "town", "address.town", errors),
        "postcode": _text(address, "postcode", "address.postcode", errors),
    }


def record_from_document(doc: Any) -> tuple[LinkRecord | None, list[str]]:
    """Check one parsed document. Returns the record, or None and the plain-English errors."""
    if not isinstance(doc, dict):
        return None, [NOT_OBJECT]
    errors: list[str] = []
    source = _text(doc, "source", "source", errors)
    if not source:
        errors.append(SOURCE_MISSING)
    child = doc.get("child")
    if not isinstance(child, dict):
        return None, [*errors, CHILD_MISSING]
    fields = {**_child_fields(child, errors), **_address_fields(doc, errors)}
    if errors:
        return None, errors
    return LinkRecord(source=source, **fields), []  # type: ignore[arg-type]


def parse_line(text: str) -> tuple[Any, list[str]]:
    """Parse one line of JSON; returns the document or the error."""
    try:
        return json.loads(text), []
    except (json.JSONDecodeError, RecursionError):
        return None, [NOT_JSON]


def numbered_lines(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """Non-blank lines with their 1-based line numbers."""
    for number, text in enumerate(lines, start=1):
        if text.strip():
            yield number, text


def read_records(lines: Iterable[str]) -> ReadResult:
    """Read JSONL linkage input. Every usable line becomes a record; every other line a reject."""
    result = ReadResult()
    seen: dict[tuple[str, str], int] = {}
    for number, text in numbered_lines(lines):
        doc, errors = parse_line(text)
        record = None
        if not errors:
            record, errors = record_from_document(doc)
        if record is not None and record.key in seen:
            errors = [REF_DUPLICATE.format(ref=record.ref, source=record.source, line=seen[record.key])]
        if errors or record is None:
            result.rejects.append(Reject(line=number, errors=errors, text=text.rstrip("\n")))
            continue
        seen[record.key] = number
        result.records.append(record)
        result.lines.append(number)
    return result
