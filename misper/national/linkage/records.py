"""Reading linkage input: one misper/1 document per line, checked only for what linkage needs.

The risk engine's full validation is not applied: a national return may carry a partial date of birth
("2009-05" or "2009") or none at all, which the engine refuses but linkage can still use.

Every record is kept (issue 18). A malformed field — a date of birth like "1967-02-73", a sex of "x",
a name that is not text — is treated as missing for comparison, its sound parts kept (the year and
month of that date, and the date's raw text for the one-digit comparison), and reported as a *problem*
with its line number. Only a line that is not a JSON object, or that has no identity at all (no force
code or no child reference, so no output row could name it), is a *reject*. A reference used twice by
one force is kept too: the force says it is one child, so the second line gets the first line's person.
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
NOT_TEXT = "'{field}' must be text."
DOB_INVALID = "'child.date_of_birth' must be a date like 2009-05-14, or partial like 2009-05 or 2009."
SEX_INVALID = "'child.sex' must be female, male, other or unknown."
ADDRESS_NOT_OBJECT = "'address' must be an object with line, town and postcode."
NO_NAME_OR_DOB = "Enter at least a name or a date of birth for the child."
DOB_PARTLY_USED = " It was compared as {used}."
DOB_NOT_USED = " It was left out of the comparison."
REF_REPEATED = "The reference {ref} is already used for force {source} on line {line}: given the same person."
NOT_USED = " It was left out of the comparison."

SEXES = frozenset({"female", "male", "other", "unknown"})
_DOB = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DOB_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class LinkRecord:
    """What linkage uses about one child in one force's return."""

    source: str
    ref: str
    given_name: str | None = None
    family_name: str | None = None
    date_of_birth: str | None = None  # "YYYY-MM-DD", "YYYY-MM" or "YYYY": only sound dates
    sex: str | None = None
    address_line: str | None = None
    town: str | None = None
    postcode: str | None = None
    # A malformed full date's raw text ("1967-02-73"), compared digit by digit; None otherwise.
    date_of_birth_text: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.ref)


@dataclass
class Reject:
    line: int
    errors: list[str]
    text: str


@dataclass
class Problem:
    """A malformed field in a kept record: treated as missing (or partly used), never a reason to drop."""

    line: int
    message: str


@dataclass
class Repeat:
    """A line whose (source, ref) an earlier line already used: it takes that record's person."""

    line: int
    record: LinkRecord
    index: int  # of the earlier record in ``ReadResult.records``


@dataclass
class ReadResult:
    records: list[LinkRecord] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the input line number of each record
    rejects: list[Reject] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    repeats: list[Repeat] = field(default_factory=list)


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


def _text(obj: dict[str, Any], key: str, label: str, problems: list[str]) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        problems.append(NOT_TEXT.format(field=label) + NOT_USED)
        return None
    return value.strip() or None


def sound_date_parts(value: str) -> str | None:
    """The longest sound prefix of a malformed date: "1967-02-73" -> "1967-02", "1967-13-01" -> "1967"."""
    for candidate in (value[:7], value[:4]):
        if dob_is_valid(candidate):
            return candidate
    return None


def _date_fields(value: str | None, problems: list[str]) -> dict[str, str | None]:
    if not value or dob_is_valid(value):
        return {"date_of_birth": value, "date_of_birth_text": None}
    used = sound_date_parts(value)
    problems.append(DOB_INVALID + (DOB_PARTLY_USED.format(used=used) if used else DOB_NOT_USED))
    return {"date_of_birth": used, "date_of_birth_text": value if _DOB_SHAPE.match(value) else None}


def _child_fields(child: dict[str, Any], problems: list[str]) -> dict[str, str | None]:
    fields = {
        "ref": _text(child, "ref", "child.ref", problems),
        "given_name": _text(child, "given_name", "child.given_name", problems),
        "family_name": _text(child, "family_name", "child.family_name", problems),
        **_date_fields(_text(child, "date_of_birth", "child.date_of_birth", problems), problems),
        "sex": _text(child, "sex", "child.sex", problems),
    }
    if fields["sex"] and fields["sex"] not in SEXES:
        problems.append(SEX_INVALID + NOT_USED)
        fields["sex"] = None
    if not (fields["given_name"] or fields["family_name"] or fields["date_of_birth"]):
        problems.append(NO_NAME_OR_DOB)
    return fields


def _address_fields(doc: dict[str, Any], problems: list[str]) -> dict[str, str | None]:
    address = doc.get("address") or {}
    if not isinstance(address, dict):
        problems.append(ADDRESS_NOT_OBJECT + NOT_USED)
        address = {}
    return {
        "address_line": _text(address, "line", "address.line", problems),
        "town": _text(address, "town", "address.town", problems),
        "postcode": _text(address, "postcode", "address.postcode", problems),
    }


@dataclass
class Checked:
    """One document checked: the record (None when it is a reject), why it was rejected, and problems."""

    record: LinkRecord | None
    errors: list[str]
    problems: list[str] = field(default_factory=list)


def check_document(doc: Any) -> Checked:
    """Check one parsed document. Rejected only without a force code or child reference (no identity)."""
    if not isinstance(doc, dict):
        return Checked(None, [NOT_OBJECT])
    errors: list[str] = []
    problems: list[str] = []
    source = _text(doc, "source", "source", errors)
    if not source:
        errors.append(SOURCE_MISSING)
    child = doc.get("child")
    if not isinstance(child, dict):
        return Checked(None, [*errors, CHILD_MISSING])
    fields = {**_child_fields(child, problems), **_address_fields(doc, problems)}
    if not fields["ref"]:
        errors.append(REF_MISSING)
    if errors:
        return Checked(None, [*errors, *problems])
    return Checked(LinkRecord(source=source, **fields), [], problems)  # type: ignore[arg-type]


def record_from_document(doc: Any) -> tuple[LinkRecord | None, list[str]]:
    """``check_document`` without the problems: the record, or None and why it was rejected."""
    checked = check_document(doc)
    return checked.record, checked.errors


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
    """Read JSONL linkage input. Every line with an identity becomes a record (or a repeat of one);
    only lines that are not JSON objects or have no identity are rejects."""
    result = ReadResult()
    seen: dict[tuple[str, str], int] = {}
    for number, text in numbered_lines(lines):
        doc, errors = parse_line(text)
        checked = Checked(None, errors) if errors else check_document(doc)
        record = checked.record
        if record is None:
            result.rejects.append(Reject(line=number, errors=checked.errors, text=text.rstrip("\n")))
            continue
        result.problems += [Problem(number, message) for message in checked.problems]
        if record.key in seen:
            first = seen[record.key]
            line = result.lines[first]
            result.problems.append(
                Problem(number, REF_REPEATED.format(ref=record.ref, source=record.source, line=line))
            )
            result.repeats.append(Repeat(number, record, first))
            continue
        seen[record.key] = len(result.records)
        result.records.append(record)
        result.lines.append(number)
    return result
