"""Return home interviews: the provider (or the responsible authority) records offered, accepted,
declined or completed, with the child's account in their own words and what was found. The findings
police see are the agreed fields in ``FINDINGS_FOR_POLICE``; the child's account stays with the
interviewer's agency and the authority. A finding may propose a trigger plan change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from misper.accounts.models import User
from misper.audit.services import access_record
from misper.core.errors import ConflictError, FieldError, InvalidInput
from misper.partners.models import InterviewStatus, ReturnInterview, TriggerPlanProposal
from misper.partners.selectors import visible_interviews

# The fields that flow back to police (shown on the episode page): agreed with the local authorities.
FINDINGS_FOR_POLICE = ("push_factors", "pull_factors", "risks_found", "what_should_change", "child_wishes")
FINISHED = (InterviewStatus.COMPLETED, InterviewStatus.DECLINED, InterviewStatus.NOT_POSSIBLE)
RECORDABLE = (
    InterviewStatus.OFFERED,
    InterviewStatus.ACCEPTED,
    InterviewStatus.DECLINED,
    InterviewStatus.COMPLETED,
    InterviewStatus.NOT_POSSIBLE,
)
# Each status may move only forwards; a finished interview is not changed again.
ALLOWED_MOVES = {
    InterviewStatus.REFERRED: set(RECORDABLE),
    InterviewStatus.OFFERED: {
        InterviewStatus.ACCEPTED,
        InterviewStatus.DECLINED,
        InterviewStatus.COMPLETED,
        InterviewStatus.NOT_POSSIBLE,
    },
    InterviewStatus.ACCEPTED: {
        InterviewStatus.COMPLETED,
        InterviewStatus.DECLINED,
        InterviewStatus.NOT_POSSIBLE,
    },
}
# Marked for the Welsh catalogue (the API answers in English; the pages translate them where shown).
NOT_YOURS = gettext_noop("Only the interview's provider or the responsible local authority can record it.")
ALREADY_FINISHED = gettext_noop("This interview has already been recorded as finished.")
STALE = gettext_noop("Someone else changed this interview after you opened the page. Check it and try again.")
CHOOSE_STATUS = gettext_noop("Choose what happened")
ENTER_ACCOUNT = gettext_noop("Enter the child's account, in their own words")
ENTER_INTERVIEWER = gettext_noop("Enter the name of the person who did the interview")
NOT_FUTURE = gettext_noop("The time cannot be in the future")
BEFORE_REFERRAL = gettext_noop("The time cannot be before the referral")


@dataclass(frozen=True)
class InterviewRecord:
    status: str
    at: datetime
    interviewer_name: str = ""
    child_account: str = ""
    push_factors: str = ""
    pull_factors: str = ""
    risks_found: str = ""
    what_should_change: str = ""
    child_wishes: str = ""
    proposed_trigger_plan_change: str = ""


def _errors(data: InterviewRecord, interview: ReturnInterview) -> list[FieldError]:
    errors = []
    if data.status not in RECORDABLE:
        errors.append(FieldError("status", CHOOSE_STATUS))
    if data.at > timezone.now() + timedelta(minutes=5):
        errors.append(FieldError("at", NOT_FUTURE))
    elif data.at < interview.referred_at - timedelta(hours=1):
        errors.append(FieldError("at", BEFORE_REFERRAL))
    if data.status == InterviewStatus.COMPLETED:
        if not data.child_account.strip():
            errors.append(FieldError("child_account", ENTER_ACCOUNT))
        if not data.interviewer_name.strip():
            errors.append(FieldError("interviewer_name", ENTER_INTERVIEWER))
    return errors


def _lock(interview_id: int, user: User) -> ReturnInterview:
    interview = (
        visible_interviews(user).select_for_update().select_related("episode").filter(pk=interview_id).first()
    )
    if interview is None:
        from django.http import Http404

        raise Http404("No such interview")
    if user.agency_id not in (interview.responsible_agency_id, interview.provider_id) or user.is_police:
        raise PermissionDenied(NOT_YOURS)
    return interview


def _apply(interview: ReturnInterview, data: InterviewRecord) -> None:
    s = data.status
    interview.status = s
    if interview.offered_at is None:
        interview.offered_at = data.at
    if s in (InterviewStatus.ACCEPTED, InterviewStatus.COMPLETED) and interview.accepted_at is None:
        interview.accepted_at = data.at
    if s == InterviewStatus.DECLINED:
        interview.declined_at = data.at
    if s == InterviewStatus.COMPLETED:
        interview.completed_at = data.at
    for name in ("interviewer_name", "child_account", *FINDINGS_FOR_POLICE, "proposed_trigger_plan_change"):
        value = getattr(data, name).strip()
        if value:
            setattr(interview, name, value)
    interview.version += 1


def return_interview_record(
    *, interview_id: int, data: InterviewRecord, acting_user: User, expected_version: int | None = None
) -> ReturnInterview:
    """Record what happened with a return interview. Refuses with field errors (nothing saved), a
    finished interview or a stale version with ConflictError, another agency with PermissionDenied.
    A proposed trigger plan change becomes an open proposal on the child's trigger plan page."""
    with transaction.atomic():
        interview = _lock(interview_id, acting_user)
        if interview.status in FINISHED:
            raise ConflictError(ALREADY_FINISHED)
        if expected_version is not None and interview.version != expected_version:
            raise ConflictError(STALE)
        errors = _errors(data, interview)
        if not errors and data.status not in ALLOWED_MOVES.get(interview.status, set()):
            errors.append(FieldError("status", CHOOSE_STATUS))
        if errors:
            raise InvalidInput(errors)
        _apply(interview, data)
        interview.save()
        if data.proposed_trigger_plan_change.strip():
            TriggerPlanProposal.objects.create(
                child=interview.episode.child,
                return_interview=interview,
                text=data.proposed_trigger_plan_change.strip(),
                proposed_by=acting_user,
                agency=acting_user.agency,
                created_at=timezone.now(),
            )
        access_record(
            user=acting_user, action="change", record_type="return_interview", record_ids=[interview.pk]
        )
        return interview
