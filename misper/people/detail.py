"""A child's record as one dict (the API's ``GET /children/{id}``), shaped by the shared projection.

``child_detail`` builds every field police may see and hands it to ``partners.projections.child_view_for``,
which leaves partners only what their allow-list names. The caller logs the read.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from misper.accounts.models import User
from misper.episodes.templatetags.misper_tags import label
from misper.partners.projections import child_view_for
from misper.people.concern import child_links
from misper.people.flags import child_flags
from misper.people.models import Child, ChildAssociate, VulnerabilityFlag


def flag_dict(flag: VulnerabilityFlag) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "id": flag.pk,
        "code": flag.code,
        "label": label(flag.code),
        "source": flag.source,
        "source_agency": flag.source_agency.name if flag.source_agency else "",
        "notes": flag.notes,
        "noted_on": flag.noted_on,
        "review_on": flag.review_on,
        "reviewed_on": flag.reviewed_on,
        "police_only": flag.police_only,
        "current": flag.is_current(today),
        "expired_at": flag.expired_at,
        "expired_reason": flag.expired_reason,
        "created_by": flag.created_by.username if flag.created_by else "",
        "version": flag.version,
    }


def link_dict(link: ChildAssociate) -> dict[str, Any]:
    person = link.associate
    return {
        "id": link.pk,
        "person_id": person.pk,
        "name": str(person),
        "relationship": link.relationship,
        "of_concern": link.of_concern,
        "concern": link.concern,
        "source": link.source,
        "reliability": link.reliability,
        "noted_on": link.noted_on,
        "flags": list(person.flags),
        "ended_at": link.ended_at,
        "ended_reason": link.ended_reason,
        "version": link.version,
    }


def child_detail(user: User, child: Child) -> dict[str, Any]:
    """Everything ``user`` may see of ``child`` (who must be visible to them)."""
    child = Child.objects.select_related("placing_authority").get(pk=child.pk)
    detail: dict[str, Any] = {
        "id": child.pk,
        "ref": child.ref,
        "given_name": child.given_name,
        "family_name": child.family_name,
        "preferred_name": child.preferred_name,
        "date_of_birth": child.date_of_birth,
        "sex": child.sex,
        "looked_after": child.looked_after,
        "placement_type": child.placement_type,
        "out_of_area": child.out_of_area,
        "placing_authority": child.placing_authority.code if child.placing_authority else "",
        "photo_url": f"/api/v1/children/{child.pk}/photo" if child.photo else "",
        "version": child.version,
        "flags": [flag_dict(f) for f in child_flags(user, child)],
        "associates": [link_dict(link) for link in child_links(user, child)],
        "places": [
            {"id": p.location_id, "kind": p.kind, "place": str(p.location), "notes": p.notes}
            for p in child.places.select_related("location").order_by("kind")
        ],
    }
    return child_view_for(user, detail, child)
