"""Every dashboard figure against hand-counted expectations on the small dataset (tests/conftest.py),
one against hand-written SQL, plus the filters and the access rule.

Rows are [label, children missing, children absent, adults missing, adults absent, age not known, total].
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from misper.accounts.models import Role
from misper.analytics import profile
from misper.analytics.figures import REGISTRY, Context, dashboard_figures
from misper.analytics.filters import Filters, default_filters
from misper.episodes.models import AssessmentKind, Review, RiskAssessment, SafeAndWellCheck
from misper.partners.models import ReturnInterview, TriggerPlan
from misper.people.models import Associate, ChildAssociate
from tests.factories import user_make

pytestmark = pytest.mark.django_db


def fig(user: Any, code: str, filters: Filters | None = None, now: Any = None) -> dict[str, list[Any]]:
    """One figure's rows keyed by their label."""
    f = filters or default_filters(timezone.localdate())
    (figure,) = dashboard_figures(user, f, now=now, codes=[code])
    return {str(r[0]): list(r[1:]) for r in figure.rows}


def test_every_figure_has_a_test() -> None:
    tested = {
        "now_by_risk",
        "now_by_time_missing",
        "volume_by_month",
        "volume_summary",
        "volume_by_sex",
        "volume_by_ethnicity",
        "response_first_review",
        "response_summary",
        "response_safe_and_well_reasons",
        "response_under_graded_rationales",
        "response_ukmpu_notices",  # episodes/tests/test_ukmpu.py
        "grading_mix_by_month",  # test_grading_figure.py
        "outcome_time_to_locate",
        "outcome_where_found",
        "outcome_found_with",
        "outcome_summary",
        "outcome_remissing",
        "demand_cost",
        "demand_top_people",
        "demand_top_addresses",
        "definitions_side_by_side",
    }
    assert set(REGISTRY) == tested


def test_now_by_risk_and_time(world, dataset) -> None:
    rows = fig(world.analyst, "now_by_risk", now=dataset.now)
    assert rows["High"] == [1, 0, 0, 0, 0, 1]  # Ben
    assert rows["Medium"] == [0, 0, 1, 0, 0, 1]  # Dee's open episode
    assert rows["Low"] == [0] * 6
    times = fig(world.analyst, "now_by_time_missing", now=dataset.now)
    assert times["24 to 72 hours"] == [1, 0, 0, 0, 0, 1]
    assert times["28 days or more (long-term)"] == [0, 0, 1, 0, 0, 1]
    assert times["Under 24 hours"] == [0] * 6


def test_volume_summary(world, dataset) -> None:
    rows = fig(world.analyst, "volume_summary")
    assert rows["Episodes"] == [4, 1, 2, 0, 1, 8]
    assert rows["Distinct people"] == [2, 1, 1, 0, 1, 5]
    repeat = next(k for k in rows if k.startswith("Repeat people"))
    assert rows[repeat] == [1, 0, 0, 0, 0, 1]  # Amy: her third episode is within 90 days of her first
    assert rows["Episodes of repeat people"] == [3, 0, 0, 0, 0, 3]
    assert rows["Share of episodes by repeat people (%)"] == [75.0, 0.0, 0.0, 0.0, 0.0, 37.5]
    assert rows["Episodes from care"] == [3, 0, 0, 0, 0, 3]
    assert rows["Episodes from home or elsewhere"] == [1, 1, 2, 0, 1, 5]
    assert rows["People placed out of area"] == [1, 0, 0, 0, 0, 1]


def test_volume_by_month_matches_hand_written_sql(world, dataset) -> None:
    """Monthly totals against plain SQL over this force's episodes (the dataset's DOBs put every
    person clearly on one side of 18, so the SQL need not compute ages)."""
    f = default_filters(timezone.localdate())
    rows = fig(world.analyst, "volume_by_month", f)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT COUNT(*) FROM episodes_episode WHERE force_id = %s AND reported_at >= %s AND reported_at < %s",
            [world.force.pk, f.start, f.end],
        )
        (expected,) = cur.fetchone()
    assert sum(r[-1] for r in rows.values()) == expected == 8
    assert len(rows) in (12, 13)  # every month of the period, empty ones too


def test_sex_and_ethnicity_count_people(world, dataset) -> None:
    sex = fig(world.analyst, "volume_by_sex")
    assert sex["Male"] == [1, 0, 0, 0, 0, 1]  # Ben
    assert sex["Female"] == [1, 1, 1, 0, 1, 4]
    eth = fig(world.analyst, "volume_by_ethnicity")
    assert eth["Not stated"][-1] == 5  # the factory leaves ethnicity "not stated"


def test_response_first_review_and_summary(world, dataset) -> None:
    first = dataset.amy_episodes[0]
    Review.objects.create(episode=first, reviewed_at=first.reported_at + timedelta(hours=3), notes="x")
    bands = fig(world.analyst, "response_first_review")
    assert bands["2 to 6 hours"] == [1, 0, 0, 0, 0, 1]
    assert bands["No review recorded"] == [3, 1, 2, 0, 1, 7]
    RiskAssessment.objects.create(
        episode=first,
        created_at=first.reported_at,
        policy_name="p",
        policy_version="1",
        inputs={},
        result={},
        recommended_category="missing",
        recommended_risk="high",
        immediacy="low",
        seriousness="low",
        graded_category="missing",
        graded_risk="medium",
        under_graded=True,
        rationale="Known to return",
        kind=AssessmentKind.SUPERVISOR,
    )
    SafeAndWellCheck.objects.create(episode=first, conducted_at=first.found_at)
    ReturnInterview.objects.create(
        episode=first,
        responsible_agency=world.la,
        referred_at=first.found_at,
        due_at=first.found_at + timedelta(hours=72),
        status="completed",
        completed_at=first.found_at + timedelta(hours=48),
    )
    rows = fig(world.analyst, "response_summary", now=dataset.now)
    assert rows["Gradings changed by a supervisor"] == [1, 0, 0, 0, 0, 1]
    assert rows["Graded below the engine's recommendation"] == [1, 0, 0, 0, 0, 1]
    assert rows["Returned or found"] == [3, 1, 1, 0, 1, 6]
    assert rows["Safe and well check done"] == [1, 0, 0, 0, 0, 1]
    assert rows["No safe and well check, no reason"] == [2, 1, 1, 0, 1, 5]
    assert rows["Return interviews completed within 72 hours"] == [1, 0, 0, 0, 0, 1]
    assert rows["Open now with a review overdue"] == [0] * 6
    rationales = fig(world.analyst, "response_under_graded_rationales")
    assert rationales["Known to return"] == [1, 0, 0, 0, 0, 1]


def test_safe_and_well_reasons(world, dataset) -> None:
    e = dataset.amy_episodes[1]
    e.safe_and_well_not_done_reason = "Child asleep"
    e.save()
    rows = fig(world.analyst, "response_safe_and_well_reasons")
    assert rows["Child asleep"] == [1, 0, 0, 0, 0, 1]
    assert rows["No reason recorded"] == [2, 1, 1, 0, 1, 5]


def test_outcomes(world, dataset) -> None:
    locate = fig(world.analyst, "outcome_time_to_locate")
    assert locate["Under 6 hours"] == [1, 1, 0, 0, 1, 3]  # Amy 5 h, Cal 2 h, Eve 1 h
    assert locate["6 to 24 hours"] == [0, 0, 1, 0, 0, 1]  # Dee 10 h
    assert locate["1 to 3 days"] == [1, 0, 0, 0, 0, 1]  # Amy 30 h
    assert locate["3 to 7 days"] == [1, 0, 0, 0, 0, 1]  # Amy 4 days
    where = fig(world.analyst, "outcome_where_found")
    assert where["Not recorded"][-1] == 6
    assert fig(world.analyst, "outcome_found_with")["Alone or not recorded"][-1] == 6
    summary = fig(world.analyst, "outcome_summary")
    assert summary["Harm disclosed"] == [0, 1, 0, 0, 0, 1]
    assert summary["Offences identified"] == [0, 1, 0, 0, 0, 1]
    assert summary["Harm not known"] == [3, 0, 1, 0, 1, 5]


def test_remissing_after_a_trigger_plan(world, dataset) -> None:
    """Amy's first trigger plan agreed 90 days ago: episodes −100 and … before; −80 and −50 after."""
    TriggerPlan.objects.create(
        child=dataset.amy,
        minimum_risk="high",
        agreed_by="x",
        agreed_on=(dataset.now - timedelta(days=90)).date(),
    )
    rows = fig(world.analyst, "outcome_remissing", now=dataset.now)
    plan = rows["Trigger plan first agreed"]
    assert plan[:6] == [1, 1, 1, 2, 0, 0]  # 1 plan, 1 child, missing before 1, after 2, absent 0/0
    assert plan[6] == 100.0
    assert rows["Return home interview completed"][:2] == [0, 0]


def _interview(episode: Any, completed_at: Any, world: Any, status: str = "completed") -> ReturnInterview:
    return ReturnInterview.objects.create(
        episode=episode,
        responsible_agency=world.la,
        referred_at=episode.found_at,
        due_at=episode.found_at + timedelta(hours=72),
        status=status,
        completed_at=completed_at,
    )


def test_remissing_after_a_return_interview(world, dataset) -> None:
    """Amy's interview for her episode −100, completed at −95: episode −100 before; −80 and −50 after.
    Cal's, completed 15 days ago, has no complete follow-up yet; Dee's was not completed."""
    first = dataset.amy_episodes[0]
    _interview(first, dataset.now - timedelta(days=95), world)
    cal = dataset.cal.episodes.get()
    _interview(cal, dataset.now - timedelta(days=15), world)
    dee = dataset.dee.episodes.order_by("reported_at").first()
    _interview(dee, None, world, status="offered")
    f = replace(default_filters(dataset.now.date()), period_from=(dataset.now - timedelta(days=120)).date())
    rows = fig(world.analyst, "outcome_remissing", f, now=dataset.now)
    interview = rows["Return home interview completed"]
    assert interview == [1, 1, 1, 2, 0, 0, 100.0]  # 1 interview, 1 child, missing 1 → 2, absent 0 → 0
    assert fig(world.other_force_officer, "outcome_remissing", f, now=dataset.now)[
        "Return home interview completed"
    ][:2] == [0, 0]
    # Filters apply to the interview's episode: Amy is female and looked after.
    male = replace(f, sex="male")
    assert fig(world.analyst, "outcome_remissing", male, now=dataset.now)["Return home interview completed"][
        :2
    ] == [0, 0]
    # Completed inside the period's first 90 days of follow-up only: a period ending before −95 has none.
    early = replace(f, period_to=(dataset.now - timedelta(days=96)).date())
    assert fig(world.analyst, "outcome_remissing", early, now=dataset.now)["Return home interview completed"][
        :2
    ] == [0, 0]


def test_demand_cost_uses_the_published_medium_figure(world, dataset) -> None:
    rows = fig(world.analyst, "demand_cost")
    medium = rows["Medium"]
    assert medium[:6] == [3, 0, 2, 0, 0, 5]  # Amy's three, Dee's two
    assert medium[6:] == [18.0, 90.0, 6625, 12075]  # 5 × 18 h; 90 h × £1,325/18 and × £2,415/18
    assert rows["High"][5:] == [1, 54.0, 54.0, 3975, 7245]  # Ben: an assumption, 3 × medium


def test_top_people_and_places(world, dataset) -> None:
    people = fig(world.analyst, "demand_top_people")
    assert next(iter(people)) == dataset.amy.ref
    assert people[dataset.amy.ref] == [3, 0, 0, 0, 3, 37.5]
    places = fig(world.analyst, "demand_top_addresses")
    assert places["Larch House"] == ["Placement", 3, 0, 3, 1]


def test_definitions_side_by_side(world, dataset, settings, tmp_path) -> None:
    # The force's repeat definition is its risk policy's (misper.episodes.schedules.thresholds).
    policy = tmp_path / "twoin30.toml"
    policy.write_text(
        'extends = "national"\nname = "twoin30"\nversion = "1"\n'
        "[thresholds]\nrepeat_episodes = 2\nrepeat_window_days = 30\n",
        "utf-8",
    )
    settings.MISPER_RISK_POLICY = str(policy)
    settings.MISPER_FORCE_LONG_TERM_DAYS = 3
    rows = list(fig(world.analyst, "definitions_side_by_side", now=dataset.now).values())
    force_repeat, national_repeat, force_long, national_long = rows
    assert force_repeat == [1, 0, 1, 0, 0, 2]  # Amy (−100, −80) and Dee (−45, −40)
    assert national_repeat == [1, 0, 0, 0, 0, 1]  # Amy only
    assert force_long == [1, 0, 1, 0, 0, 2]  # Amy's 4 days, Dee's open 40 days
    assert national_long == [0, 0, 1, 0, 0, 1]  # 28 days: Dee's open episode


def test_filters_narrow_every_figure(world, dataset) -> None:
    base = default_filters(timezone.localdate())
    assert fig(world.analyst, "volume_summary", replace(base, age_band="14-15"))["Episodes"][-1] == 3
    assert fig(world.analyst, "volume_summary", replace(base, sex="male"))["Episodes"][-1] == 1
    assert (
        fig(world.analyst, "volume_summary", replace(base, care_status="looked_after"))["Episodes"][-1] == 3
    )
    assert fig(world.analyst, "volume_summary", replace(base, risk="high"))["Episodes"][-1] == 1
    assert fig(world.analyst, "volume_summary", replace(base, area="TS9"))["Episodes"][-1] == 0
    narrow = replace(base, period_from=timezone.localdate() - timedelta(days=30))
    assert fig(world.analyst, "volume_summary", narrow)["Episodes"] == [1, 1, 0, 0, 1, 3]  # Ben, Cal, Eve


def test_partner_sees_only_their_children(world, dataset) -> None:
    rows = fig(world.socialworker, "volume_summary")
    assert rows["Episodes"] == [3, 0, 0, 0, 0, 3]  # Amy, placed by the social worker's authority


def test_other_force_sees_none_of_ours(world, dataset) -> None:
    analyst = user_make(world.other_force, Role.ANALYST)
    rows = fig(analyst, "volume_summary")
    assert rows["Episodes"] == [2, 0, 0, 0, 0, 2]  # Zed's only
    assert fig(world.other_socialworker, "volume_summary")["Episodes"][-1] == 0


def test_profile_shared_adults_and_heat(world, dataset) -> None:
    lee = Associate.objects.create(
        force=world.force, given_name="Lee", family_name="Specimen", flags=["cse_suspect"]
    )
    ChildAssociate.objects.create(child=dataset.amy, associate=lee, of_concern=True)
    ep = dataset.amy_episodes[0]
    ep.found_with_associate = lee
    ep.save()
    ctx = Context(user=world.analyst, filters=default_filters(timezone.localdate()), now=dataset.now)
    assert profile.shared_adults(ctx).rows == []  # one child only: not shared
    ChildAssociate.objects.create(child=dataset.cal, associate=lee)
    net = profile.shared_adults(ctx)
    assert net.rows == [
        [
            "Lee Specimen",
            "cse_suspect",
            2,
            ", ".join(sorted([dataset.amy.ref, dataset.cal.ref])),
            "Found with; Known associate",
        ]
    ]
    heat = profile.times_heat(ctx)
    assert sum(v for r in heat.rows for v in r[1:]) == 5  # children's episodes only
    top = profile.top_children(ctx, 10)
    assert top.rows[0][:4] == [dataset.amy.ref, "Amy " + dataset.amy.family_name, "Yes", 3]
