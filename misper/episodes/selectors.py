"""Reads of episodes, with the one access rule for episode records built in.

An episode is visible exactly when its child is visible (``misper.people.selectors.child_access_q``):
every list, detail, search, count, export, board and API route goes through ``visible_episodes``.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from misper.accounts.models import User
from misper.episodes.models import Episode
from misper.people.selectors import visible_children


def visible_episodes(user: User) -> QuerySet[Episode]:
    return Episode.objects.filter(child__in=visible_children(user))


def can_view_episode(user: User, episode: Episode) -> bool:
    return visible_episodes(user).filter(pk=episode.pk).exists()


def access_episode_by_id(user: User, episode_id: int) -> Episode:
    episode = visible_episodes(user).select_related("child", "force").filter(pk=episode_id).first()
    if episode is None:
        raise Http404("No such episode")
    return episode


def episode_list(user: User, *, limit: int, offset: int) -> tuple[int, list[Episode]]:
    qs = visible_episodes(user)
    count = qs.count()
    items = list(qs.select_related("child").order_by("-reported_at", "-pk")[offset : offset + limit])
    return count, items


def _iso(dt):  # type: ignore[no-untyped-def]
    return dt.isoformat() if dt else None


def episode_detail(episode: Episode) -> dict[str, object]:
    """Everything about one episode for the API, in a fixed number of queries."""
    from misper.episodes.api import assessment_out
    from misper.partners.models import ReturnInterview

    e = (
        Episode.objects.select_related("child", "found_location", "owner")
        .prefetch_related(
            "assessments__created_by", "reviews__reviewer", "actions__assigned_to", "status_changes"
        )
        .get(pk=episode.pk)
    )
    ri = ReturnInterview.objects.filter(episode=e).select_related("responsible_agency", "provider").first()
    sw = getattr(e, "safe_and_well", None) if hasattr(e, "safe_and_well") else None
    return {
        "id": e.pk,
        "reference": e.reference,
        "status": e.status,
        "category": e.category,
        "risk": e.risk,
        "version": e.version,
        "child": {
            "id": e.child.pk,
            "ref": e.child.ref,
            "given_name": e.child.given_name,
            "family_name": e.child.family_name,
        },
        "reported_at": _iso(e.reported_at),
        "last_seen_at": _iso(e.last_seen_at),
        "found_at": _iso(e.found_at),
        "closed_at": _iso(e.closed_at),
        "next_review_at": _iso(e.next_review_at),
        "reporter_type": e.reporter_type,
        "circumstances": e.circumstances,
        "indicators": e.indicators,
        "found_with": e.found_with,
        "found_location": str(e.found_location) if e.found_location_id else None,
        "return_method": e.return_method,
        "harm_disclosed": e.harm_disclosed,
        "assessments": [assessment_out(a).model_dump(mode="json") for a in e.assessments.all()],
        "reviews": [
            {
                "reviewed_at": _iso(r.reviewed_at),
                "reviewer": r.reviewer.username if r.reviewer else None,
                "regraded": r.regraded,
                "notes": r.notes,
                "next_review_at": _iso(r.next_review_at),
            }
            for r in e.reviews.all()
        ],
        "actions": [
            {
                "id": a.pk,
                "code": a.code,
                "title": a.title,
                "source": a.source,
                "status": a.status,
                "due_at": _iso(a.due_at),
                "assigned_to": a.assigned_to.username if a.assigned_to else None,
                "outcome": a.outcome,
            }
            for a in e.actions.all()
        ],
        "status_changes": [
            {"from": s.from_status, "to": s.to_status, "at": _iso(s.at)} for s in e.status_changes.all()
        ],
        "safe_and_well": (
            {
                "conducted_at": _iso(sw.conducted_at),
                "harm_disclosed": sw.harm_disclosed,
                "returned_to": sw.returned_to,
            }
            if sw
            else None
        ),
        "safe_and_well_not_done_reason": e.safe_and_well_not_done_reason,
        "return_interview": (
            {
                "id": ri.pk,
                "responsible_agency": ri.responsible_agency.code,
                "status": ri.status,
                "referred_at": _iso(ri.referred_at),
                "due_at": _iso(ri.due_at),
            }
            if ri
            else None
        ),
    }
