"""Multi-agency panels and strategy meetings.

``panel_list`` is the monthly panel's agenda: children reported missing in the last month who were
graded high risk or have gone missing repeatedly (the board's repeat threshold), with their figures.
``meeting_create`` records a meeting — children discussed, attendees by agency, decisions and actions
owned by agencies — in one transaction; ``meeting_action_complete`` marks an action done.

Access: police see their force's meetings; a partner sees a meeting only when it can see *every* child
discussed (a meeting's decisions may name any of them). Only coordinators and supervisors record them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from misper.accounts.models import Agency, Role, User
from misper.audit.services import access_record
from misper.core.errors import FieldError, InvalidInput
from misper.episodes.models import RISK_ORDER, Episode, Risk
from misper.episodes.schedules import thresholds
from misper.partners.interviews import FINISHED
from misper.partners.models import Meeting, MeetingAction, MeetingKind, ReturnInterview, TriggerPlan
from misper.people.models import Child
from misper.people.selectors import visible_children

PANEL_WINDOW = timedelta(days=30)
MAX_ACTIONS = 8
NOT_ALLOWED = "Only missing person coordinators and supervisors can record meetings."
NOT_FOR_YOU = "Only police and partner practitioners can see the panel list."
NOT_OWNER = "Only the police or the agency that owns this action can mark it done."
CHOOSE_KIND = "Choose the kind of meeting"
ENTER_HELD_ON = "Enter the date of the meeting"
HELD_NOT_FUTURE = "The date of the meeting cannot be in the future"
CHOOSE_CHILDREN = "Choose at least one child the meeting discussed"
ENTER_ATTENDEES = "Enter who attended, one per line, as: name, agency"
ATTENDEE_FORMAT = "Write each attendee as: name, agency (line {n} has no agency)"
ENTER_DECISIONS = "Enter what the meeting decided"
ENTER_ACTION_OWNER = "Choose the agency that owns this action"
ENTER_ACTION_DUE = "Enter the date this action is due"
ACTION_DUE_AFTER = "The due date must be on or after the date of the meeting"
NO_PLAN = "No trigger plan"
PLAN_IN_PLACE = "In place"
PLAN_REVIEW_DUE = "Review overdue"
NO_INTERVIEW = "None referred"
INTERVIEW_OVERDUE = "Overdue"


# --- the panel list ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PanelRow:
    child: Child
    episodes_90d: int
    highest_grade: str
    last_missing: datetime
    plan_status: str
    interview_status: str
    high_risk: bool
    repeat: bool


def _candidates(user: User, now: datetime) -> QuerySet[Child]:
    limits = thresholds()
    since90, since30 = now - limits.repeat_window, now - PANEL_WINDOW
    return (
        Child.objects.filter(pk__in=visible_children(user).values("pk"))
        .annotate(
            n90=Count("episodes", filter=Q(episodes__reported_at__gte=since90), distinct=True),
            recent=Count("episodes", filter=Q(episodes__reported_at__gte=since30), distinct=True),
            high=Count(
                "episodes",
                filter=Q(episodes__reported_at__gte=since30, episodes__risk=Risk.HIGH),
                distinct=True,
            ),
            last_missing=Max("episodes__reported_at"),
        )
        .filter(recent__gt=0)
        .filter(Q(high__gt=0) | Q(n90__gte=limits.repeat_episodes))
        .order_by("-high", "-n90", "family_name", "given_name")
    )


def _highest_grades(ids: list[int], since: datetime) -> dict[int, str]:
    out: dict[int, str] = {}
    rows = Episode.objects.filter(child_id__in=ids, reported_at__gte=since).values_list("child_id", "risk")
    for child_id, risk in rows:
        if risk and RISK_ORDER.get(risk, -1) > RISK_ORDER.get(out.get(child_id, ""), -1):
            out[child_id] = risk
    return out


def _plan_statuses(ids: list[int], today: date) -> dict[int, str]:
    plans = TriggerPlan.objects.filter(child_id__in=ids, superseded_at__isnull=True)
    return {
        p.child_id: PLAN_REVIEW_DUE if p.review_on and p.review_on < today else PLAN_IN_PLACE for p in plans
    }


def _interview_statuses(ids: list[int], now: datetime) -> dict[int, str]:
    """The latest return interview of each child: its status, or "Overdue" when past due and open."""
    out: dict[int, str] = {}
    rows = ReturnInterview.objects.filter(episode__child_id__in=ids).select_related("episode")
    for ri in rows.order_by("referred_at", "pk"):  # later ones overwrite earlier
        overdue = ri.status not in FINISHED and ri.due_at < now
        out[ri.episode.child_id] = INTERVIEW_OVERDUE if overdue else ri.get_status_display()
    return out


def panel_list(user: User, now: datetime | None = None) -> list[PanelRow]:
    """Children the user can see who went missing in the last 30 days and were graded high risk then,
    or are repeat missing children under the policy (``schedules.thresholds``); high risk first. A fixed number of
    queries, however long the list."""
    now = now or timezone.now()
    children = list(_candidates(user, now)[:300])
    ids = [c.pk for c in children]
    limits = thresholds()
    grades = _highest_grades(ids, now - limits.repeat_window)
    plans = _plan_statuses(ids, timezone.localdate(now))
    interviews = _interview_statuses(ids, now)
    return [
        PanelRow(
            child=c,
            episodes_90d=c.n90,  # type: ignore[attr-defined]
            highest_grade=grades.get(c.pk, ""),
            last_missing=c.last_missing,  # type: ignore[attr-defined]
            plan_status=plans.get(c.pk, NO_PLAN),
            interview_status=interviews.get(c.pk, NO_INTERVIEW),
            high_risk=c.high > 0,  # type: ignore[attr-defined]
            repeat=limits.is_repeat(c.n90),  # type: ignore[attr-defined]
        )
        for c in children
    ]


def panel_overview(user: User, *, request: Any = None) -> tuple[list[PanelRow], list[Meeting]]:
    """The panel list and the meetings ``user`` may see, for the page and the API alike: read together, and
    the children listed logged as a consultation in the same transaction. The caller checks
    ``may_see_panels`` first (the page and the API word the refusal their own way)."""
    with transaction.atomic():
        rows = panel_list(user)
        meetings = meeting_list(user)
        access_record(
            user=user,
            action="list",
            record_type="child",
            record_ids=[r.child.pk for r in rows],
            request=request,
        )
    return rows, meetings


def may_see_panels(user: User) -> bool:
    return user.is_police or user.role == Role.PARTNER_PRACTITIONER


def may_record_meetings(user: User) -> bool:
    return user.can_supervise


# --- meetings ----------------------------------------------------------------------------------------


def visible_meetings(user: User) -> QuerySet[Meeting]:
    """The access rule for meetings: police see their force's; a partner practitioner sees a meeting
    when every child it discussed is one they can see; anyone else none."""
    if not user.is_authenticated or not user.is_active or user.agency_id is None:
        return Meeting.objects.none()
    if user.is_police:
        return Meeting.objects.filter(force_id=user.agency_id)
    if user.role != Role.PARTNER_PRACTITIONER:
        return Meeting.objects.none()
    seen = visible_children(user).values("pk")
    hidden = Child.objects.exclude(pk__in=seen)
    return Meeting.objects.filter(children__in=seen).exclude(children__in=hidden).distinct()


def access_meeting_by_id(user: User, meeting_id: int) -> Meeting:
    """The meeting if the user may see it; 404 otherwise."""
    meeting = visible_meetings(user).filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def meeting_list(user: User, limit: int = 50) -> list[Meeting]:
    return list(
        visible_meetings(user).prefetch_related("children", "actions").order_by("-held_on", "-pk")[:limit]
    )


@dataclass(frozen=True)
class ActionInput:
    text: str
    owner_agency_id: int | None
    due_on: date | None


@dataclass(frozen=True)
class MeetingInput:
    kind: str
    held_on: date | None
    child_ids: list[int]
    attendee_lines: list[str]
    decisions: str
    actions: list[ActionInput] = field(default_factory=list)


def parse_attendees(lines: list[str]) -> tuple[list[dict[str, str]], FieldError | None]:
    """``"Sam Okafor, Demoshire Council"`` → ``{"name": …, "agency": …}``; the last comma separates
    the agency, so a name may hold commas. Returns the attendees and the first error."""
    out = []
    for n, line in enumerate((x.strip() for x in lines if x.strip()), start=1):
        name, _, agency = line.rpartition(",")
        if not name.strip() or not agency.strip():
            return [], FieldError("attendees", ATTENDEE_FORMAT.format(n=n))
        out.append({"name": name.strip(), "agency": agency.strip()})
    if not out:
        return [], FieldError("attendees", ENTER_ATTENDEES)
    return out, None


def _action_errors(data: MeetingInput) -> list[FieldError]:
    errors = []
    agencies = set(Agency.objects.filter(active=True).values_list("pk", flat=True))
    for i, a in enumerate(data.actions):
        if not a.text.strip():
            continue
        if a.owner_agency_id not in agencies:
            errors.append(FieldError(f"action_owner_{i}", ENTER_ACTION_OWNER))
        if a.due_on is None:
            errors.append(FieldError(f"action_due_{i}", ENTER_ACTION_DUE))
        elif data.held_on and a.due_on < data.held_on:
            errors.append(FieldError(f"action_due_{i}", ACTION_DUE_AFTER))
    return errors


def meeting_errors(data: MeetingInput, user: User) -> list[FieldError]:
    errors = []
    if data.kind not in MeetingKind.values:
        errors.append(FieldError("kind", CHOOSE_KIND))
    if data.held_on is None:
        errors.append(FieldError("held_on", ENTER_HELD_ON))
    elif data.held_on > timezone.localdate():
        errors.append(FieldError("held_on", HELD_NOT_FUTURE))
    ids = set(data.child_ids)
    if not ids or visible_children(user).filter(pk__in=ids).count() != len(ids):
        errors.append(FieldError("children", CHOOSE_CHILDREN))
    _, attendee_error = parse_attendees(data.attendee_lines)
    if attendee_error:
        errors.append(attendee_error)
    if not data.decisions.strip():
        errors.append(FieldError("decisions", ENTER_DECISIONS))
    return errors + _action_errors(data)


def meeting_create(*, data: MeetingInput, acting_user: User) -> Meeting:
    """Record a panel or strategy meeting with its actions. Needs a coordinator or supervisor; the
    children must be ones they can see. Refuses bad input with field errors, saving nothing."""
    if not may_record_meetings(acting_user):
        raise PermissionDenied(NOT_ALLOWED)
    errors = meeting_errors(data, acting_user)
    if errors:
        raise InvalidInput(errors)
    attendees, _ = parse_attendees(data.attendee_lines)
    assert acting_user.agency is not None  # checked above, as is the date
    assert data.held_on is not None
    with transaction.atomic():
        meeting = Meeting.objects.create(
            force=acting_user.agency,
            kind=data.kind,
            held_on=data.held_on,
            attendees=attendees,
            decisions=data.decisions.strip(),
            created_by=acting_user,
            created_at=timezone.now(),
        )
        meeting.children.set(sorted(set(data.child_ids)))
        MeetingAction.objects.bulk_create(_actions(meeting, data.actions))
        access_record(user=acting_user, action="create", record_type="meeting", record_ids=[meeting.pk])
        return meeting


def _actions(meeting: Meeting, actions: list[ActionInput]) -> list[MeetingAction]:
    """The rows for the actions with text (``meeting_errors`` has checked each has an owner and date)."""
    out = []
    for a in actions:
        if a.text.strip():
            assert a.owner_agency_id is not None
            assert a.due_on is not None
            out.append(
                MeetingAction(
                    meeting=meeting,
                    text=a.text.strip()[:300],
                    owner_agency_id=a.owner_agency_id,
                    due_on=a.due_on,
                )
            )
    return out


def meeting_action_complete(*, meeting_id: int, action_id: int, acting_user: User) -> MeetingAction:
    """Mark a meeting's action done today. The meeting must be visible (else 404); the police of its
    force or the owning agency may do it (else PermissionDenied). Done twice keeps the first date."""
    with transaction.atomic():
        meeting = access_meeting_by_id(acting_user, meeting_id)
        action = MeetingAction.objects.select_for_update().filter(pk=action_id, meeting=meeting).first()
        if action is None:
            raise Http404("No such action")
        if not (acting_user.is_police or acting_user.agency_id == action.owner_agency_id):
            raise PermissionDenied(NOT_OWNER)
        if action.completed_on is None:
            action.completed_on, action.completed_by = timezone.localdate(), acting_user
            action.save(update_fields=["completed_on", "completed_by"])
            access_record(user=acting_user, action="change", record_type="meeting", record_ids=[meeting.pk])
        return action


def meeting_detail(meeting: Meeting) -> dict[str, Any]:
    """What the meeting page shows: the meeting, its children and its actions (owners loaded)."""
    return {
        "meeting": meeting,
        "children": list(meeting.children.order_by("family_name", "given_name")),
        "actions": list(meeting.actions.select_related("owner_agency", "completed_by")),
    }
