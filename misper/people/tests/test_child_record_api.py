"""GET /api/v1/children/{id} shows what the child page shows (issue 19): flags, the trigger plan and the
history, through the page's selectors (``child_profile``, ``visible_episodes``) and the one projection
(``child_view_for``). The attacks are another force, a council that is not the child's, and a partner
reading police-only fields."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from misper.audit.models import AccessEvent
from misper.partners.models import TriggerPlan
from misper.people.models import Associate, ChildAssociate, VulnerabilityFlag
from tests.factories import child_make, episode_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(world):  # type: ignore[no-untyped-def]
    child = child_make(world.force, looked_after=True, placing_authority=world.la)
    TriggerPlan.objects.create(
        child=child, version=1, minimum_risk="high", actions=["Ring the home"], agreed_by="A. Officer",
        agreed_on=date.today() - timedelta(days=3),
    )  # fmt: skip
    now = timezone.now()
    episode_make(
        child, reported_at=now - timedelta(days=200), status="closed", found_at=now - timedelta(days=199)
    )
    episode_make(child, reported_at=now - timedelta(days=2))
    VulnerabilityFlag.objects.create(child=child, code="cse_risk", noted_on=date.today())
    VulnerabilityFlag.objects.create(child=child, code="cce_risk", noted_on=date.today(), police_only=True)
    adult = Associate.objects.create(force=world.force, given_name="Jay", family_name="Trent")
    ChildAssociate.objects.create(child=child, associate=adult, of_concern=True)
    return child


def _get(api_as, user, child):  # type: ignore[no-untyped-def]
    return api_as(user).get_json(f"/api/v1/children/{child.pk}")


def test_police_read_the_trigger_plan_and_the_history_as_on_the_page(world, api_as, child):  # type: ignore[no-untyped-def]
    body = _get(api_as, world.supervisor, child).json()
    assert (body["trigger_plan"]["version"], body["trigger_plan"]["minimum_risk"]) == (1, "high")
    history = body["history"]
    assert (history["episodes_total"], history["episodes_in_repeat_window"]) == (2, 1)
    assert [e["status"] for e in history["episodes"]] == ["reported", "closed"]  # newest first
    assert history["open_episode_id"] == history["episodes"][0]["id"]
    assert {f["code"] for f in body["flags"]} == {"cse_risk", "cce_risk"}
    assert [a["name"] for a in body["associates"]] == ["Jay Trent"]
    event = AccessEvent.objects.filter(record_type="child", action="view").latest("pk")
    assert (event.username, event.record_ids) == ("supervisor", [str(child.pk)])


def test_the_childs_council_reads_the_plan_and_history_but_no_police_only_field(world, api_as, child):  # type: ignore[no-untyped-def]
    resp = _get(api_as, world.socialworker, child)
    body = resp.json()
    assert body["trigger_plan"]["minimum_risk"] == "high"
    assert len(body["history"]["episodes"]) == 2
    assert {f["code"] for f in body["flags"]} == {"cse_risk"}
    assert "associates" not in body
    assert "places" not in body
    assert "Trent" not in resp.content.decode()
    assert "cce_risk" not in resp.content.decode()
    assert set(body["history"]["episodes"][0]) == {
        "id", "reference", "status", "category", "risk", "reported_at", "found_at", "closed_at",
    }  # fmt: skip


@pytest.mark.parametrize("who", ["other_force_officer", "other_socialworker"])
def test_another_force_or_council_gets_a_404(world, api_as, child, who):  # type: ignore[no-untyped-def]
    resp = _get(api_as, getattr(world, who), child)
    assert resp.status_code == 404
    assert "trigger_plan" not in resp.content.decode()
