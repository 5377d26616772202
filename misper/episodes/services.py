"""Writes for episodes. Each service is one transaction: the change, its status-change row, its access-log
event (and, from the partners app, its alerts) commit together or not at all. Nothing else saves episode
state. Services take keyword-only arguments and raise InvalidInput (field-level, nothing saved),
ConflictError (not allowed in the current state, or a stale write) or PermissionDenied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from misper import risk
from misper.accounts.models import Agency, AgencyKind, User
from misper.audit.history import history_save
from misper.audit.services import access_record
from misper.core.errors import ConflictError, FieldError, InvalidInput
from misper.core.http import IDEMPOTENCY_KEY_HEADER, canonical_sha256, idempotency_key_check
from misper.core.versions import version_check
from misper.episodes import grading, schedules
from misper.episodes.actions import (
    STANDARD_ENQUIRIES,
    action_finish_by_code,
    action_title,
    actions_close_search,
    format_when,
)
from misper.episodes.documents import assess_on_file, child_on_file_document, episode_document, merge_on_file
from misper.episodes.models import (
    Action,
    ApprovalStatus,
    AssessmentKind,
    Episode,
    IdempotencyKey,
    RiskAssessment,
    SafeAndWellCheck,
    Status,
    StatusChange,
)
from misper.episodes.transitions import episode_transition
from misper.notifications.alerts import (
    GRADING_APPROVED,
    GRADING_REJECTED,
    OWNER_FOUND,
    floor_override_alert_write,
    personal_alert_write,
)
from misper.partners.models import ReturnInterview
from misper.people.concern import person_for_input, place_for_input
from misper.people.models import Child, Location, LocationKind, VulnerabilityFlag
from misper.risk.binding import floors_broken
from misper.risk.facts import report_answers

CLOCK_SKEW = timedelta(minutes=5)
IDEMPOTENCY_KEY_REUSED = (
    "You already used this key for a different report, so this one was not recorded. Send each new "
    "report with a new key; resend exactly the same report to get the first answer again"
)


def _policy() -> str:
    return str(settings.MISPER_RISK_POLICY)


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _require_police(user: User) -> None:
    if not user.is_police:
        raise PermissionDenied("Only police users can do this.")


def _check_version(episode: Episode, expected_version: int | None) -> None:
    """A missing version is refused (422 naming ``version``), a stale one is a 409 (misper.core.versions)."""
    version_check(
        current=episode.version,
        expected=expected_version,
        stale_message="Someone else changed this episode after you opened it "
        f"(you had version {expected_version}, it is now {episode.version}). "
        "Reload it, check what changed, and make your change again.",
    )


def _save(episode: Episode, acting_user: User | None) -> None:
    """Save a changed episode with the next version, keeping who changed what (misper.audit.history)."""
    episode.version += 1
    history_save(episode, user=acting_user)


def _lock(episode_id: int, user: User) -> Episode:
    from misper.episodes.selectors import visible_episodes

    episode = visible_episodes(user).select_for_update().filter(pk=episode_id).first()
    if episode is None:
        from django.http import Http404

        raise Http404("No such episode")
    return episode


# --- report -------------------------------------------------------------------------------------------


@dataclass
class ReportOutcome:
    episode: Episode
    assessment: RiskAssessment
    replayed: bool = False
    prompts: list[str] = field(default_factory=list)


def _validate_document(doc: Any) -> None:
    try:
        risk.validate(doc)
    except risk.InvalidDocument as exc:
        raise InvalidInput(FieldError(exc.field, exc.message)) from exc


PLACEMENT_AGENCY_UNKNOWN = (
    "is not the code of an active local authority: use a code from GET /api/v1/agencies "
    "(a council that is never told the child is missing cannot help find them)"
)


def _placement_agencies_check(doc: dict[str, Any]) -> None:
    """Refuse a document naming a placing or host authority by a code that is not an active local
    authority. Dropping the unknown code silently would mean the council is never told (issue 18)."""
    placement = (doc.get("child") or {}).get("placement") or {}
    for key in ("placing_authority", "host_authority"):
        code = placement.get(key)
        if code and _agency_by_code(code) is None:
            raise InvalidInput(FieldError(f"child.placement.{key}", PLACEMENT_AGENCY_UNKNOWN))


def _agency_by_code(code: str | None) -> Agency | None:
    if not code:
        return None
    return Agency.objects.filter(code=code, kind=AgencyKind.LOCAL_AUTHORITY, active=True).first()


def _child_from_document(force: Agency, section: dict[str, Any], at: datetime, user: User) -> Child:
    child = Child.objects.filter(force=force, ref=section["ref"]).first()
    if child is None:
        placement = section.get("placement") or {}
        child = Child.objects.create(
            force=force,
            ref=section["ref"],
            given_name=section.get("given_name", "") or "Not known",
            family_name=section.get("family_name", "") or "Not known",
            date_of_birth=date.fromisoformat(section["date_of_birth"])
            if section.get("date_of_birth")
            else None,
            sex=section.get("sex", "unknown"),
            looked_after=bool(section.get("looked_after", False)),
            placement_type=placement.get("type", "home"),
            placing_authority=_agency_by_code(placement.get("placing_authority")),
            host_authority=_agency_by_code(placement.get("host_authority")),
            out_of_area=bool(placement.get("out_of_area", False)),
        )
    on_file = {f.code for f in child.flags.all() if f.is_current(at.date())}
    VulnerabilityFlag.objects.bulk_create(
        VulnerabilityFlag(
            child=child, code=c, source="Reported at intake", noted_on=at.date(), created_by=user
        )
        for c in sorted(set(section.get("vulnerabilities", [])) - on_file)
    )
    return child


def _assessment_from_result(
    *,
    episode: Episode,
    result: dict[str, Any],
    doc: dict[str, Any],
    user: User | None,
    kind: str,
    graded: dict[str, str] | None,
    rationale: str = "",
) -> RiskAssessment:
    graded = graded or {"category": result["category"], "risk": result["risk"]}
    under = bool(result.get("under_graded"))
    return RiskAssessment.objects.create(
        episode=episode,
        kind=kind,
        created_at=timezone.now(),
        created_by=user,
        policy_name=result["policy"]["name"],
        policy_version=str(result["policy"]["version"]),
        inputs=doc,
        result=result,
        recommended_category=result["category"],
        recommended_risk=result["risk"],
        immediacy=result["immediacy"],
        seriousness=result["seriousness"],
        graded_category=graded["category"],
        graded_risk=graded["risk"],
        rationale=rationale,
        under_graded=under,
        approval_status=ApprovalStatus.PENDING if under else ApprovalStatus.NOT_NEEDED,
    )


def _create_actions(
    episode: Episode, result: dict[str, Any], trigger_actions: list[str], at: datetime
) -> None:
    due = schedules.action_due_at(episode.risk, at)
    rows = [
        Action(episode=episode, code=c, title=action_title(c), source="engine", due_at=due)
        for c in result["actions"]
    ]
    rows += [
        Action(episode=episode, code=c, title=t, source="standard", due_at=due) for c, t in STANDARD_ENQUIRIES
    ]
    rows += [
        Action(episode=episode, code="trigger_plan", title=t[:200], source="trigger_plan", due_at=at)
        for t in trigger_actions
    ]
    Action.objects.bulk_create(rows)


def episode_report(
    *, doc: dict[str, Any], acting_user: User, idempotency_key: str | None = None, rationale: str = ""
) -> ReportOutcome:
    """Record a missing report from a misper/1 document: match or create the child by ``child.ref`` in the
    user's force, create the episode, run the engine on the document merged with everything on file, and
    store the first assessment with the actions it recommends.

    An ``operator_grading`` below the recommendation is recorded and sent for a supervisor's approval; the
    episode is worked at the recommended grade until a supervisor agrees to the lower one.
    """
    _require_police(acting_user)
    idempotency_key_check(idempotency_key)
    request_sha256 = canonical_sha256(doc)
    _validate_document(doc)
    _placement_agencies_check(doc)
    force = acting_user.agency
    assert force is not None
    try:
        with transaction.atomic():
            replay = _replay(acting_user, idempotency_key, request_sha256)
            if replay is not None:
                return replay
            outcome = _report(doc=doc, force=force, user=acting_user, rationale=rationale)
            if idempotency_key:
                IdempotencyKey.objects.create(
                    user=acting_user,
                    key=idempotency_key,
                    request_sha256=request_sha256,
                    episode=outcome.episode,
                )
            return outcome
    except IntegrityError:
        # A concurrent retry with the same key won the race: answer with its episode (if the same body).
        replay = _replay(acting_user, idempotency_key, request_sha256)
        if replay is None:
            raise
        return replay


def _replay(user: User, key: str | None, request_sha256: str) -> ReportOutcome | None:
    """The first answer to ``user``'s earlier request with ``key``, if the body is the same; InvalidInput
    naming the key if it is not (the second report is refused, never silently dropped). Keys are the
    user's own: another user's key is never found here."""
    done = (
        IdempotencyKey.objects.filter(user=user, key=key).select_related("episode").first() if key else None
    )
    if done is None:
        return None
    if done.request_sha256 != request_sha256:
        raise InvalidInput(FieldError(IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_REUSED))
    return ReportOutcome(done.episode, done.episode.assessments.order_by("pk")[0], replayed=True)


def _report(*, doc: dict[str, Any], force: Agency, user: User, rationale: str) -> ReportOutcome:
    report = doc["report"]
    reported_at = _parse_time(report["reported_at"])
    child = _child_from_document(force, doc["child"], reported_at, user)
    separate = _separate_incident_reason(child, report)
    merged = merge_on_file(doc, child_on_file_document(child, reported_at))
    result = risk.assess(merged, _policy())
    under = bool(result.get("under_graded"))
    graded = doc.get("operator_grading")
    if graded:
        _refuse_report_below_floor(result, graded)
    working = {"category": result["category"], "risk": result["risk"]} if (under or not graded) else graded
    yes, not_known = report_answers(report)
    episode = Episode.objects.create(
        force=force,
        child=child,
        reference=f"tmp-{timezone.now().timestamp()}-{child.pk}",
        category=working["category"],
        risk=working["risk"],
        reported_at=reported_at,
        last_seen_at=_parse_time(report["last_seen_at"]) if report.get("last_seen_at") else None,
        missing_from_care=bool(child.looked_after),
        reporter_type=report.get("reported_by", "other"),
        circumstances=report.get("circumstances", ""),
        indicators=sorted(yes),
        indicators_not_known=sorted(not_known),
        created_by=user,
        next_review_at=schedules.next_review_at(working["risk"], timezone.now()),
    )
    episode.reference = f"{force.code[:3].upper()}-{reported_at:%Y}-{episode.pk:06d}"
    episode.save(update_fields=["reference"])
    StatusChange.objects.create(
        episode=episode, from_status="", to_status=Status.REPORTED, at=timezone.now(), by=user, note=separate
    )
    assessment = _assessment_from_result(
        episode=episode,
        result=result,
        doc=merged,
        user=user,
        kind=AssessmentKind.INITIAL,
        graded=graded,
        rationale=rationale,
    )
    if under:
        _mark_senior_review(assessment, episode)
    trigger = merged["child"].get("trigger_plan") or {}
    _create_actions(episode, result, list(trigger.get("actions", [])), timezone.now())
    _emit(event="episode.reported", episode=episode)
    if _crossed_repeat_threshold(result):
        _emit(event="episode.repeat_threshold", episode=episode)
    # Logged last: the access log's chain lock is held from here to commit (misper.audit.services).
    access_record(user=user, action="create", record_type="episode", record_ids=[episode.pk, child.pk])
    return ReportOutcome(episode, assessment)


OPEN_STATUSES = schedules.OPEN_STATUSES
ALREADY_MISSING = (
    "{name} is already reported missing: episode {reference} is still open. Add the new information to "
    "that episode. Only if this is a genuinely separate incident, report it again saying why."
)
SEPARATE_REASON_NEEDED = "Say why this is a separate incident from the open episode"


def open_episode_for(child: Child) -> Episode | None:
    """The child's open episode (reported or under investigation), the oldest if ever more than one."""
    return Episode.objects.filter(child=child, status__in=OPEN_STATUSES).order_by("reported_at", "pk").first()


def _separate_incident_reason(child: Child, report: dict[str, Any]) -> str:
    """One open episode per child: refuse a report for a child already missing unless the caller says it
    is a separate incident and why; return the note that logs the override on the new episode.

    The child row is locked first, so two reports racing for one child are decided one after the other."""
    Child.objects.select_for_update().filter(pk=child.pk).first()
    reason = str((report.get("separate_incident") or {}).get("reason", "")).strip()
    if "separate_incident" in report and not reason:
        raise InvalidInput(FieldError("report.separate_incident.reason", SEPARATE_REASON_NEEDED))
    current = open_episode_for(child)
    if current is None:
        return f"Reported as a separate incident: {reason}" if reason else ""
    if not reason:
        raise ConflictError(
            ALREADY_MISSING.format(name=child.full_name, reference=current.reference),
            errors=[
                FieldError(
                    "report.separate_incident",
                    f"Open episode {current.reference} (id {current.pk}): add the new information there, "
                    "or send separate_incident with the reason",
                )
            ],
            context={"open_episode": {"id": current.pk, "reference": current.reference}},
        )
    return f"Reported as a separate incident while {current.reference} was open: {reason}"


def _refuse_report_below_floor(result: dict[str, Any], graded: dict[str, str]) -> None:
    """A report's own grading below a floor that binds people is refused for everyone: record the report at
    the recommendation, and a duty inspector may then override it (``episode_regrade``)."""
    broken = floors_broken(result, graded["category"], graded["risk"])
    if broken:
        field = "operator_grading." + grading.floor_field(broken, graded["category"])
        raise InvalidInput(FieldError(field, grading.floor_refusal(broken)))


def _crossed_repeat_threshold(result: dict[str, Any]) -> bool:
    """True when this report is the one that makes the child a repeat missing child under the policy."""
    if not result.get("repeat"):
        return False
    threshold = schedules.thresholds().repeat_episodes  # the loaded policy, by name or by path
    return int(result["history_summary"]["episodes_in_repeat_window"]) + 1 == threshold


def _emit(*, event: str, episode: Episode, **extra: Any) -> None:
    """Hand an event to the alerts outbox, inside the caller's transaction (see misper.notifications.alerts)."""
    try:
        from misper.notifications.alerts import alerts_for_event
    except ImportError:  # the alerts outbox arrives with the partners work
        return
    alerts_for_event(event=event, episode=episode, **extra)


# --- grading ------------------------------------------------------------------------------------------


@dataclass
class GradingOutcome:
    assessment: RiskAssessment
    pending_approval: bool


def episode_regrade(
    *,
    episode_id: int,
    category: str,
    risk_grade: str,
    rationale: str,
    acting_user: User,
    expected_version: int | None = None,
    kind: str = AssessmentKind.NEW_INFORMATION,
    override_reason: str = "",
) -> GradingOutcome:
    """Re-run the engine on what is on file now and record the operator's grade beside it.

    A grade below the recommendation (or ``absent`` where the engine says ``missing``) needs a written
    rationale and waits for a supervisor (a duty inspector when the rationale uses blaming language); the
    episode keeps its current grade meanwhile. An equal or higher grade applies at once. A grade below a
    floor that binds people is refused, naming the floor, unless a duty inspector gives ``override_reason``:
    then it applies at once as a named override and the force's coordinators are told
    (``misper.episodes.grading``); a host force's inspector may not (PermissionDenied)."""
    _require_police(acting_user)
    errors = []
    if category not in risk.CATEGORIES:
        errors.append(FieldError("category", f"Choose one of: {', '.join(risk.CATEGORIES)}"))
    if risk_grade not in risk.RISKS:
        errors.append(FieldError("risk", f"Choose one of: {', '.join(risk.RISKS)}"))
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        episode = _lock(episode_id, acting_user)
        _check_version(episode, expected_version)
        if not episode.is_open:
            raise ConflictError("This episode is no longer open, so it cannot be re-graded.")
        doc = episode_document(episode)
        doc["operator_grading"] = {"category": category, "risk": risk_grade}
        result = assess_on_file(doc, policy=_policy(), now=timezone.now())
        broken = grading.floors_check(
            result=result,
            category=category,
            risk_grade=risk_grade,
            acting_user=acting_user,
            override_reason=override_reason,
        )
        if broken and episode.force_id != acting_user.agency_id:
            raise PermissionDenied(OTHER_FORCE_DECIDES)
        under = bool(result.get("under_graded"))
        if under and not broken and not rationale.strip():
            raise InvalidInput(
                FieldError(
                    "rationale",
                    f"Explain why you are grading below the recommendation ({result['category']}, "
                    f"{result['risk'].replace('_', ' ')}). A supervisor will review it.",
                )
            )
        assessment = _assessment_from_result(
            episode=episode,
            result=result,
            doc=doc,
            user=acting_user,
            kind=kind,
            graded={"category": category, "risk": risk_grade},
            rationale=rationale or override_reason,
        )
        pending = under and not broken
        if broken:
            _record_override(assessment, broken, override_reason)
        elif pending:
            _mark_senior_review(assessment, episode)
        if not pending:
            _apply_grade(episode, category, risk_grade)
        _save(episode, acting_user)
        access_record(user=acting_user, action="change", record_type="episode", record_ids=[episode.pk])
        if broken:
            floor_override_alert_write(episode=episode, assessment=assessment)
        if not pending:
            _emit(event="episode.regraded", episode=episode)
        return GradingOutcome(assessment, pending_approval=pending)


def _record_override(assessment: RiskAssessment, broken: list[dict[str, Any]], reason: str) -> None:
    assessment.approval_status = ApprovalStatus.OVERRIDDEN
    assessment.override_reason, assessment.floors_overridden = reason.strip(), broken
    assessment.save(update_fields=["approval_status", "override_reason", "floors_overridden"])


def _mark_senior_review(assessment: RiskAssessment, episode: Episode) -> None:
    age = episode.child.age_on(timezone.localdate())
    if grading.blaming_terms(assessment.rationale, age):
        assessment.senior_review = True
        assessment.save(update_fields=["senior_review"])


def _apply_grade(episode: Episode, category: str, risk_grade: str) -> None:
    episode.category, episode.risk = category, risk_grade
    episode.next_review_at = schedules.next_review_at(risk_grade, timezone.now())


GRADER_CANNOT_DECIDE = "You made this grading, so another supervisor must decide on it."
OTHER_FORCE_DECIDES = (
    "Only the force that holds the child's record can decide on its grading, or grade below a floor."
)
OTHER_FORCE_CLOSES = "Only the force that holds the child's record can close this episode."
OUT_OF_DATE = (
    "A newer grading was recorded on this episode after this one, so this one is out of date: reject it, "
    "and grade again if the grade should be lower."
)


def assessment_decide(
    *,
    assessment_id: int,
    approve: bool,
    note: str,
    acting_user: User,
    expected_version: int | None = None,
    override_reason: str = "",
) -> RiskAssessment:
    """A supervisor approves or rejects a grading below the engine's recommendation.

    Four eyes: whoever made the grading never decides on it (PermissionDenied), whatever their role; nor
    does a host force, which sees the episode but does not hold the record (PermissionDenied). An
    assessment the user may not see is a 404; one already decided, or an episode changed since the decider
    opened it (``expected_version``), is a ConflictError; so is approving one with a newer grading after it
    (an answer filled or a re-grade since: it is out of date, and can only be rejected). Approving re-runs
    the engine on what is on file now: a grading below a floor that binds now (a trigger plan or flag
    recorded since the grading) is refused naming the floor, unless a duty inspector gives
    ``override_reason`` (a named override, as in ``episode_regrade``)."""
    if not acting_user.can_supervise:
        raise PermissionDenied("Only a supervisor or coordinator can decide on a grading.")
    if not approve and not note.strip():
        raise InvalidInput(FieldError("note", "Say why you are rejecting this grading"))
    with transaction.atomic():
        assessment = _lock_assessment(assessment_id, acting_user)
        episode = _lock(assessment.episode_id, acting_user)
        if episode.force_id != acting_user.agency_id:  # a host force sees it; the grade is the owner's
            raise PermissionDenied(OTHER_FORCE_DECIDES)
        if assessment.created_by_id == acting_user.pk:
            raise PermissionDenied(GRADER_CANNOT_DECIDE)
        if assessment.senior_review and not acting_user.can_override_floor:
            raise PermissionDenied(grading.ONLY_INSPECTOR_DECIDES)
        if assessment.approval_status != ApprovalStatus.PENDING:
            raise ConflictError("This grading has already been decided.")
        _check_version(episode, expected_version)
        if approve and episode.assessments.filter(pk__gt=assessment.pk).exists():
            raise ConflictError(OUT_OF_DATE)
        broken: list[dict[str, Any]] = []
        if approve and episode.is_open:
            broken = _floors_broken_now(episode, assessment, acting_user, override_reason)
        assessment.approval_status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
        assessment.decided_by, assessment.decided_at, assessment.decision_note = (
            acting_user,
            timezone.now(),
            note,
        )
        history_save(assessment, user=acting_user)
        if broken:
            _record_override(assessment, broken, override_reason)
        if approve and episode.is_open:
            _apply_grade(episode, assessment.graded_category, assessment.graded_risk)
        _save(episode, acting_user)
        access_record(user=acting_user, action="change", record_type="episode", record_ids=[episode.pk])
        if broken:
            floor_override_alert_write(episode=episode, assessment=assessment)
        personal_alert_write(
            event=GRADING_APPROVED if approve else GRADING_REJECTED,
            episode=episode,
            user=assessment.created_by,
            discriminator=str(assessment.pk),
            acting_user=acting_user,
            note=note.strip(),
        )
        return assessment


def _floors_broken_now(
    episode: Episode, assessment: RiskAssessment, acting_user: User, override_reason: str
) -> list[dict[str, Any]]:
    """The binding floors the grading goes below on what is on file now (InvalidInput naming them unless a
    duty inspector overrides with a reason): a floor may have come to bind since the grading was made."""
    doc = episode_document(episode)
    doc["operator_grading"] = {"category": assessment.graded_category, "risk": assessment.graded_risk}
    result = assess_on_file(doc, policy=_policy(), now=timezone.now())
    return grading.floors_check(
        result=result,
        category=assessment.graded_category,
        risk_grade=assessment.graded_risk,
        acting_user=acting_user,
        override_reason=override_reason,
    )


def _lock_assessment(assessment_id: int, user: User) -> RiskAssessment:
    from misper.episodes.selectors import visible_episodes

    assessment = (
        RiskAssessment.objects.select_for_update()
        .filter(pk=assessment_id, episode__in=visible_episodes(user).values("pk"))
        .first()
    )
    if assessment is None:
        from django.http import Http404

        raise Http404("No such grading")
    return assessment


# --- found, safe and well, close ----------------------------------------------------------------------


def episode_found(
    *,
    episode_id: int,
    acting_user: User,
    found_at: datetime,
    place: str = "",
    town: str = "",
    postcode: str = "",
    found_with: str = "",
    return_method: str = "",
    expected_version: int | None = None,
    found_with_person_id: int | None = None,
    found_place_id: int | None = None,
) -> Episode:
    """Record that the child has been found or has returned: where (a place on file, or a new one from
    ``place``/``town``/``postcode``) and with whom (a person on file, read by the engine's "found with an
    adult of concern" rule, the dashboard and the problem profile; ``found_with`` is the words said)."""
    _require_police(acting_user)
    with transaction.atomic():
        episode = _lock(episode_id, acting_user)
        _check_version(episode, expected_version)
        person = person_for_input(acting_user, found_with_person_id, "found_with_person_id")
        known_place = place_for_input(acting_user, found_place_id, "found_place_id")
        errors = []
        if found_at < episode.reported_at:
            errors.append(
                FieldError("found_at", "The time found must be after the time the child was reported missing")
            )
        if found_at > timezone.now() + CLOCK_SKEW:
            errors.append(FieldError("found_at", "The time found cannot be in the future"))
        if errors:
            raise InvalidInput(errors)
        episode_transition(episode=episode, to=Status.FOUND, acting_user=acting_user, at=timezone.now())
        episode.found_at, episode.found_with, episode.return_method = found_at, found_with, return_method
        if person is not None:
            episode.found_with_associate = person
            episode.found_with = found_with or str(person)
        if known_place is not None:
            episode.found_location = known_place
        elif place or town or postcode:
            episode.found_location = Location.objects.create(
                force=episode.force, kind=LocationKind.FOUND, name=place, town=town, postcode=postcode
            )
        episode.next_review_at = None
        _save(episode, acting_user)
        now = timezone.now()
        actions_close_search(episode=episode, acting_user=acting_user, at=now)
        # The return interview's 72-hour clock starts at the return, so the referral is made now, not at
        # closure (no referral when no local authority is set up: closure then refuses and says so).
        return_interview_refer(episode=episode, acting_user=acting_user, at=now)
        access_record(user=acting_user, action="change", record_type="episode", record_ids=[episode.pk])
        _emit(event="episode.found", episode=episode)
        personal_alert_write(
            event=OWNER_FOUND,
            episode=episode,
            user=episode.owner,
            discriminator="found",
            acting_user=acting_user,
        )
        return episode


REFERRAL_MADE = "Referred to {agency} on {when}; the interview is due by {due}."


def return_interview_refer(*, episode: Episode, acting_user: User, at: datetime) -> ReturnInterview | None:
    """The episode's return home interview referral, made once: to the responsible local authority, due
    72 hours after the child's return. Returns the existing referral if one was made, None if there is
    no local authority to refer to. The caller holds the episode's lock and transaction."""
    existing = ReturnInterview.objects.filter(episode=episode).first()
    if existing is not None:
        return existing
    authority = responsible_authority(episode.child)
    if authority is None:
        return None
    interview = ReturnInterview.objects.create(
        episode=episode,
        responsible_agency=authority,
        provider=authority.commissioned_providers.filter(kind=AgencyKind.RETURN_INTERVIEW_PROVIDER).first(),
        referred_at=at,
        due_at=schedules.return_interview_due_at(episode.found_at or at),
    )
    action_finish_by_code(
        episode=episode,
        code="return_interview_referral",
        outcome=REFERRAL_MADE.format(
            agency=authority.name, when=format_when(at), due=format_when(interview.due_at)
        ),
        acting_user=acting_user,
        at=at,
    )
    access_record(
        user=acting_user, action="disclose", record_type="return_interview", record_ids=[episode.pk]
    )
    return interview


HARM_AT_HOME_FLAGS = frozenset({"domestic_abuse_at_home", "honour_based_abuse_risk", "child_protection_plan"})


def harm_at_home_suspected(episode: Episode) -> bool:
    """Harm at home is suspected (answered yes, or not known: never read as no) or flagged on the child."""
    if "harm_at_home_suspected" in {*(episode.indicators or []), *(episode.indicators_not_known or [])}:
        return True
    day = episode.reported_at.date()
    return any(f.code in HARM_AT_HOME_FLAGS and f.is_current(day) for f in episode.child.flags.all())


def safe_and_well_record(
    *, episode_id: int, acting_user: User, data: dict[str, Any], expected_version: int | None
) -> SafeAndWellCheck:
    """Record the safe-and-well check on the episode version the user read (a stale one is a 409).
    Refuses 'returned to where they went missing from' without a recorded safety decision when harm at home
    is suspected or the child is not safe to return."""
    _require_police(acting_user)
    with transaction.atomic():
        episode = _lock(episode_id, acting_user)
        _check_version(episode, expected_version)
        if episode.status != Status.FOUND:
            raise ConflictError(
                "A safe-and-well check is recorded after the child is found and before closure."
            )
        if SafeAndWellCheck.objects.filter(episode=episode).exists():
            raise ConflictError("A safe-and-well check is already recorded for this episode.")
        errors = []
        conducted_at = data.get("conducted_at") or timezone.now()
        if episode.found_at and conducted_at < episode.found_at:
            errors.append(FieldError("conducted_at", "The check must be after the child was found"))
        if conducted_at > timezone.now() + CLOCK_SKEW:
            errors.append(FieldError("conducted_at", "The time of the check cannot be in the future"))
        risky = harm_at_home_suspected(episode) or data.get("safe_to_return") is False
        if (
            data.get("returned_to") == "same_place"
            and risky
            and not (data.get("safety_decision") or "").strip()
        ):
            errors.append(
                FieldError(
                    "safety_decision",
                    "Harm at home is suspected or the child is not safe to return: record the safety decision "
                    "(who decided, and why it is safe) before recording that the child returned there",
                )
            )
        if errors:
            raise InvalidInput(errors)
        check = SafeAndWellCheck.objects.create(
            episode=episode,
            conducted_by=acting_user,
            conducted_at=conducted_at,
            **{k: v for k, v in data.items() if k != "conducted_at"},
        )
        episode.harm_disclosed = check.harm_disclosed
        if check.offences_to_investigate:
            episode.offences_identified = check.offences_to_investigate
        _save(episode, acting_user)
        action_finish_by_code(
            episode=episode,
            code="safe_and_well_check",
            outcome=f"Recorded on {format_when(check.conducted_at)}.",
            acting_user=acting_user,
            at=timezone.now(),
        )
        access_record(user=acting_user, action="create", record_type="safe_and_well", record_ids=[episode.pk])
        return check


@dataclass
class CloseOutcome:
    episode: Episode
    return_interview: ReturnInterview
    prompts: list[str]


def responsible_authority(child: Child) -> Agency | None:
    """The local authority responsible for a return interview: placing, then host, then the force's own."""
    if child.placing_authority_id:
        return child.placing_authority
    if child.host_authority_id:
        return child.host_authority
    return (
        Agency.objects.filter(kind=AgencyKind.LOCAL_AUTHORITY, police_area=child.force_id)
        .order_by("pk")
        .first()
    )


def episode_close(
    *,
    episode_id: int,
    acting_user: User,
    reason_no_check: str = "",
    summary: str = "",
    expected_version: int | None = None,
) -> CloseOutcome:
    """Close a found episode. Refused without a safe-and-well check or a reason why not. The return home
    interview referral was made when the child was found; if it was not, closing makes it (never twice).
    Only the force holding the record closes it (a host force, which sees it, gets PermissionDenied)."""
    _require_police(acting_user)
    with transaction.atomic():
        episode = _lock(episode_id, acting_user)
        if episode.force_id != acting_user.agency_id:
            raise PermissionDenied(OTHER_FORCE_CLOSES)
        _check_version(episode, expected_version)
        if episode.status != Status.FOUND:
            raise ConflictError("Only an episode whose child has been found or returned can be closed.")
        has_check = SafeAndWellCheck.objects.filter(episode=episode).exists()
        if not has_check and not reason_no_check.strip():
            raise ConflictError(
                "This episode cannot be closed yet: record a safe-and-well check, "
                "or give the reason it was not done."
            )
        now = timezone.now()
        # Normally made when the child was found; made here only if it was not (an episode found before
        # referrals moved to the return, or a local authority set up since).
        interview = return_interview_refer(episode=episode, acting_user=acting_user, at=now)
        if interview is None:
            raise ConflictError(
                "No local authority is set up for this child, so no return interview can be referred."
            )
        episode_transition(episode=episode, to=Status.CLOSED, acting_user=acting_user, at=now)
        episode.closed_at, episode.closure_summary = now, summary
        episode.safe_and_well_not_done_reason = "" if has_check else reason_no_check
        _save(episode, acting_user)
        access_record(user=acting_user, action="change", record_type="episode", record_ids=[episode.pk])
        return CloseOutcome(episode, interview, _closure_prompts(episode))


def _closure_prompts(episode: Episode) -> list[str]:
    limits = schedules.thresholds()
    since = episode.reported_at - limits.repeat_window
    recent = Episode.objects.filter(
        child=episode.child, reported_at__gte=since, reported_at__lte=episode.reported_at
    ).count()
    if limits.is_repeat(recent):
        return [
            f"{episode.child.given_name} has been missing {recent} times in {limits.repeat_window_days} days: "
            "request a strategy meeting and review or create a trigger plan."
        ]
    return []
