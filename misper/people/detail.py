"""A child's record as one dict (the API's ``GET /children/{id}``), shaped by the shared projection.

``child_detail`` builds every field police may see and hands it to ``partners.projections.child_view_for``,
which leaves partners only what their allow-list names. What the child page shows before a report (the
trigger plan, the history and the repeat count) comes from the page's own selector, ``child_profile``, and
the episodes from ``visible_episodes``. The caller logs the read.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from misper.accounts.models import User
from misper.episodes.models import Episode
from misper.episodes.selectors import visible_episodes
from misper.partners.plans import plan_dict
from misper.partners.projections import child_view_for
from misper.people.concern import child_links
from misper.people.flags import child_flags
from misper.people.models import Child, ChildAssociate, VulnerabilityFlag
from misper.people.selectors import ChildProfile, child_profile
from misper.web.templatetags.misper_tags import label

HISTORY_MOST = 50  # the newest episodes listed; ``episodes_total`` counts them all


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


def episode_row(episode: Episode) -> dict[str, Any]:
    """One line of a child's history: shared fields only (``projections.PARTNER_EPISODE_FIELDS``)."""
    return {
        "id": episode.pk,
        "reference": episode.reference,
        "status": episode.status,
        "category": episode.category,
        "risk": episode.risk,
        "reported_at": episode.reported_at,
        "found_at": episode.found_at,
        "closed_at": episode.closed_at,
    }


def _history(user: User, profile: ChildProfile) -> dict[str, Any]:
    """The child page's history: counts in the repeat window and the episodes, newest first."""
    episodes = visible_episodes(user).filter(child=profile.child).order_by("-reported_at")[:HISTORY_MOST]
    return {
        "episodes_total": profile.episodes_total,
        "episodes_in_repeat_window": profile.episodes_90d,
        "repeat_window_days": profile.repeat_window_days,
        "repeat": profile.repeat,
        "open_episode_id": profile.open_episode.pk if profile.open_episode else None,
        "episodes": [episode_row(e) for e in episodes],
    }


def child_detail(user: User, child: Child) -> dict[str, Any]:
    """Everything ``user`` may see of ``child`` (who must be visible to them)."""
    child = Child.objects.select_related("placing_authority").get(pk=child.pk)
    profile = child_profile(user, child, timezone.now())
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
        "trigger_plan": plan_dict(profile.trigger_plan) if profile.trigger_plan else None,
        "history": _history(user, profile),
    }
    return child_view_for(user, detail, child)
