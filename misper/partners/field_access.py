"""The field access matrix: which groups of a child's record each agency relationship may see.

``people.selectors.child_access_q`` decides *which* children a user sees at all; this module decides
*which fields* of a child's record (and of its episodes, assessments, interviews, associates…) they see,
from what the user's agency is to that child. ``projections.py`` shapes every record through it, and
every surface (pages, API, CSV/XLSX/PDF, dashboards, alerts, e-mails, briefing sheets, national
exports) reads through ``projections``. docs/trust.md prints ``MATRIX`` as a table; the sentinel crawl
(``misper/accounts/tests/test_sentinel_crawl.py``) plants a value in every restricted field and checks
each appears only where ``MATRIX`` allows.

A new field is in no group until someone puts it in one: the projections work by allow-list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from django.db.models import Q

from misper.accounts.models import Role, User


class Relation(StrEnum):
    """What the user's agency is to one child (a user can be more than one at once)."""

    POLICE_OWNER = "police_owner"  # police of the force holding the child's record
    POLICE_HOST = "police_host"  # police of a force the child is placed in, under a current notice
    PLACING_AUTHORITY = "placing_authority"
    HOST_AUTHORITY = "host_authority"
    CARE_HOME = "care_home"
    INTERVIEW_AGENCY = "interview_agency"  # return interview provider or responsible authority


class Group(StrEnum):
    SHARED = "shared"
    POLICE_INTELLIGENCE = "police_intelligence"
    SAFE_AND_WELL_ACCOUNT = "safe_and_well_account"
    INTERVIEW_ACCOUNT = "interview_account"


# Plain-English names and contents, for docs/trust.md and the pages.
GROUP_TEXT: dict[Group, tuple[str, str]] = {
    Group.SHARED: (
        "The shared record",
        "name, reference, date of birth, description, photo, contacts, medical needs, care status and "
        "placement, vulnerabilities, trigger plan and proposals, care profile, placement notices and "
        "known risks, episodes (dates, status, grade, circumstances, where found, how returned), the "
        "engine's reasons not built on police-only inputs, the agreed findings of a return interview "
        "(push and pull factors, risks, what should change, the child's wishes), panel meetings",
    ),
    Group.POLICE_INTELLIGENCE: (
        "Police intelligence",
        "associates of concern and their intelligence notes, CAWNs, who the child was found with, "
        "offences identified, the officer's grading rationale, the supervisor's decision note, "
        "supervisors' reviews, police actions and their outcomes, closure summary, who reported the "
        "child and their phone, the engine's reasons and actions built on police-only inputs, "
        "dashboard figures made of these (gradings below the recommendation: the reasons given)",
    ),
    Group.SAFE_AND_WELL_ACCOUNT: (
        "The police's safe and well check",
        "the child's account to the officer, harm details, offences to investigate, the safety decision",
    ),
    Group.INTERVIEW_ACCOUNT: (
        "The child's own account in a return interview",
        "what the child told the interviewer, in their words",
    ),
}

EVERY_RELATION = frozenset(Relation)
OWNING_FORCE = frozenset({Relation.POLICE_OWNER})

# Group → the relations that see it. INTERVIEW_ACCOUNT is per interview: the interview's own provider
# and responsible authority (``interview_account_visible``), never another agency that sees the child.
MATRIX: dict[Group, frozenset[Relation]] = {
    Group.SHARED: EVERY_RELATION,
    Group.POLICE_INTELLIGENCE: OWNING_FORCE,
    Group.SAFE_AND_WELL_ACCOUNT: OWNING_FORCE,
    Group.INTERVIEW_ACCOUNT: frozenset({Relation.INTERVIEW_AGENCY}),
}


def _hosts(force_id: int, child_id: int) -> bool:
    from misper.partners.models import PlacementNotice

    current = Q(ends_on__isnull=True) | Q(ends_on__gte=date.today())
    return PlacementNotice.objects.filter(current, host_force_id=force_id, child_id=child_id).exists()


def _interviews(agency_id: int, child_id: int) -> bool:
    from misper.partners.models import ReturnInterview

    mine = Q(provider_id=agency_id) | Q(responsible_agency_id=agency_id)
    return ReturnInterview.objects.filter(mine, episode__child_id=child_id).exists()


def relations_to(user: User, child: Any) -> frozenset[Relation]:
    """Every relation of ``user``'s agency to ``child`` (empty for anyone with no access)."""
    if not user.is_authenticated or not user.is_active or user.agency_id is None or child is None:
        return frozenset()
    agency_id = user.agency_id
    if user.is_police:
        if child.force_id == agency_id:
            return frozenset({Relation.POLICE_OWNER})
        return frozenset({Relation.POLICE_HOST}) if _hosts(agency_id, child.pk) else frozenset()
    if user.role != Role.PARTNER_PRACTITIONER:
        return frozenset()
    found = {
        rel
        for rel, holder in (
            (Relation.PLACING_AUTHORITY, child.placing_authority_id),
            (Relation.HOST_AUTHORITY, child.host_authority_id),
            (Relation.CARE_HOME, child.care_provider_id),
        )
        if holder == agency_id
    }
    if _interviews(agency_id, child.pk):
        found.add(Relation.INTERVIEW_AGENCY)
    return frozenset(found)


@dataclass(frozen=True)
class FieldView:
    """What one user may see of one child's record, by group. Templates ask ``fv.police_intelligence``
    (never ``user.is_police``) before showing a restricted field."""

    relations: frozenset[Relation]

    def sees(self, group: Group) -> bool:
        return bool(self.relations & MATRIX[group])

    @property
    def shared(self) -> bool:
        return self.sees(Group.SHARED)

    @property
    def police_intelligence(self) -> bool:
        return self.sees(Group.POLICE_INTELLIGENCE)

    @property
    def safe_and_well_account(self) -> bool:
        return self.sees(Group.SAFE_AND_WELL_ACCOUNT)


def field_view(user: User, child: Any) -> FieldView:
    return FieldView(relations_to(user, child))


def interview_account_visible(user: User, interview: Any) -> bool:
    """The child's own account belongs to the interviewer's agency and the responsible authority."""
    if user.is_police or user.role != Role.PARTNER_PRACTITIONER or user.agency_id is None:
        return False
    return user.agency_id in (interview.provider_id, interview.responsible_agency_id)


def owned_q(user: User, prefix: str = "") -> Q:
    """Records of children on the user's own force's records: the only ones whose police-only fields a
    police user sees (a filter on Child, or a relation via ``prefix``). Nothing for anyone else."""
    if not user.is_police or user.agency_id is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}force_id": user.agency_id})
