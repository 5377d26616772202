"""Check a misper/1 document against the published schema, then check what a schema cannot say.

The schema (compiled once with fastjsonschema) checks shape, types and codes. Python then parses
the dates and checks their order: the child is born on or before the report and is under 18,
the child was last seen no later than the report, and every earlier episode comes before it; and a
risk question listed in ``indicators`` is not answered otherwise in ``answers``.
Every error names the field it is about.
"""

import functools
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

import fastjsonschema

from misper.risk.errors import InvalidDocument
from misper.risk.vocab import FORMAT, load_schema

ADULT_AGE = 18
_FORMAT_HINTS = {
    "date": "is not a date in the form YYYY-MM-DD",
    "date-time": "is not a date and time with a UTC offset, such as 2015-07-10T22:30:00+01:00",
}


class ParsedDocument(NamedTuple):
    """A valid document with its dates parsed. Every datetime is timezone-aware."""

    doc: dict[str, Any]
    date_of_birth: date
    reported_at: datetime
    last_seen_at: datetime | None
    history_reported_at: tuple[datetime, ...]


def inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    """`node` with every local ``{"$ref": "#/$defs/x"}`` replaced by the definition itself.

    The published schema keeps its ``$defs`` for readers; the validator is compiled from the
    inlined copy because fastjsonschema then generates straight-line code instead of a function
    call per reference, which more than halves validation time. The schema has no recursion.
    """
    if isinstance(node, dict):
        if "$ref" in node:
            return inline_refs(defs[node["$ref"].removeprefix("#/$defs/")], defs)
        return {key: inline_refs(value, defs) for key, value in node.items() if key != "$defs"}
    if isinstance(node, list):
        return [inline_refs(item, defs) for item in node]
    return node


@functools.cache
def _schema_validator() -> Callable[[Any], Any]:
    schema = load_schema()
    validator: Callable[[Any], Any] = fastjsonschema.compile(inline_refs(schema, schema["$defs"]))
    return validator


def field_path(parts: Sequence[str]) -> str:
    """Render ``["data", "child", "vulnerabilities", "1"]`` as ``child.vulnerabilities[1]``."""
    out = ""
    for part in parts[1:]:
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out or "$"


def _schema_error(exc: fastjsonschema.JsonSchemaValueException) -> InvalidDocument:
    parts = list(exc.path)
    definition: dict[str, Any] = exc.definition or {}
    value = exc.value
    if exc.rule == "required" and isinstance(value, dict):
        missing = next(key for key in definition["required"] if key not in value)
        return InvalidDocument(field_path([*parts, missing]), "is required")
    if exc.rule == "additionalProperties" and isinstance(value, dict):
        extra = sorted(set(value) - set(definition.get("properties", {})))[0]
        return InvalidDocument(field_path([*parts, extra]), "is not a misper/1 field")
    if exc.rule == "enum":
        allowed = ", ".join(definition["enum"])
        return InvalidDocument(field_path(parts), f"unknown code {value!r}; expected one of: {allowed}")
    if exc.rule == "const":
        return InvalidDocument(field_path(parts), f"must be {definition['const']!r}")
    if exc.rule == "format" and definition.get("format") in _FORMAT_HINTS:
        return InvalidDocument(field_path(parts), _FORMAT_HINTS[definition["format"]])
    name = exc.name or ""
    message = exc.message[len(name) :].strip() if exc.message.startswith(name) else exc.message
    return InvalidDocument(field_path(parts), message)


def _datetime(value: str, field: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidDocument(field, _FORMAT_HINTS["date-time"]) from None
    if parsed.tzinfo is None:
        raise InvalidDocument(field, "must include a UTC offset, such as +01:00 or Z")
    return parsed


def _date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidDocument(field, _FORMAT_HINTS["date"]) from None


def age_in_years(born: date, on: date) -> int:
    """Whole years between `born` and `on` (a child born on 29 February ages on 1 March)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _check_child_dates(born: date, reported_at: datetime) -> None:
    if born > datetime.now(UTC).date():
        raise InvalidDocument("child.date_of_birth", "is in the future")
    if born > reported_at.date():
        raise InvalidDocument("child.date_of_birth", "is after report.reported_at")
    if age_in_years(born, reported_at.date()) >= ADULT_AGE:
        raise InvalidDocument("child.date_of_birth", "makes the person 18 or over at report.reported_at")


def _history_times(history: list[dict[str, Any]], reported_at: datetime, born: date) -> list[datetime]:
    times = []
    for index, episode in enumerate(history):
        try:
            when = datetime.fromisoformat(episode["reported_at"])
        except ValueError:
            when = None
        if when is None or when.tzinfo is None or when >= reported_at or when.date() < born:
            raise _history_error(index, episode["reported_at"], reported_at)
        times.append(when)
    return times


def _history_error(index: int, value: str, reported_at: datetime) -> InvalidDocument:
    """The error for an earlier episode's reported_at, checked slowly only once it is known bad."""
    field = f"history[{index}].reported_at"
    when = _datetime(value, field)  # raises for a bad date or a missing offset
    if when >= reported_at:
        return InvalidDocument(field, "is not before report.reported_at")
    return InvalidDocument(field, "is before child.date_of_birth")


def _check_answers(report: dict[str, Any]) -> None:
    """A question listed in ``indicators`` is answered yes; an answer that says otherwise contradicts it."""
    ticked = set(report.get("indicators", ()))
    for code, answer in report.get("answers", {}).items():
        if answer != "yes" and code in ticked:
            raise InvalidDocument(
                f"report.answers.{code}", f"is {answer!r} but report.indicators includes {code}"
            )


def parse(doc: Any) -> ParsedDocument:
    """Validate `doc` and return it with its dates parsed; raise InvalidDocument naming the field."""
    if not isinstance(doc, dict):
        raise InvalidDocument("$", "must be a JSON object")
    # Checked first: when the format is wrong, every other message would mislead.
    if "format" not in doc:
        raise InvalidDocument("format", "is required")
    if doc["format"] != FORMAT:
        raise InvalidDocument("format", f"must be {FORMAT!r}, not {doc['format']!r}")
    try:
        _schema_validator()(doc)
    except fastjsonschema.JsonSchemaValueException as exc:
        raise _schema_error(exc) from None
    report = doc["report"]
    reported_at = _datetime(report["reported_at"], "report.reported_at")
    born = _date(doc["child"]["date_of_birth"], "child.date_of_birth")
    _check_child_dates(born, reported_at)
    last_seen_at = None
    if "last_seen_at" in report:
        last_seen_at = _datetime(report["last_seen_at"], "report.last_seen_at")
        if last_seen_at > reported_at:
            raise InvalidDocument("report.last_seen_at", "is after report.reported_at")
    _check_answers(report)
    history = tuple(_history_times(doc.get("history", ()), reported_at, born))
    return ParsedDocument(doc, born, reported_at, last_seen_at, history)


def validate(doc: Any) -> None:
    """Raise InvalidDocument (with `.field` and `.message`) unless `doc` is a valid misper/1 document."""
    parse(doc)
