"""Shapes every API module shares: strict input (an unknown field is refused, never ignored) and paging."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict, Field

# Far beyond any real list, and inside every database's integer range (a larger OFFSET overflows).
MAX_OFFSET = 1_000_000_000


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class Page(Strict):
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
