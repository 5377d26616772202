"""Reads for partners: the agency directory and the in-app alert inbox, with the access rule built in."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from misper.accounts.models import Agency, Role, User
from misper.partners.models import (
    InterviewStatus,
    MissingNotification,
    NotificationStatus,
    ProposalStatus,
    ReturnInterview,
    TriggerPlan,
    TriggerPlanProposal,
)
from misper.people.models import Child
from misper.people.selectors import visible_children


def agency_list() -> QuerySet[Agency]:
    """Every active agency, by name: the directory partners pick from when they subscribe."""
    return Agency.objects.filter(active=True).order_by("name", "pk")


# --- what an agency is to a child --------------------------------------------------------------------

POLICE = "police"
PLACING_AUTHORITY = "placing_authority"
HOST_AUTHORITY = "host_authority"
CARE_PROVIDER = "care_provider"
INTERVIEW_PROVIDER = "return_interview_provider"
# Partners responsible for a child, who may agree its trigger plan with the police.
PLAN_PARTNERS = frozenset({PLACING_AUTHORITY, HOST_AUTHORITY})


def agency_relations(user: User, child: Child) -> frozenset[str]:
    """What the user's agency is to ``child`` (a child the user can already see): police, placing or
    host authority, care provider, return interview provider. Empty for anyone else."""
    if user.agency_id is None:
        return frozenset()
    if user.is_police:
        return frozenset({POLICE})
    if user.role != Role.PARTNER_PRACTITIONER:
        return frozenset()
    a = user.agency_id
    out = {
        name
        for name, agency_id in (
            (PLACING_AUTHORITY, child.placing_authority_id),
            (HOST_AUTHORITY, child.host_authority_id),
            (CARE_PROVIDER, child.care_provider_id),
        )
        if agency_id == a
    }
    interviews = ReturnInterview.objects.filter(episode__child=child)
    if interviews.filter(Q(provider_id=a) | Q(responsible_agency_id=a)).exists():
        out.add(INTERVIEW_PROVIDER)
    return frozenset(out)


# --- trigger plans -----------------------------------------------------------------------------------


def trigger_plan_history(child: Child) -> list[TriggerPlan]:
    """Every version of the child's plan, newest first; the first is current unless superseded."""
    return list(TriggerPlan.objects.filter(child=child).prefetch_related("agencies").order_by("-version"))


def open_proposals(child: Child) -> list[TriggerPlanProposal]:
    return list(
        TriggerPlanProposal.objects.filter(child=child, status=ProposalStatus.OPEN)
        .select_related("agency", "proposed_by")
        .order_by("created_at")
    )


# --- return home interviews --------------------------------------------------------------------------


def visible_interviews(user: User) -> QuerySet[ReturnInterview]:
    """The access rule for return interviews: visible exactly when the episode (so the child) is."""
    from misper.episodes.selectors import visible_episodes

    return ReturnInterview.objects.filter(episode__in=visible_episodes(user))


def access_interview_by_id(user: User, interview_id: int) -> ReturnInterview:
    """One interview ``user`` may see, with its episode, child and agencies (404 otherwise)."""
    interview = (
        visible_interviews(user)
        .select_related("episode", "episode__child", "responsible_agency", "provider")
        .filter(pk=interview_id)
        .first()
    )
    if interview is None:
        raise Http404("No such interview")
    return interview


def interview_queue(user: User) -> QuerySet[ReturnInterview]:
    """The interviews the user's agency must do (as responsible authority or commissioned provider); for
    police, every interview of their force's children. Soonest due first."""
    qs = visible_interviews(user)
    if not user.is_police:
        qs = qs.filter(Q(responsible_agency_id=user.agency_id) | Q(provider_id=user.agency_id))
    return qs.select_related("episode", "episode__child", "responsible_agency", "provider").order_by(
        "due_at", "pk"
    )


@dataclass(frozen=True)
class InterviewFigures:
    referred: int
    offered: int
    completed_in_time: int
    declined: int

    @staticmethod
    def _pct(part: int, whole: int) -> int | None:
        return round(100 * part / whole) if whole else None

    @property
    def offered_pct(self) -> int | None:
        return self._pct(self.offered, self.referred)

    @property
    def completed_in_time_pct(self) -> int | None:
        return self._pct(self.completed_in_time, self.referred)

    @property
    def declined_pct(self) -> int | None:
        """Of the interviews offered, how many the child declined."""
        return self._pct(self.declined, self.offered)


def interview_figures(qs: QuerySet[ReturnInterview]) -> InterviewFigures:
    """Offered %, completed within 72 hours % (of all referred) and declined % (of those offered), in
    one query. An interview counts as offered once it has an offer time."""
    agg = qs.aggregate(
        referred=Count("pk"),
        offered=Count("pk", filter=Q(offered_at__isnull=False)),
        completed_in_time=Count(
            "pk", filter=Q(status=InterviewStatus.COMPLETED, completed_at__lte=F("due_at"))
        ),
        declined=Count("pk", filter=Q(status=InterviewStatus.DECLINED)),
    )
    return InterviewFigures(**agg)


# --- care homes' reports -----------------------------------------------------------------------------


def visible_notifications(user: User) -> QuerySet[MissingNotification]:
    """Visible exactly when the child is."""
    return MissingNotification.objects.filter(child__in=visible_children(user))


def control_room_queue(user: User) -> list[MissingNotification]:
    """New reports from care homes for the user's force, oldest first (police only; empty otherwise)."""
    if not user.is_police:
        return []
    return list(
        visible_notifications(user)
        .filter(status=NotificationStatus.NEW, force_id=user.agency_id)
        .select_related("child", "care_home")
        .order_by("created_at", "pk")
    )
