"""Errors that services raise and every interface (API, pages, CLI) maps to a clear message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class InvalidInput(Exception):  # noqa: N818 - reads better at call sites than InvalidInputError
    """Input that fails validation. Nothing has been saved."""

    def __init__(self, errors: list[FieldError] | FieldError) -> None:
        self.errors = errors if isinstance(errors, list) else [errors]
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors))


class ConflictError(Exception):
    """The request cannot be done in the record's current state (e.g. closing without a safe-and-well check,
    or a stale write under optimistic locking). Nothing has been saved.

    ``errors`` name the fields that would resolve the conflict; ``context`` holds extra keys the API adds
    to its error body (for example ``open_episode``: the record that is in the way)."""

    def __init__(
        self, message: str = "", errors: list[FieldError] | None = None, context: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.errors = errors or []
        self.context = context or {}
