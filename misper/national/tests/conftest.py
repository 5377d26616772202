"""The national tests' world: the shared one plus ``world.national``, an analyst of a national body
(the only people who may use national data; see ``selectors.can_use_national``)."""

from __future__ import annotations

import pytest

from misper.accounts.models import AgencyKind, Role
from tests.factories import agency_make, user_make


@pytest.fixture
def world(world):  # type: ignore[no-untyped-def]
    national = agency_make(AgencyKind.NATIONAL, code="test-national", name="National Missing Persons Unit")
    world.national = user_make(national, Role.ANALYST, username="national")
    return world
