"""Shapes every API module shares: strict input (an unknown field is refused, never ignored) and paging."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field

# Far beyond any real list, and inside every database's integer range (a larger OFFSET overflows).
MAX_OFFSET = 1_000_000_000


# Every editing route's body names the version of the record it was based on (misper.core.versions): leaving
# it out is a 422 naming ``version``, a stale one a 409. tests/test_versions_required.py checks every route.
EditVersion = Annotated[
    int,
    Field(
        ge=1,
        le=2**31 - 1,
        description="The version of the record you read (from its GET, or the last write's answer); "
        "a stale one is a 409 and changes nothing",
    ),
]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class Page(Strict):
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
