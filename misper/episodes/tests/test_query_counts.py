"""The intake's database work must not grow with a child's history (issue 8: query plans, no N+1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from misper.people.models import Associate, ChildAssociate, VulnerabilityFlag
from tests.factories import child_make, episode_make

pytestmark = pytest.mark.django_db


def _child_with_history(world, ref: str, previous: int):  # type: ignore[no-untyped-def]
    """A child with ``previous`` closed episodes, each found with an adult of concern (the costly case)."""
    child = child_make(world.force, ref=ref)
    VulnerabilityFlag.objects.create(child=child, code="cse_risk", noted_on=timezone.now().date())
    adult = Associate.objects.create(force=world.force, given_name="Adult", family_name=ref)
    ChildAssociate.objects.create(child=child, associate=adult, relationship="associate", of_concern=True)
    start = timezone.now() - timedelta(days=400)
    for n in range(previous):
        reported = start + timedelta(days=9 * n)
        episode_make(
            child,
            reported_at=reported,
            status="closed",
            found_at=reported + timedelta(hours=6),
            found_with_associate=adult,
            harm_disclosed=False,
        )
    return child


def _report(world, api_as, ref: str) -> int:  # type: ignore[no-untyped-def]
    now = timezone.now()
    doc = {
        "format": "misper/1",
        "child": {"ref": ref, "date_of_birth": "2011-05-17", "sex": "female", "vulnerabilities": []},
        "report": {
            "reported_at": (now - timedelta(minutes=20)).isoformat(),
            "last_seen_at": (now - timedelta(hours=2)).isoformat(),
            "reported_by": "parent",
            "indicators": [],
        },
    }
    client = api_as(world.calltaker)
    with CaptureQueriesContext(connection) as queries:
        resp = client.post_json("/api/v1/episodes", doc)
    assert resp.status_code == 201, resp.content
    return len(queries.captured_queries)


def test_intake_query_count_does_not_grow_with_history(world, api_as):
    _child_with_history(world, "C-Q-1", 1)
    _child_with_history(world, "C-Q-40", 40)
    short, long = _report(world, api_as, "C-Q-1"), _report(world, api_as, "C-Q-40")
    assert long == short
