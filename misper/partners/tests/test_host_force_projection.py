"""The attacks of the security review: a host force (and partners) reading the owning force's
intelligence through the grading pages and API, the risk tool's prefill, and the found page's places.

The world is the sentinel crawl's (``accounts.tests.sentinel_world``): a child of Sentinelshire placed in
Hostshire, with an associate of concern and a police-only ``cce_risk`` flag of the owning force."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from misper.accounts.models import Role
from misper.accounts.services import api_token_create
from misper.accounts.tests.sentinel_world import SENTINELS, sentinel_world_build
from misper.episodes.models import Episode, RiskAssessment
from misper.people.models import ChildLocation, Location, LocationKind
from tests.factories import user_make

pytestmark = pytest.mark.django_db

ASSOCIATE = SENTINELS["associate.family_name"]
POLICE_ONLY_CODES = {"associate_of_concern", "cce_risk"}
PRIVATE_PLACE = "Sentinelplace Flats"


@pytest.fixture
def world() -> Any:
    w = sentinel_world_build()
    place = Location.objects.create(force=w.force, kind=LocationKind.CONCERN, name=PRIVATE_PLACE)
    ChildLocation.objects.create(child=w.child, location=place, kind="frequented")
    return w


def _web(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _host(w: Any, role: Role = Role.INVESTIGATING_OFFICER) -> Any:
    if role == Role.INVESTIGATING_OFFICER:
        return w.crawlers["host force officer"][0]
    return user_make(w.extra["agencies"]["host_force"], role, username=f"snt-host-{role}")


def _latest(episode: Episode) -> RiskAssessment:
    latest = episode.assessments.order_by("-created_at", "-pk").first()
    assert latest is not None
    return latest


def test_the_world_has_the_intelligence_the_attacks_look_for(world: Any) -> None:
    codes = {r["code"] for r in _latest(world.open_episode).result["reasons"]}
    assert "associate_of_concern" in codes  # else the attacks below would pass for nothing
    owner = _web(world.users["investigating_officer"])
    page = owner.get(f"/episodes/{world.open_episode.pk}/grade").content.decode()
    assert "Associate of concern" in page


@pytest.mark.parametrize("page", ["grade", "review"])
def test_host_force_grading_pages_show_no_reason_of_the_owning_forces_intelligence(
    world: Any, page: str
) -> None:
    who = _host(world, Role.SUPERVISOR if page == "review" else Role.INVESTIGATING_OFFICER)
    resp = _web(who).get(f"/episodes/{world.open_episode.pk}/{page}")
    assert resp.status_code == 200
    text = resp.content.decode()
    assert "Associate of concern" not in text
    assert ASSOCIATE not in text
    assert "criminal exploitation" not in text.lower()


def test_host_force_supervisor_decision_page_shows_no_police_only_reason(world: Any) -> None:
    pending = world.open_episode.assessments.filter(approval_status="pending").first()
    assessment = pending or _latest(world.open_episode)
    resp = _web(_host(world, Role.SUPERVISOR)).get(f"/assessments/{assessment.pk}/decide")
    assert resp.status_code == 200
    text = resp.content.decode()
    assert "adult of concern" not in text.lower()
    assert "flagged to police" not in text
    assert "criminal exploitation" not in text.lower()


def test_host_force_grading_api_answer_is_projected(world: Any) -> None:
    host = _host(world)
    e = world.open_episode
    e.refresh_from_db()
    token = api_token_create(user=host)
    body = {"category": e.category, "risk": e.risk, "version": e.version}
    resp = Client().post(
        f"/api/v1/episodes/{e.pk}/grading",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert resp.status_code in (200, 202), resp.content
    assessment = resp.json()["assessment"]
    assert not POLICE_ONLY_CODES & {r["code"] for r in assessment["reasons"]}
    assert ASSOCIATE not in resp.content.decode()
    # The owning force still gets the whole answer.
    owner = world.users["investigating_officer"]
    e.refresh_from_db()
    body = {"category": e.category, "risk": e.risk, "version": e.version}
    resp = Client().post(
        f"/api/v1/episodes/{e.pk}/grading",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {api_token_create(user=owner)}"},
    )
    assert "associate_of_concern" in {r["code"] for r in resp.json()["assessment"]["reasons"]}


@pytest.mark.parametrize(
    "who", ["host force officer", "placing authority", "host authority", "care home", "interview provider"]
)
def test_risk_tool_prefill_has_no_police_only_flag(world: Any, who: str) -> None:
    resp = _web(world.crawlers[who][0]).get(f"/risk-tool?child={world.child.pk}")
    assert resp.status_code in (200, 404)
    text = resp.content.decode()
    assert 'value="cce_risk" checked' not in text
    assert "cce_risk" not in (resp.context["form"].initial.get("vulnerabilities", []) if resp.context else [])


def test_risk_tool_prefill_keeps_the_owning_forces_flag(world: Any) -> None:
    resp = _web(world.users["investigating_officer"]).get(f"/risk-tool?child={world.child.pk}")
    assert "cce_risk" in resp.context["form"].initial["vulnerabilities"]
    assert 'value="cce_risk" checked' in resp.content.decode()  # the crawl's mark of a prefilled flag


def test_host_force_found_page_lists_none_of_the_childs_places(world: Any) -> None:
    host = _host(world)
    text = _web(host).get(f"/episodes/{world.open_episode.pk}/found").content.decode()
    assert PRIVATE_PLACE not in text
    text = _web(host).get(f"/children/{world.child.pk}/places/new").content.decode()
    assert PRIVATE_PLACE not in text
    owner = _web(world.users["investigating_officer"])
    assert PRIVATE_PLACE in owner.get(f"/episodes/{world.open_episode.pk}/found").content.decode()


@pytest.mark.parametrize("who", ["host force officer", "placing authority", "care home"])
def test_child_page_lists_none_of_the_owning_forces_places(world: Any, who: str) -> None:
    text = _web(world.crawlers[who][0]).get(f"/children/{world.child.pk}").content.decode()
    assert PRIVATE_PLACE not in text
    owner = _web(world.users["investigating_officer"])
    assert PRIVATE_PLACE in owner.get(f"/children/{world.child.pk}").content.decode()
