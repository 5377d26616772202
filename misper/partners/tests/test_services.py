"""Writes for working together: trigger plans, return interviews, care profiles and care-home reports."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from misper.core.errors import ConflictError, InvalidInput
from misper.episodes.documents import FORMAT, child_section, current_trigger_plan
from misper.notifications.models import Alert
from misper.partners import care, interviews, plans
from misper.partners.models import (
    CareProfile,
    InterviewStatus,
    MissingNotification,
    NotificationStatus,
    ProposalStatus,
    TriggerPlan,
    TriggerPlanProposal,
)
from misper.partners.selectors import interview_figures, interview_queue

pytestmark = pytest.mark.django_db
TODAY = date.today()


def _plan(**kw):  # type: ignore[no-untyped-def]
    base = {
        "minimum_risk": "high",
        "actions": ["Ring the home on 01632 960000", "Check the station"],
        "agreed_by": "A. Officer (police), B. Worker (council)",
        "agreed_on": TODAY - timedelta(days=1),
        "review_on": TODAY + timedelta(days=90),
        "agency_ids": [],
    }
    return plans.PlanInput(**{**base, **kw})


def _errors(exc: pytest.ExceptionInfo) -> set[str]:  # type: ignore[type-arg]
    return {e.field for e in exc.value.errors}


# --- trigger plans -----------------------------------------------------------------------------------


def test_a_new_version_supersedes_the_current_and_the_engine_reads_it(pairs):  # type: ignore[no-untyped-def]
    child = pairs.ours.child
    v1 = plans.trigger_plan_create(child_id=child.pk, data=_plan(), acting_user=pairs.calltaker)
    la = pairs.ours.users["placing_authority"]
    v2 = plans.trigger_plan_create(
        child_id=child.pk, data=_plan(minimum_risk="medium"), acting_user=la, expected_version=1
    )
    v1.refresh_from_db()
    assert (v1.version, v2.version) == (1, 2)
    assert v1.superseded_at is not None
    assert v2.superseded_at is None
    assert current_trigger_plan(child).pk == v2.pk
    assert child_section(child, timezone.now())["trigger_plan"]["minimum_risk"] == "medium"


def test_invalid_plan_gets_field_errors_and_saves_nothing(pairs):  # type: ignore[no-untyped-def]
    bad = _plan(actions=["  "], agreed_by="", review_on=TODAY - timedelta(days=5), minimum_risk="dire")
    with pytest.raises(InvalidInput) as exc:
        plans.trigger_plan_create(child_id=pairs.ours.child.pk, data=bad, acting_user=pairs.calltaker)
    assert _errors(exc) == {"actions", "agreed_by", "review_on", "minimum_risk"}
    assert not TriggerPlan.objects.exists()


def test_a_stale_version_is_refused(pairs):  # type: ignore[no-untyped-def]
    plans.trigger_plan_create(child_id=pairs.ours.child.pk, data=_plan(), acting_user=pairs.calltaker)
    with pytest.raises(ConflictError):
        plans.trigger_plan_create(
            child_id=pairs.ours.child.pk, data=_plan(), acting_user=pairs.calltaker, expected_version=0
        )
    assert TriggerPlan.objects.count() == 1


def test_only_police_and_responsible_authorities_change_plans(pairs):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        plans.trigger_plan_create(
            child_id=pairs.ours.child.pk, data=_plan(), acting_user=pairs.ours.users["care_provider"]
        )
    with pytest.raises(Http404):
        plans.trigger_plan_create(
            child_id=pairs.theirs.child.pk, data=_plan(), acting_user=pairs.ours.users["placing_authority"]
        )
    assert not TriggerPlan.objects.exists()


# --- return interviews -------------------------------------------------------------------------------


def _record(**kw):  # type: ignore[no-untyped-def]
    base = {"status": "completed", "at": timezone.now(), "interviewer_name": "Sam Interviewer"}
    return interviews.InterviewRecord(**{**base, **kw})


def test_completed_interview_keeps_findings_and_proposes_a_plan_change(pairs):  # type: ignore[no-untyped-def]
    ri = pairs.ours.interview
    data = _record(
        child_account="I went to my mate's flat because home is loud.",
        push_factors="Noise and arguments at the home",
        risks_found="Older men at the flat",
        proposed_trigger_plan_change="Add the flat on Mill Lane to the places to check",
    )
    done = interviews.return_interview_record(
        interview_id=ri.pk, data=data, acting_user=pairs.ours.users["return_interview_provider"]
    )
    assert done.status == InterviewStatus.COMPLETED
    assert done.offered_at
    assert done.accepted_at
    assert done.completed_at
    proposal = TriggerPlanProposal.objects.get()
    assert proposal.child == pairs.ours.child
    assert proposal.status == ProposalStatus.OPEN
    with pytest.raises(ConflictError):  # a finished interview is not changed again
        interviews.return_interview_record(
            interview_id=ri.pk, data=data, acting_user=pairs.ours.users["return_interview_provider"]
        )


def test_completed_without_the_childs_account_saves_nothing(pairs):  # type: ignore[no-untyped-def]
    ri = pairs.ours.interview
    with pytest.raises(InvalidInput) as exc:
        interviews.return_interview_record(
            interview_id=ri.pk,
            data=_record(interviewer_name="", proposed_trigger_plan_change="x"),
            acting_user=pairs.ours.users["return_interview_provider"],
        )
    assert _errors(exc) == {"child_account", "interviewer_name"}
    ri.refresh_from_db()
    assert ri.status == InterviewStatus.REFERRED
    assert ri.offered_at is None
    assert not TriggerPlanProposal.objects.exists()


def test_other_agencies_cannot_record_an_interview(pairs):  # type: ignore[no-untyped-def]
    ri = pairs.ours.interview
    with pytest.raises(PermissionDenied):
        interviews.return_interview_record(
            interview_id=ri.pk, data=_record(status="offered"), acting_user=pairs.calltaker
        )
    with pytest.raises(PermissionDenied):
        interviews.return_interview_record(
            interview_id=ri.pk, data=_record(status="offered"), acting_user=pairs.ours.users["care_provider"]
        )
    with pytest.raises(Http404):
        interviews.return_interview_record(
            interview_id=ri.pk,
            data=_record(status="offered"),
            acting_user=pairs.theirs.users["return_interview_provider"],
        )


def test_figures_count_offered_completed_in_time_and_declined(pairs):  # type: ignore[no-untyped-def]
    provider = pairs.ours.users["return_interview_provider"]
    interviews.return_interview_record(
        interview_id=pairs.ours.interview.pk,
        data=_record(status="declined"),
        acting_user=provider,
    )
    police = interview_figures(interview_queue(pairs.calltaker))
    assert (police.referred, police.offered, police.declined, police.completed_in_time) == (2, 1, 1, 0)
    assert (police.offered_pct, police.declined_pct, police.completed_in_time_pct) == (50, 100, 0)
    mine = interview_figures(interview_queue(provider))
    assert (mine.referred, mine.offered) == (1, 1)


# --- care profiles and care-home reports -------------------------------------------------------------


def _notice(**kw):  # type: ignore[no-untyped-def]
    base = {
        "last_seen_at": timezone.now() - timedelta(hours=1),
        "circumstances": "Did not come back from school.",
        "reporter_name": "Pat Carer",
        "reporter_phone": "01632 960111",
        "from_place": "Oak House",
    }
    return care.NotificationInput(**{**base, **kw})


def test_care_home_keeps_the_profile_and_reports_with_it_attached(pairs):  # type: ignore[no-untyped-def]
    home = pairs.ours.users["care_provider"]
    child = pairs.ours.child
    care.care_profile_save(
        child_id=child.pk,
        data=care.ProfileInput(description="Tall, red coat", friends_and_associates="Mo from school"),
        acting_user=home,
    )
    child.refresh_from_db()
    assert child.description == "Tall, red coat"
    n = care.missing_notification_submit(child_id=child.pk, data=_notice(), acting_user=home)
    assert n.profile["friends_and_associates"] == "Mo from school"
    assert n.force == pairs.force
    assert n.status == NotificationStatus.NEW
    alert = Alert.objects.get(event=care.NOTIFICATION_EVENT, channel="inbox")
    assert alert.recipient_agency == pairs.force
    assert alert.child == child


def test_invalid_report_from_a_care_home_saves_nothing(pairs):  # type: ignore[no-untyped-def]
    bad = _notice(circumstances=" ", reporter_phone="", last_seen_at=timezone.now() + timedelta(days=1))
    with pytest.raises(InvalidInput) as exc:
        care.missing_notification_submit(
            child_id=pairs.ours.child.pk, data=bad, acting_user=pairs.ours.users["care_provider"]
        )
    assert _errors(exc) == {"circumstances", "reporter_phone", "last_seen_at"}
    assert not MissingNotification.objects.exists()
    assert not Alert.objects.exists()


def test_only_the_childs_care_home_keeps_the_profile(pairs):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        care.care_profile_save(
            child_id=pairs.ours.child.pk,
            data=care.ProfileInput(),
            acting_user=pairs.ours.users["placing_authority"],
        )
    with pytest.raises(Http404):
        care.care_profile_save(
            child_id=pairs.theirs.child.pk,
            data=care.ProfileInput(),
            acting_user=pairs.ours.users["care_provider"],
        )
    assert not CareProfile.objects.exists()


def test_the_police_report_from_a_notification_links_them_once(pairs):  # type: ignore[no-untyped-def]
    child = pairs.ours.child
    n = care.missing_notification_submit(
        child_id=child.pk, data=_notice(), acting_user=pairs.ours.users["care_provider"]
    )
    now = timezone.now()
    doc = {
        "format": FORMAT,
        "child": child_section(child, now),
        "report": {
            "reported_at": now.isoformat(),
            "reported_by": "care_home",
            "circumstances": n.circumstances,
        },
    }
    outcome = care.notification_report(notification_id=n.pk, doc=doc, acting_user=pairs.calltaker)
    n.refresh_from_db()
    assert n.status == NotificationStatus.REPORTED
    assert n.episode == outcome.episode
    with pytest.raises(ConflictError):
        care.notification_report(notification_id=n.pk, doc=doc, acting_user=pairs.calltaker)
