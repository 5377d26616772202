"""Reading request bodies the same way on every JSON route that takes a raw document."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest

from misper.core.errors import FieldError, InvalidInput

MAX_DOCUMENT_BYTES = 1_000_000


def json_body(request: HttpRequest) -> Any:
    """The parsed JSON body, or InvalidInput naming ``body`` (too large, not UTF-8, not JSON)."""
    if len(request.body) > MAX_DOCUMENT_BYTES:
        raise InvalidInput(FieldError("body", f"The document is larger than {MAX_DOCUMENT_BYTES} bytes"))
    try:
        return json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InvalidInput(
            FieldError("body", f"The body is not valid UTF-8 JSON ({exc.__class__.__name__})")
        ) from exc
