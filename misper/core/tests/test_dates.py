"""Whole years on and back from a day, 29 February included."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from misper.core.dates import years_back, years_on


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2026, 3, 29), 6, date(2032, 3, 29)),
        (date(2026, 3, 29), -18, date(2008, 3, 29)),
        (date(2024, 2, 29), 1, date(2025, 2, 28)),
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
    ],
)
def test_years_on_moves_whole_years_and_29_february_becomes_the_28th(day, years, expected):
    assert years_on(day, years) == expected


def test_years_back_keeps_a_datetime_with_its_time_and_zone():
    moment = datetime(2024, 2, 29, 14, 30, tzinfo=UTC)
    assert years_back(moment, 18) == datetime(2006, 2, 28, 14, 30, tzinfo=UTC)
    assert years_back(date(2026, 3, 29), 18) == date(2008, 3, 29)
