"""The synthetic force: deterministic, calibrated to the published figures, and loadable."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count, F

from misper.accounts.services import DEMO_PERSONAS
from misper.demo import figures, stories
from misper.demo.generator import generate_plan
from misper.demo.loader import load_plan
from misper.demo.measure import figures_achieved
from misper.episodes.models import RISK_ORDER, Episode, RiskAssessment, Status
from misper.partners.models import ReturnInterview, TriggerPlan
from misper.people.models import Child

NOW = datetime(2026, 3, 1, 18, 30, tzinfo=UTC)
SMALL = 0.03


@pytest.fixture(scope="module")
def year() -> dict[str, float]:
    """The figures achieved by one full-size year (generated once for the module)."""
    return figures_achieved(generate_plan(seed=2016, years=1, now=NOW))


def test_same_seed_gives_the_same_plan() -> None:
    assert generate_plan(seed=5, scale=SMALL, now=NOW) == generate_plan(seed=5, scale=SMALL, now=NOW)


def test_different_seed_gives_a_different_plan() -> None:
    one, two = generate_plan(seed=5, scale=SMALL, now=NOW), generate_plan(seed=6, scale=SMALL, now=NOW)
    assert [c.given_name for c in one.children] != [c.given_name for c in two.children]
    assert [e.reported_at for e in one.episodes] != [e.reported_at for e in two.episodes]


def test_a_year_has_the_published_volume(year: dict[str, float]) -> None:
    assert year["child_episodes"] == pytest.approx(figures.CHILD_EPISODES_PER_YEAR, rel=0.03)
    assert year["children"] == pytest.approx(figures.CHILDREN_PER_YEAR, rel=0.03)
    assert year["episodes"] >= 4_000
    assert year["adult_episode_share"] == pytest.approx(figures.ADULT_EPISODE_SHARE, abs=0.02)


@pytest.mark.parametrize(
    ("measure", "target", "tolerance"),
    [
        ("age_15_17_share", figures.AGE_15_17_SHARE, 0.04),
        ("under_12_male_share", figures.UNDER_12_MALE_SHARE, 0.08),
        ("age_12_17_female_share", figures.AGE_12_17_FEMALE_SHARE, 0.05),
        ("from_care_share", figures.FROM_CARE_EPISODE_SHARE, 0.03),
        ("repeat_child_share", figures.REPEAT_CHILD_SHARE, 0.03),
        ("found_within_24h_share", figures.FOUND_WITHIN_24H_SHARE, 0.04),
        ("found_within_16h_share", figures.FOUND_WITHIN_16H_SHARE, 0.05),
        ("unharmed_share", figures.UNHARMED_SHARE, 0.01),
        ("cse_flagged_episode_share", figures.CSE_FLAGGED_EPISODE_SHARE, 0.02),
        ("cce_flagged_episode_share", figures.CCE_FLAGGED_EPISODE_SHARE, 0.02),
    ],
)
def test_a_year_matches_the_published_shares(
    year: dict[str, float], measure: str, target: float, tolerance: float
) -> None:
    assert year[measure] == pytest.approx(target, abs=tolerance)


def test_about_half_of_episodes_or_more_involve_a_child_missing_before(year: dict[str, float]) -> None:
    # See figures.py: with 4,400 episodes for 1,500 children at least 66% cannot be first episodes.
    assert 0.45 <= year["repeat_episode_share"] <= 0.72


def test_more_boys_under_12_and_more_girls_12_to_17(year: dict[str, float]) -> None:
    assert year["under_12_male_share"] > 0.5
    assert year["age_12_17_female_share"] > 0.5


def test_a_long_tail_of_repeat_runners(year: dict[str, float]) -> None:
    assert year["children_with_20_plus"] >= 5
    assert 20 <= year["max_episodes_per_child"] <= figures.MAX_EPISODES_PER_CHILD


def test_networks_and_out_of_area_placements_exist(year: dict[str, float]) -> None:
    assert year["associates_shared_by_2_plus"] >= 5
    assert year["out_of_area_children"] >= 20


def test_open_episodes_in_the_published_range(year: dict[str, float]) -> None:
    assert figures.OPEN_EPISODES_MIN <= year["open_episodes"] <= figures.OPEN_EPISODES_MAX


def test_the_story_child_is_as_documented() -> None:
    plan = generate_plan(seed=1, scale=SMALL, now=NOW)
    jade = next(c for c in plan.children if c.ref == stories.JADE_REF)
    episodes = [e for e in plan.episodes if e.child == jade.key]
    assert jade.age_on(NOW.date()) == 14
    assert jade.sex == "female"
    assert jade.placement_type == "residential_home"
    assert "cse_risk" in {f.code for f in jade.flags}
    assert len(episodes) >= 5
    assert not any(e.is_open for e in episodes)
    current = [t for t in plan.trigger_plans if t.child == jade.key and t.superseded_at is None]
    assert [t.minimum_risk for t in current] == ["high"]
    assert any(link.child == jade.key and link.of_concern for link in plan.links)


@pytest.mark.django_db
def test_a_small_seed_loads_with_integrity() -> None:
    plan = generate_plan(seed=3, scale=SMALL, now=NOW)
    load_plan(plan)
    counts = plan.counts()
    assert Episode.objects.count() == counts["episodes"]
    assert Child.objects.count() == counts["children"]
    assert RiskAssessment.objects.count() == counts["risk_assessments"]
    assert TriggerPlan.objects.count() == counts["trigger_plans"]
    assert ReturnInterview.objects.count() == counts["return_interviews"]
    assert not Episode.objects.filter(found_at__lt=F("reported_at")).exists()
    closed = Episode.objects.filter(status__in=[Status.FOUND, Status.CLOSED])
    assert not closed.filter(found_at__isnull=True).exists()
    assert not Episode.objects.annotate(n=Count("assessments")).filter(n=0).exists()
    assert Episode.objects.filter(status__in=[Status.REPORTED, Status.ACTIVE]).exists()
    assert Child.objects.get(ref=stories.JADE_REF).episodes.count() == len(stories.JADE_EPISODES)


@pytest.mark.django_db
def test_demo_users_can_sign_in_after_seeding() -> None:
    load_plan(generate_plan(seed=4, scale=SMALL, now=NOW))
    for persona in DEMO_PERSONAS:
        user = authenticate(username=persona.username, password=settings.MISPER_DEMO_PASSWORD)
        assert user is not None
        assert user.is_demo


@pytest.mark.django_db
def test_seed_command_if_empty_does_nothing_the_second_time(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("seed", "--scale", str(SMALL), "--seed", "9")
    first = Episode.objects.count()
    call_command("seed", "--scale", str(SMALL), "--if-empty")
    assert Episode.objects.count() == first > 0
    assert "nothing to do" in capsys.readouterr().out


def test_gradings_waiting_for_a_supervisor_are_real_under_gradings() -> None:
    plan = generate_plan(seed=2016, years=1, now=NOW)
    pending = [a for e in plan.episodes for a in e.assessments if a.approval_status == "pending"]
    assert pending
    for a in pending:
        assert a.under_graded
        assert a.rationale
        assert RISK_ORDER[a.graded_risk] < RISK_ORDER[a.recommended_risk]


def test_the_engine_gives_the_published_grade_mix_on_a_year(year: dict[str, float]) -> None:
    """Thames Valley 2015 (16% high, 68% medium, 13% low) and the College of Policing figure HMIC 2016
    quotes (just under 9 of ~12 a day medium): docs/demo-data.md, docs/risk-rules.md."""
    low, high = figures.GRADE_MIX_HIGH
    assert low <= year["recommended_high_share"] <= high
    low, high = figures.GRADE_MIX_MEDIUM
    assert low <= year["recommended_medium_share"] <= high
    assert year["trigger_plan_report_share"] <= figures.TRIGGER_PLAN_REPORT_SHARE_MAX
    assert year["adult_of_concern_report_share"] <= figures.ADULT_OF_CONCERN_REPORT_SHARE_MAX
