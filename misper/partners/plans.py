"""Trigger plans: written jointly by police and the partners responsible for a child, versioned (a
change is a new row; the previous one is superseded in the same transaction). The engine reads the
current plan's ``minimum_risk`` through ``episodes.documents.current_trigger_plan``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from misper.accounts.models import Agency, User
from misper.audit.services import access_record
from misper.core.errors import ConflictError, FieldError, InvalidInput
from misper.episodes.models import Risk
from misper.partners.models import ProposalStatus, TriggerPlan, TriggerPlanProposal
from misper.partners.selectors import PLAN_PARTNERS, POLICE, agency_relations, open_proposals
from misper.people.models import Child
from misper.people.selectors import access_child_by_id

NOT_ALLOWED = "Only the police or the local authority responsible for this child can change the plan."
STALE_PLAN = "Someone else changed this trigger plan after you opened the page. Check it and try again."
MAX_ACTIONS = 20
ENTER_ACTION = "Enter at least one action, one per line"
ACTION_TOO_LONG = "Each action must be 300 characters or fewer"
ENTER_AGREED_BY = "Enter who agreed the plan and their agencies"
AGREED_NOT_FUTURE = "The date the plan was agreed cannot be in the future"
REVIEW_AFTER_AGREED = "The review date must be after the date the plan was agreed"
CHOOSE_RISK = "Choose the minimum risk grade"
CHOOSE_AGENCIES = "Choose agencies from the child's police force, placing or host authority and care provider"
CHOOSE_PROPOSALS = "Choose proposals that are still open for this child"


@dataclass(frozen=True)
class PlanInput:
    minimum_risk: str
    actions: list[str]
    agreed_by: str
    agreed_on: date
    review_on: date | None
    agency_ids: list[int]


def plan_dict(plan: TriggerPlan) -> dict[str, Any]:
    """One version of a plan as the API shows it: the whole plan is shared with every agency that sees the
    child (``field_access.Group.SHARED``)."""
    return {
        "version": plan.version,
        "minimum_risk": plan.minimum_risk,
        "actions": list(plan.actions),
        "agreed_by": plan.agreed_by,
        "agencies": sorted(a.pk for a in plan.agencies.all()),
        "agreed_on": plan.agreed_on,
        "review_on": plan.review_on,
        "superseded_at": plan.superseded_at,
    }


def plan_agencies(child: Child) -> list[Agency]:
    """The agencies a plan may name as having agreed it: the child's force, placing and host authorities
    and care provider (the page's choices)."""
    ids = [child.force_id, child.placing_authority_id, child.host_authority_id, child.care_provider_id]
    return list(Agency.objects.filter(pk__in=[i for i in ids if i]).order_by("name"))


def may_change_plan(user: User, child: Child) -> bool:
    """Police of a force that can see the child, or its placing or host authority."""
    relations = agency_relations(user, child)
    return POLICE in relations or bool(relations & PLAN_PARTNERS)


def _errors(data: PlanInput) -> list[FieldError]:
    errors = []
    if data.minimum_risk not in Risk.values:
        errors.append(FieldError("minimum_risk", CHOOSE_RISK))
    actions = [a.strip() for a in data.actions if a.strip()]
    if not actions or len(actions) > MAX_ACTIONS:
        errors.append(FieldError("actions", ENTER_ACTION))
    elif any(len(a) > 300 for a in actions):
        errors.append(FieldError("actions", ACTION_TOO_LONG))
    if not data.agreed_by.strip():
        errors.append(FieldError("agreed_by", ENTER_AGREED_BY))
    if data.agreed_on > timezone.localdate():
        errors.append(FieldError("agreed_on", AGREED_NOT_FUTURE))
    if data.review_on is not None and data.review_on <= data.agreed_on:
        errors.append(FieldError("review_on", REVIEW_AFTER_AGREED))
    return errors


def _choice_errors(child: Child, data: PlanInput, proposal_ids: list[int]) -> list[FieldError]:
    """An agency or proposal the page would not offer is an error, never silently dropped."""
    errors = []
    if not set(data.agency_ids) <= {a.pk for a in plan_agencies(child)}:
        errors.append(FieldError("agencies", CHOOSE_AGENCIES))
    if not set(proposal_ids) <= {p.pk for p in open_proposals(child)}:
        errors.append(FieldError("proposals", CHOOSE_PROPOSALS))
    return errors


def trigger_plan_create(
    *,
    child_id: int,
    data: PlanInput,
    acting_user: User,
    expected_version: int | None = None,
    proposal_ids: list[int] | None = None,
) -> TriggerPlan:
    """A new version of the child's trigger plan; the current one (if any) is superseded. Refuses with
    field errors (nothing saved), 404 for a child the user cannot see, PermissionDenied for a user who
    may not change plans, ConflictError when ``expected_version`` is not the current version. Open
    proposals named in ``proposal_ids`` are marked adopted."""
    errors = _errors(data)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        child = access_child_by_id(acting_user, child_id)
        if not may_change_plan(acting_user, child):
            raise PermissionDenied(NOT_ALLOWED)
        Child.objects.select_for_update().filter(pk=child.pk).first()  # one new version at a time
        choice_errors = _choice_errors(child, data, proposal_ids or [])
        if choice_errors:
            raise InvalidInput(choice_errors)
        current = TriggerPlan.objects.filter(child=child, superseded_at__isnull=True).order_by("-version")
        current_plan = current.first()
        if expected_version is not None and (current_plan.version if current_plan else 0) != expected_version:
            raise ConflictError(STALE_PLAN)
        now = timezone.now()
        last = TriggerPlan.objects.filter(child=child).order_by("-version").first()
        current.update(superseded_at=now)
        plan = TriggerPlan.objects.create(
            child=child,
            version=(last.version if last else 0) + 1,
            minimum_risk=data.minimum_risk,
            actions=[a.strip() for a in data.actions if a.strip()],
            agreed_by=data.agreed_by.strip(),
            agreed_on=data.agreed_on,
            review_on=data.review_on,
            created_by=acting_user,
        )
        plan.agencies.set(Agency.objects.filter(pk__in=data.agency_ids, active=True))
        TriggerPlanProposal.objects.filter(
            child=child, pk__in=proposal_ids or [], status=ProposalStatus.OPEN
        ).update(status=ProposalStatus.ADOPTED, resolved_plan=plan)
        access_record(user=acting_user, action="create", record_type="trigger_plan", record_ids=[plan.pk])
        return plan
