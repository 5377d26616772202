"""Optimistic locking, one rule for every editable record: an edit names the version it was based on.

Leaving the version out used to skip the check, so a stale edit was applied over someone else's. Now a
missing version is refused (InvalidInput naming ``version``: a 422, or a field error on a page) and a stale
one is a ConflictError (409). Every service that edits a versioned record calls ``version_check``.
"""

from __future__ import annotations

from misper.core.errors import ConflictError, FieldError, InvalidInput

VERSION_FIELD = "version"
VERSION_REQUIRED = (
    "Give the version of the record you read (it is in every answer that shows the record, and on every "
    "form), so that misper can tell whether someone else changed it since"
)


def version_check(*, current: int, expected: int | None, stale_message: str) -> None:
    """Refuse an edit that names no version (InvalidInput) or a stale one (ConflictError)."""
    if expected is None or isinstance(expected, bool):
        raise InvalidInput(FieldError(VERSION_FIELD, VERSION_REQUIRED))
    if expected != current:
        raise ConflictError(stale_message)
