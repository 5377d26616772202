"""Police-only text never reaches a dashboard through a figure (issue 13, point 3).

The attack: grading rationales (police intelligence) reached partners through the figure of gradings
below the recommendation, on the page, in the API, the CSV, the XLSX and the PDF pack. Every figure now
names the field group it shows (``FIELD_GROUPS``) and ``partners.projections.figure_visible`` decides;
a police-intelligence figure reads only the user's own force's records."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from misper.accounts.models import Role
from misper.accounts.tests.crawler import response_text
from misper.analytics.figures import FIELD_GROUPS, REGISTRY
from misper.episodes.models import RiskAssessment
from misper.partners.field_access import Group
from misper.partners.models import PlacementNotice
from tests.factories import child_make, episode_make, user_make

pytestmark = pytest.mark.django_db
RATIONALE = "SENTINELRATIONALEPOLICEONLY"
OTHER_RATIONALE = "SENTINELOTHERFORCERATIONALE"


def _under_graded(child, rationale: str) -> None:  # type: ignore[no-untyped-def]
    episode = episode_make(child, timezone.now() - timedelta(days=3))
    RiskAssessment.objects.create(
        episode=episode, created_at=episode.reported_at, policy_name="national", policy_version="t",
        inputs={}, result={"reasons": []}, recommended_category="missing", recommended_risk="high",
        immediacy="high", seriousness="high", graded_category="missing", graded_risk="low",
        rationale=rationale, under_graded=True, approval_status="pending",
    )  # fmt: skip


def _surfaces(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    month = f"{timezone.localdate():%Y-%m}"
    code = "response_under_graded_rationales"
    paths = {
        "page": "/dashboard",
        "csv": f"/dashboard/figures/{code}.csv",
        "xlsx": f"/dashboard/figures/{code}.xlsx",
        "all xlsx": "/dashboard/figures/all.xlsx",
        "pdf pack": f"/dashboard/pack.pdf?month={month}",
    }
    out = {name: response_text(c.get(path)) for name, path in paths.items()}
    from misper.accounts.services import api_token_create

    token = api_token_create(user=user)
    out["api"] = response_text(
        c.get("/api/v1/dashboard/figures", headers={"Authorization": f"Bearer {token}"})
    )
    return out


@pytest.fixture
def rationales(world, settings):  # type: ignore[no-untyped-def]
    settings.MISPER_ANALYTICS_REFRESH_ON_READ = True
    child = child_make(world.force, looked_after=True, placing_authority=world.la)
    _under_graded(child, RATIONALE)
    # A child of the other force placed on our patch: we see it, but its rationale is not ours.
    theirs = child_make(world.other_force)
    _under_graded(theirs, OTHER_RATIONALE)
    PlacementNotice.objects.create(
        child=theirs, placing_authority=world.other_la, host_force=world.force,
        placement_type="residential_home", starts_on=timezone.localdate(),
    )  # fmt: skip


def test_partners_never_see_grading_rationales_on_any_dashboard_surface(world, rationales):  # type: ignore[no-untyped-def]
    for surface, text in _surfaces(world.socialworker).items():
        assert RATIONALE not in text, surface
        assert "the reasons given" not in text, surface


def test_police_see_their_own_forces_rationales_only(world, rationales):  # type: ignore[no-untyped-def]
    """The host force sees a placed child's episodes, but another force's rationales are not its own."""
    seen = _surfaces(world.supervisor)
    assert RATIONALE in seen["csv"]
    assert not [surface for surface, text in seen.items() if OTHER_RATIONALE in text]


def test_a_partner_asking_for_the_figure_by_name_gets_no_such_figure(world, rationales, api_as):  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(world.socialworker)
    assert c.get("/dashboard/figures/response_under_graded_rationales.csv").status_code == 400
    r = api_as(world.socialworker).get_json(
        "/api/v1/dashboard/figures", figure="response_under_graded_rationales"
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "figure"


def test_every_figure_names_its_field_group():  # type: ignore[no-untyped-def]
    assert set(FIELD_GROUPS) == set(REGISTRY)
    assert FIELD_GROUPS["response_under_graded_rationales"] == Group.POLICE_INTELLIGENCE


def test_an_auditor_with_no_dashboard_sees_no_figure(world):  # type: ignore[no-untyped-def]
    auditor = user_make(world.force, Role.AUDITOR, username="fig-auditor")
    c = Client()
    c.force_login(auditor)
    assert c.get("/dashboard/figures/response_under_graded_rationales.csv").status_code == 403


# Who the child was found with, offences identified and the top people by reference are police
# intelligence: a partner (who sees the child's episodes) never gets them, on any surface.
POLICE_FIGURES = ("outcome_found_with", "outcome_summary", "demand_top_people")


def test_every_figure_module_declares_each_figures_field_group():  # type: ignore[no-untyped-def]
    """No default: a figure added without a declared group is a failure here, not a shared figure."""
    from misper.analytics.figures import definitions, demand, grading, now, outcomes, response, volume

    for module in (now, volume, response, grading, outcomes, demand, definitions):
        declared = getattr(module, "FIELD_GROUPS", {})
        assert {fn.__name__ for fn in module.FIGURES} <= set(declared), module.__name__


@pytest.mark.parametrize("code", POLICE_FIGURES)
def test_found_with_offences_and_top_people_are_police_intelligence(code, world, rationales, api_as):  # type: ignore[no-untyped-def]
    assert FIELD_GROUPS[code] == Group.POLICE_INTELLIGENCE
    day = f"{timezone.localdate():%Y-%m-%d}"
    r = api_as(world.socialworker).get_json("/api/v1/dashboard/figures", period_from=day, period_to=day)
    assert r.status_code == 200
    assert code not in str(r.json())
    c = Client()
    c.force_login(world.socialworker)
    assert c.get(f"/dashboard/figures/{code}.csv").status_code == 400
    police = api_as(world.supervisor).get_json("/api/v1/dashboard/figures", period_from=day, period_to=day)
    assert code in str(police.json())
