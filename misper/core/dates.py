"""Calendar arithmetic every app shares: a day whole years on or back (ages, retention periods, the 18th
birthday). One helper, so 29 February is handled the same way everywhere."""

from __future__ import annotations

from datetime import date


def years_on[Day: date](day: Day, years: int) -> Day:
    """``day`` moved ``years`` on (back when negative); 29 February becomes 28 February in a year
    without one. A datetime stays a datetime, with its time and zone."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def years_back[Day: date](day: Day, years: int) -> Day:
    """``day`` moved ``years`` back: ``years_back(today, 18)`` is the birthday of a child turning 18 today."""
    return years_on(day, -years)
