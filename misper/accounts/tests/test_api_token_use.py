"""A bearer token's last use is recorded to the minute, not written on every request."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from misper.accounts.models import ApiToken
from misper.accounts.services import api_token_create, api_token_user

pytestmark = pytest.mark.django_db


def _updates(raw: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert api_token_user(raw) is not None
    return sum(q["sql"].startswith('UPDATE "accounts_apitoken"') for q in queries.captured_queries)


def test_last_use_is_written_once_a_minute(world):
    raw = api_token_create(user=world.calltaker)
    with time_machine.travel("2026-03-02 10:00:00+00:00", tick=False) as traveller:
        assert _updates(raw) == 1
        first = ApiToken.objects.get().last_used_at
        assert first is not None
        traveller.shift(timedelta(seconds=59))
        assert _updates(raw) == 0
        assert ApiToken.objects.get().last_used_at == first
        traveller.shift(timedelta(seconds=1))
        assert _updates(raw) == 1
        assert ApiToken.objects.get().last_used_at == first + timedelta(minutes=1)
