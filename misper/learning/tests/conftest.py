"""Fixtures for misper.learning tests: a coordinator, a child with a found episode and a check."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from misper.accounts.models import Role
from misper.episodes.models import SafeAndWellCheck
from tests.factories import child_make, episode_make, user_make


def client_as(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


@pytest.fixture
def coordinator(world):  # type: ignore[no-untyped-def]
    return user_make(world.force, Role.COORDINATOR, username="coordinator", team="Missing hub")


@pytest.fixture
def found_episode(world):  # type: ignore[no-untyped-def]
    """A found episode on beat DM01, owned by an officer in team 'North response', with a check."""
    officer = user_make(world.force, Role.INVESTIGATING_OFFICER, team="North response")
    child = child_make(world.force, given_name="Amira", family_name="Khan", sex="female")
    reported = timezone.now() - timedelta(days=2)
    episode = episode_make(
        child, reported_at=reported, status="found", found_at=reported + timedelta(hours=5),
        beat="DM01", owner=officer,
    )  # fmt: skip
    SafeAndWellCheck.objects.create(
        episode=episode,
        conducted_at=reported + timedelta(hours=6),
        child_account="I stayed at a friend's flat because mum's boyfriend shouts at me.",
        push_factors="Shouting at home",
        pull_factors="Friend's flat in town",
        child_wishes="I want to stay with my nan.",
    )
    return episode
