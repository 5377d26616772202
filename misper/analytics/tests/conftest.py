"""A small hand-countable dataset for the dashboard tests: children and adults, missing and absent,
repeat and not, from care and from home, open now and closed, in two forces and one partner's care.

| who | age | episodes (days before now) | notes |
|---|---|---|---|
| Amy (A) | 14 (birthdays 200 days ago) | missing −100, −80, −50 (found after 5 h, 30 h, 4 days) | looked after, out of area, placed by the test LA, from care: national repeat |
| Ben (B) | 10 | missing, reported 30 h ago, open, high | at home |
| Cal (C) | 16 | absent −20, found after 2 h, harm disclosed, an offence | at home |
| Dee (D) | 30 | missing −45 (found after 10 h), missing −40 still open (long-term), medium | an adult |
| Eve (E) | not known | missing −10, found after 1 h | no date of birth or estimated age |
| Zed | 12 | missing −5, −3 | in the other force: never counted for this force |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from misper.episodes.models import Episode
from misper.people.models import Child, Location, LocationKind
from tests.factories import child_make, episode_make

H = timedelta(hours=1)
D = timedelta(days=1)


def _years_ago(now: datetime, years: int) -> date:
    return (now - timedelta(days=365 * years + years // 4 + 200)).date()


@dataclass
class Dataset:
    now: datetime
    amy: Child
    ben: Child
    cal: Child
    dee: Child
    eve: Child
    zed: Child
    care_home: Location
    amy_episodes: list[Episode]


def _ended(child: Child, days_ago: float, hours: float, now: datetime, **kw: object) -> Episode:
    reported = now - days_ago * D
    kw.setdefault("status", "closed")
    return episode_make(child, reported, last_seen_at=reported, found_at=reported + hours * H, **kw)


@pytest.fixture(autouse=True)
def facts_fresh(settings):  # type: ignore[no-untyped-def]
    """The figures read the fact table; refresh it on each read so the data a test makes reaches it."""
    settings.MISPER_ANALYTICS_REFRESH_ON_READ = True


@pytest.fixture
def dataset(world):  # type: ignore[no-untyped-def]
    now = timezone.now()
    f = world.force
    home = Location.objects.create(
        force=f, kind=LocationKind.PLACEMENT, name="Larch House", postcode="TS1 2AB"
    )
    amy = child_make(
        f,
        given_name="Amy",
        date_of_birth=_years_ago(now, 14),
        looked_after=True,
        out_of_area=True,
        placing_authority=world.la,
        placement_type="residential_home",
        placement_address=home,
    )
    ben = child_make(f, given_name="Ben", date_of_birth=_years_ago(now, 10), sex="male")
    cal = child_make(f, given_name="Cal", date_of_birth=_years_ago(now, 16))
    dee = child_make(f, given_name="Dee", date_of_birth=_years_ago(now, 30))
    eve = child_make(f, given_name="Eve", date_of_birth=None, estimated_age=None)
    zed = child_make(world.other_force, given_name="Zed", date_of_birth=_years_ago(now, 12))
    care = {"missing_from_care": True, "missing_from": home, "risk": "medium"}
    amy_eps = [_ended(amy, d, h, now, **care) for d, h in ((100, 5), (80, 30), (50, 96))]
    episode_make(ben, now - 30 * H, last_seen_at=now - 30 * H, status="active", risk="high")
    _ended(
        cal,
        20,
        2,
        now,
        category="absent",
        risk="no_apparent_risk",
        harm_disclosed=True,
        offences_identified="Assault by an adult",
    )
    _ended(dee, 45, 10, now, risk="medium")
    episode_make(dee, now - 40 * D, last_seen_at=now - 40 * D, status="active", risk="medium")
    _ended(eve, 10, 1, now, risk="low")
    for d in (5, 3):
        _ended(zed, d, 3, now)
    return Dataset(now, amy, ben, cal, dee, eve, zed, home, amy_eps)
