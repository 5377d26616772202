"""Reading JSON request bodies one way for every API route: the raw documents (``json_body``) and the
schema-typed bodies (``StrictJSONParser``, django-ninja's parser for the whole API).

JSON allows values that Python reads but no later step can handle: a 5,000-digit integer (Python refuses to
convert it), ``1e999`` (infinity), ``NaN``, a lone surrogate ``"\\ud800"`` (not encodable as UTF-8, so
PostgreSQL refuses it), a NUL character (PostgreSQL's text refuses it), nesting thousands of levels deep
(recursion limits), and a key given twice (the first value silently dropped). Each is refused here, before
any route sees the body, as InvalidInput naming the field (``child.given_name``, ``report.indicators[2]``):
a 422 from the API, never a 500.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser

from misper.core.errors import FieldError, InvalidInput

MAX_DOCUMENT_BYTES = 1_000_000
MAX_DEPTH = 32  # misper/1 documents nest 5 levels deep; API bodies 2
MAX_INT_DIGITS = 20  # beyond any id, count or version the database can hold
MAX_ERRORS = 20
# A NUL, or a UTF-16 surrogate on its own: neither can be stored as text.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_MAX = 255
_IDEMPOTENCY_KEY = re.compile(f"[\x21-\x7e]{{1,{IDEMPOTENCY_KEY_MAX}}}")
IDEMPOTENCY_KEY_FORMAT = (
    f"Send 1 to {IDEMPOTENCY_KEY_MAX} visible ASCII characters (letters, digits, punctuation; no spaces), "
    "for example a UUID"
)


def idempotency_key_check(key: str | None) -> str | None:
    """``key`` unchanged when it is a usable Idempotency-Key (compared whole, never cut), None when absent;
    InvalidInput naming the header otherwise (two keys must never collide by being shortened)."""
    if key is not None and not _IDEMPOTENCY_KEY.fullmatch(key):
        raise InvalidInput(FieldError(IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_FORMAT))
    return key


def canonical_sha256(data: Any) -> str:
    """The SHA-256 of ``data`` as canonical JSON (sorted keys, no spaces): the same request however its
    keys were ordered or spaced, a different one for any changed value."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class UnreadableBody(InvalidInput):
    """The whole body is not UTF-8 JSON (django-ninja's typed routes answer 400, the raw documents 422)."""


class _Refused:
    """Stands in for a value the decoder read but must refuse; the walk names its field."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


def _int(text: str) -> int | _Refused:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        return _Refused(f"is a number with more than {MAX_INT_DIGITS} digits")
    return int(text)


def _float(text: str) -> float | _Refused:
    value = float(text)
    return value if math.isfinite(value) else _Refused("is a number too large to store")


def _constant(text: str) -> _Refused:
    return _Refused(f"is {text}, which is not a number JSON allows")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any] | _Refused:
    value = dict(pairs)
    if len(value) < len(pairs):
        seen: set[str] = set()
        twice = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        return _Refused(f"gives the key {twice!r} more than once")
    return value


def _path(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent or 'body'}[{key}]"
    return f"{parent}.{key}" if parent else key


def _problems(data: Any) -> list[FieldError]:
    """Every refused value in ``data``, by field path (walked without recursion: depth is limited here)."""
    errors: list[FieldError] = []
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack and len(errors) < MAX_ERRORS:
        path, value, depth = stack.pop()
        field = path or "body"
        if isinstance(value, _Refused):
            errors.append(FieldError(field, value.message))
        elif isinstance(value, str) and _UNSTORABLE.search(value):
            errors.append(
                FieldError(field, "contains a character that cannot be stored (NUL or a lone surrogate)")
            )
        elif isinstance(value, dict | list) and depth >= MAX_DEPTH:
            errors.append(FieldError(field, f"is nested more than {MAX_DEPTH} levels deep"))
        elif isinstance(value, dict):
            for key, item in value.items():
                if _UNSTORABLE.search(key):
                    errors.append(FieldError(field, "has a key with a character that cannot be stored"))
                    continue
                stack.append((_path(path, key), item, depth + 1))
        elif isinstance(value, list):
            stack.extend((_path(path, i), item, depth + 1) for i, item in enumerate(value))
    return sorted(errors, key=lambda e: e.field)


def json_loads_strict(raw: bytes) -> Any:
    """The parsed body, or InvalidInput naming each field that cannot be accepted (``body`` when the
    whole body is not UTF-8 JSON)."""
    try:
        text = raw.decode("utf-8")
        data = json.loads(
            text, parse_int=_int, parse_float=_float, parse_constant=_constant, object_pairs_hook=_object
        )
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise UnreadableBody(
            FieldError("body", f"The body is not valid UTF-8 JSON ({exc.__class__.__name__})")
        ) from exc
    errors = _problems(data)
    if errors:
        raise InvalidInput(errors)
    return data


def json_body(request: HttpRequest) -> Any:
    """The parsed JSON body of a raw-document route, or InvalidInput (too large, not UTF-8 JSON, or a value
    that cannot be accepted, by field)."""
    if len(request.body) > MAX_DOCUMENT_BYTES:
        raise InvalidInput(FieldError("body", f"The document is larger than {MAX_DOCUMENT_BYTES} bytes"))
    return json_loads_strict(request.body)


class StrictJSONParser(Parser):
    """django-ninja's body parser for every schema-typed route. django-ninja turns any parser exception
    into a bare 400; ``misper.config.api`` unwraps our InvalidInput from it (422 by field)."""

    def parse_body(self, request: HttpRequest) -> Any:
        return json_loads_strict(request.body)
