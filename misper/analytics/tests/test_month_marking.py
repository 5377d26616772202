"""Monthly figures: the month still running is marked as such; the PDF pack defaults to the last
complete month, never the one still running."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from misper.analytics.views import last_complete_month

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("end", "today", "month"),
    [
        (date(2026, 12, 7), date(2026, 12, 7), date(2026, 11, 1)),  # the running month: the one before
        (date(2026, 11, 30), date(2026, 12, 7), date(2026, 11, 1)),  # a period ending on a month's last day
        (date(2026, 11, 30), date(2026, 11, 30), date(2026, 10, 1)),  # its last day, not yet over
        (date(2026, 3, 15), date(2026, 12, 7), date(2026, 2, 1)),  # part of March: February is the whole one
    ],
)
def test_the_pack_is_for_the_last_complete_month(end, today, month):
    assert last_complete_month(end, today) == month


def test_the_dashboard_offers_last_months_pack_and_marks_this_month_unfinished(world):
    client = Client()
    client.force_login(world.supervisor)
    page = client.get("/dashboard").content.decode()
    today = timezone.localdate()
    last = last_complete_month(today, today)
    assert f"?month={last:%Y-%m}" in page
    assert f"Monthly pack for {last:%B %Y} (PDF)" in page
    assert f"{today:%B %Y} is not over yet" in page
