"""The force's own grade mix (issue 16): grades at report by month beside the published range, gradings a
supervisor changed, overrides below a floor; through the page, API, CSV, XLSX and PDF; police only."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from misper.accounts.models import Role
from misper.analytics.figures import dashboard_figures
from misper.analytics.filters import default_filters
from misper.episodes import services
from misper.episodes.documents import child_section
from misper.partners.models import TriggerPlan
from tests.factories import child_make, user_make

pytestmark = pytest.mark.django_db
CODE = "grading_mix_by_month"


def _report(world, **child):  # type: ignore[no-untyped-def]
    made = child_make(world.force, looked_after=True, placing_authority=world.la, **child)
    doc = {
        "format": "misper/1",
        "child": child_section(made, timezone.now()),
        "report": {
            "reported_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
            "reported_by": "care_home",
            "indicators": ["out_of_character"],
        },
    }
    return made, services.episode_report(doc=doc, acting_user=world.calltaker).episode


@pytest.fixture
def graded(world):  # type: ignore[no-untyped-def]
    """Four children reported now: one left at medium, one lowered with approval, one lowered and the
    supervisor rejected it, one with a trigger plan "high" a duty inspector overrode to medium."""
    _report(world)
    second = user_make(world.force, Role.SUPERVISOR, username="second")
    for approve in (True, False):
        _, episode = _report(world)
        outcome = services.episode_regrade(
            episode_id=episode.pk,
            category="missing",
            risk_grade="low",
            rationale="Aunt.",
            acting_user=world.calltaker,
            expected_version=episode.version,
        )
        episode.refresh_from_db()
        services.assessment_decide(
            assessment_id=outcome.assessment.pk,
            approve=approve,
            note="" if approve else "No",
            acting_user=second,
            expected_version=episode.version,
        )
    child = child_make(world.force, looked_after=True, placing_authority=world.la)
    TriggerPlan.objects.create(
        child=child, minimum_risk="high", actions=["Call"], agreed_by="Panel", agreed_on=timezone.localdate()
    )
    doc = {
        "format": "misper/1",
        "child": child_section(child, timezone.now()),
        "report": {"reported_at": timezone.now().isoformat(), "reported_by": "care_home"},
    }
    episode = services.episode_report(doc=doc, acting_user=world.calltaker).episode
    inspector = user_make(world.force, Role.DUTY_INSPECTOR, username="inspector")
    services.episode_regrade(
        episode_id=episode.pk,
        category="missing",
        risk_grade="medium",
        rationale="",
        override_reason="Seen safe by an officer.",
        acting_user=inspector,
        expected_version=episode.version,
    )


def _rows(user):  # type: ignore[no-untyped-def]
    (figure,) = dashboard_figures(user, default_filters(timezone.localdate()), codes=[CODE])
    return figure


def test_grade_mix_changes_and_overrides_for_the_month(world, graded) -> None:
    figure = _rows(world.supervisor)
    (row,) = figure.rows
    assert row[0] == timezone.localtime().strftime("%B %Y")
    # At report: three medium (the operator's own grade is the recommendation), one high (trigger plan).
    assert row[1:4] == [25.0, 75.0, 0.0]
    assert row[4:6] == [16, 68]  # Thames Valley 2015
    assert row[6:10] == [1, 1, 1, 4]
    assert "Thames Valley" in figure.description


def test_partners_never_get_the_figure_on_any_surface(world, graded, api_as) -> None:
    assert dashboard_figures(world.socialworker, default_filters(timezone.localdate()), codes=[CODE]) == []
    c = Client()
    c.force_login(world.socialworker)
    for fmt in ("csv", "xlsx"):
        refused = c.get(f"/dashboard/figures/{CODE}.{fmt}")  # as for every police-intelligence figure
        assert refused.status_code in (400, 403, 404)
        assert timezone.localtime().strftime("%B %Y").encode() not in refused.content
    assert CODE not in c.get("/dashboard").content.decode()
    api = api_as(world.socialworker).get_json("/api/v1/dashboard/figures").json()
    figures = api["figures"] if isinstance(api, dict) else api
    assert CODE not in {f["code"] for f in figures}


def test_police_download_the_same_rows(world, graded) -> None:
    c = Client()
    c.force_login(world.analyst)
    text = c.get(f"/dashboard/figures/{CODE}.csv").content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert any(r and r[0] == timezone.localtime().strftime("%B %Y") for r in rows)
    assert c.get(f"/dashboard/figures/{CODE}.xlsx").status_code == 200
