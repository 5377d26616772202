"""A care home's report that a placed child is missing goes to the force holding the child's record. The
host force (the child placed on its patch) sees the child, but recording the police report from it would
file a second record of the child in the host force, copied with the owning force's police-only flags:
so the control room queue and the report are the owning force's only (attacks of the security review)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from misper.accounts.models import Role
from misper.accounts.tests.sentinel_world import sentinel_world_build
from misper.partners.models import MissingNotification
from misper.people.models import Child
from tests.factories import user_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> Any:
    w = sentinel_world_build()
    w.notification = MissingNotification.objects.create(
        child=w.child, force=w.force, care_home=w.extra["agencies"]["home"], profile={},
        last_seen_at=timezone.now() - timedelta(hours=1), circumstances="Went out after tea.",
        reporter_name="Night manager", reporter_phone="01632 960000", created_at=timezone.now(),
    )  # fmt: skip
    return w


def _report() -> dict[str, str]:
    now = timezone.now()
    return {
        "reported_at": (now - timedelta(minutes=5)).isoformat(),
        "last_seen_at": (now - timedelta(hours=1)).isoformat(),
        "circumstances": "Went out after tea and did not come back.",
    }


def test_the_host_force_cannot_record_the_report_nor_copy_the_childs_police_only_flags(world, api_as):  # type: ignore[no-untyped-def]
    host = user_make(world.extra["agencies"]["host_force"], Role.CALL_HANDLER, username="snt-host-ch")
    client = api_as(host)
    queue = client.get_json("/api/v1/care-home-reports")
    assert queue.status_code == 200
    assert world.notification.pk not in [n["id"] for n in queue.json()]

    resp = client.post_json(f"/api/v1/care-home-reports/{world.notification.pk}/report", _report())

    assert resp.status_code in (403, 404), resp.content
    assert not Child.objects.filter(force=world.extra["agencies"]["host_force"]).exists()
    world.notification.refresh_from_db()
    assert (world.notification.status, world.notification.episode_id) == ("new", None)
