"""Reads of children, with the one access rule for child records built in."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from misper.accounts.models import User
from misper.people.models import Child


def child_access_q(user: User, prefix: str = "") -> Q:
    """The access rule for child records, as a filter on Child (or on a relation via ``prefix``).

    - Police roles see the children on their own force's records.
    - Partner practitioners see children their agency is responsible for: as placing or host authority,
      as the care provider, or as the return interview provider of one of the child's episodes.
    - Anyone else sees none.
    """
    if not user.is_authenticated or not user.is_active or user.agency_id is None:
        return Q(pk__in=[])
    agency_id = user.agency_id
    if user.is_police:
        return Q(**{f"{prefix}force_id": agency_id})
    if user.role == "partner_practitioner":
        return (
            Q(**{f"{prefix}placing_authority_id": agency_id})
            | Q(**{f"{prefix}host_authority_id": agency_id})
            | Q(**{f"{prefix}care_provider_id": agency_id})
            | Q(**{f"{prefix}episodes__return_interview__provider_id": agency_id})
            | Q(**{f"{prefix}episodes__return_interview__responsible_agency_id": agency_id})
        )
    return Q(pk__in=[])


def visible_children(user: User) -> QuerySet[Child]:
    return Child.objects.filter(child_access_q(user)).distinct()


def can_view_child(user: User, child: Child) -> bool:
    return visible_children(user).filter(pk=child.pk).exists()


def access_child_by_id(user: User, child_id: int) -> Child:
    """The child with ``child_id`` if ``user`` may see it; 404 otherwise (never 403: no existence leak)."""
    child = visible_children(user).filter(pk=child_id).first()
    if child is None:
        raise Http404("No such child")
    return child
