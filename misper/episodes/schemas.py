"""API shapes shared by the episode routes and the episode detail selector."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema


class AssessmentOut(Schema):
    id: int
    kind: str
    created_at: datetime
    created_by: str | None
    policy: dict[str, str]
    category: str
    risk: str
    immediacy: str
    seriousness: str
    graded_category: str
    graded_risk: str
    under_graded: bool
    rationale: str
    approval_status: str
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str = ""
    reasons: list[dict[str, Any]]
    actions: list[str]
    suggestions: list[dict[str, Any]]


def assessment_out(a: Any, viewer: Any) -> AssessmentOut:
    """``a`` as ``viewer`` may see it (``partners.projections``): anyone but the owning force gets the
    projected reasons and no police-only field (rationale, decision note, actions, who graded).
    ``viewer`` None: the whole record, only for a caller that projects it afterwards
    (``episode_detail`` → ``episode_view_for``)."""
    out = _assessment_out(a)
    if viewer is None:
        return out
    from misper.episodes.reasons import visible_reasons
    from misper.partners.projections import sees_police_only

    if sees_police_only(viewer, a.episode.child):
        return out
    return out.model_copy(
        update={
            "created_by": None,
            "under_graded": False,
            "rationale": "",
            "decided_by": None,
            "decision_note": "",
            "reasons": visible_reasons(viewer, a),
            "actions": [],
            "suggestions": [],
        }
    )


def _assessment_out(a: Any) -> AssessmentOut:
    r = a.result
    return AssessmentOut(
        id=a.pk,
        kind=a.kind,
        created_at=a.created_at,
        created_by=a.created_by.username if a.created_by_id else None,
        policy={"name": a.policy_name, "version": a.policy_version},
        category=a.recommended_category,
        risk=a.recommended_risk,
        immediacy=a.immediacy,
        seriousness=a.seriousness,
        graded_category=a.graded_category,
        graded_risk=a.graded_risk,
        under_graded=a.under_graded,
        rationale=a.rationale,
        approval_status=a.approval_status,
        decided_by=a.decided_by.username if a.decided_by_id else None,
        decided_at=a.decided_at,
        decision_note=a.decision_note,
        reasons=r.get("reasons", []),
        actions=r.get("actions", []),
        suggestions=r.get("suggestions", []),
    )
