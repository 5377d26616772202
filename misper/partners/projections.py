"""What a user may see of a record, field by field: the one shaping function per record type.

Partners see children and episodes their agency is responsible for (``people.selectors.child_access_q``
decides *which* records); this module decides *which fields*. It works by allow-list: a field added to
an episode's detail later is police-only until someone adds it here on purpose.

Police-only intelligence: associates' records, intelligence notes, offences under investigation, who a
child was found with, supervisors' reviews and the police's own actions, the officer's grading
rationale, and any engine reason that comes from police-only inputs (associates, CAWNs, found with an
adult of concern).
"""

from __future__ import annotations

from typing import Any

from misper.accounts.models import User
from misper.partners.field_access import Group, field_view, interview_account_visible, owned_q
from misper.partners.interviews import FINDINGS_FOR_POLICE

# Engine reason codes whose evidence comes from police-only inputs (associates and CAWNs, and being
# found with an adult of concern, which shares the code). See misper/risk/rules/derived.py.
POLICE_ONLY_REASON_CODES = frozenset({"associate_of_concern"})

PARTNER_EPISODE_FIELDS = frozenset(
    {
        "id",
        "reference",
        "status",
        "category",
        "risk",
        "version",
        "child",
        "reported_at",
        "last_seen_at",
        "found_at",
        "closed_at",
        "next_review_at",
        "reporter_type",
        "circumstances",
        "indicators",
        "answers",
        "found_location",
        "return_method",
        "harm_disclosed",
        "assessments",
        "status_changes",
        "safe_and_well",
        "safe_and_well_not_done_reason",
        "return_interview",
    }
)
PARTNER_ASSESSMENT_FIELDS = frozenset(
    {
        "id",
        "kind",
        "created_at",
        "policy",
        "category",
        "risk",
        "immediacy",
        "seriousness",
        "graded_category",
        "graded_risk",
        "approval_status",
        "reasons",
    }
)
PARTNER_REASON_FIELDS = frozenset({"code", "text", "evidence", "source"})
FLOOR_FROM_POLICE_ONLY = "The grade was raised to a minimum set by information held by the police."


def sees_police_only(user: User, child: Any = None) -> bool:
    """True when ``user`` sees the police-only fields of ``child``'s record: police of the force that
    holds it (``field_access.MATRIX``). With no child (the risk tool's answer about nobody on file), any
    police user."""
    if child is None:
        return bool(user.is_police)
    return field_view(user, child).police_intelligence


def reasons_for(
    user: User, reasons: list[dict[str, Any]], child: Any = None, hidden: frozenset[str] = frozenset()
) -> list[dict[str, Any]]:
    """The engine's reasons ``user`` may see: partners (and a host force) get no reason built on
    police-only inputs (nor on ``hidden`` codes: the child's police-only flags), and only the words of
    each reason."""
    if sees_police_only(user, child):
        return list(reasons)
    withheld = POLICE_ONLY_REASON_CODES | hidden
    return [_partner_reason(r, withheld) for r in reasons if r.get("code") not in withheld]


def _partner_reason(
    reason: dict[str, Any], withheld: frozenset[str] = POLICE_ONLY_REASON_CODES
) -> dict[str, Any]:
    shaped = {k: v for k, v in reason.items() if k in PARTNER_REASON_FIELDS}
    evidence = str(shaped.get("evidence", ""))
    if any(code in evidence for code in withheld):  # a floor naming a police-only rule
        shaped["evidence"] = FLOOR_FROM_POLICE_ONLY
    return shaped


def binding_floors_for(
    user: User, floors: list[dict[str, Any]], child: Any = None, hidden: frozenset[str] = frozenset()
) -> list[dict[str, Any]]:
    """The floors a grading may not go below (``risk.binding``), as ``user`` may see them: a floor set by
    a police-only input (the child's police-only flags, ``hidden``) keeps its minimum but not its words
    for anyone but the owning force, who still may not grade below it."""
    if sees_police_only(user, child):
        return list(floors)
    withheld = POLICE_ONLY_REASON_CODES | hidden
    return [{**f, "text": FLOOR_FROM_POLICE_ONLY} if f.get("reason") in withheld else dict(f) for f in floors]


def assessment_view_for(
    user: User, assessment: dict[str, Any], child: Any = None, hidden: frozenset[str] = frozenset()
) -> dict[str, Any]:
    if sees_police_only(user, child):
        return assessment
    shaped = {k: v for k, v in assessment.items() if k in PARTNER_ASSESSMENT_FIELDS}
    shaped["reasons"] = reasons_for(user, assessment.get("reasons", []), child, hidden)
    return shaped


def episode_view_for(
    user: User, detail: dict[str, Any], child: Any, hidden: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """An episode's detail (``episodes.selectors.episode_detail``) as ``user`` may see it: everything
    for the police of the force holding ``child``'s record, the shared projection for anyone else who
    sees the child (a host force included); ``hidden``: reason codes they must not see for this child
    (its police-only flags)."""
    if sees_police_only(user, child):
        return detail
    shaped = {k: v for k, v in detail.items() if k in PARTNER_EPISODE_FIELDS}
    shaped["assessments"] = [
        assessment_view_for(user, a, child, hidden) for a in detail.get("assessments", [])
    ]
    return shaped


# --- dashboard figures ------------------------------------------------------------------------------
# A figure made only of counts and shared fields is ``Group.SHARED``. A figure that shows a restricted
# field's text (or counts only a restricted field can give) names its group in its module's
# ``FIELD_GROUPS``; it is shown only to users who see that group, and reads only the records whose
# restricted fields they see (``owned_records``). The page, API, CSV, XLSX and PDF pack all read figures
# through ``analytics.figures.dashboard_figures``, which asks ``figure_visible`` first.


def figure_visible(user: User, group: Group) -> bool:
    """May ``user`` see a dashboard figure made of ``group``? Shared figures: anyone who may see the
    dashboard. Police intelligence: police, over their own force's records only."""
    if group == Group.SHARED:
        return True
    if group == Group.POLICE_INTELLIGENCE:
        return bool(user.is_police)
    return False


def owned_records(user: User, prefix: str = "") -> Any:
    """A filter on Child (or a relation via ``prefix``): the records whose police-only fields ``user``
    sees (their own force's; nothing for a partner)."""
    return owned_q(user, prefix)


# --- list rows: the queue and placement pages and their CSV exports -----------------------------------
# One allow-list per list, shared by the page and its CSV (``misper.partners.lists``): a column exists
# only if it is named here, so a police-only field cannot reach a partner's download by accident.

INTERVIEW_QUEUE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "Interview"),
    ("list", "List"),
    ("child_name", "Child"),
    ("child_ref", "Child reference"),
    ("returned_at", "Returned"),
    ("due_at", "Due"),
    ("status", "Status"),
    ("completed_at", "Completed"),
    ("responsible_agency", "Responsible authority"),
    ("provider", "Provider"),
)
PLACEMENT_LIST_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "Notice"),
    ("list", "List"),
    ("child_name", "Child"),
    ("child_ref", "Child reference"),
    ("placed_at", "Placed at"),
    ("beat", "Beat"),
    ("placement_type", "Kind of placement"),
    ("starts_on", "From"),
    ("ends_on", "Last day"),
    ("placing_authority", "Placed by"),
    ("host_force", "Host police force"),
    ("host_authority", "Host local authority"),
    ("known_risks", "Known risks"),
    ("acknowledged_by_police", "Acknowledged by the host police force"),
    ("acknowledged_by_host_authority", "Acknowledged by the host local authority"),
)


def row_for(columns: tuple[tuple[str, str], ...], values: dict[str, Any]) -> dict[str, Any]:
    """Only the allowed columns of ``values``, in column order (a missing value is empty)."""
    return {name: values.get(name, "") for name, _ in columns}


# --- a child's record (``people.detail.child_detail``: the API's child and its flags) ------------------
# Police see every field. Partners see the child's own details and the flags that are not police only;
# never the people linked to the child, the places on file or who recorded what.

PARTNER_CHILD_FIELDS = frozenset(
    {
        "id",
        "ref",
        "given_name",
        "family_name",
        "preferred_name",
        "date_of_birth",
        "sex",
        "looked_after",
        "placement_type",
        "out_of_area",
        "placing_authority",
        "photo_url",
        "version",
        "flags",
        "trigger_plan",
        "history",
    }
)
PARTNER_FLAG_FIELDS = frozenset(
    {
        "id",
        "code",
        "label",
        "source",
        "source_agency",
        "noted_on",
        "review_on",
        "reviewed_on",
        "current",
        "expired_at",
        "expired_reason",
        "version",
    }
)


def flag_view_for(user: User, flag: dict[str, Any], child: Any = None) -> dict[str, Any] | None:
    """A flag as ``user`` may see it; None for a police-only flag and anyone but the owning force."""
    if sees_police_only(user, child):
        return flag
    if flag.get("police_only"):
        return None
    return {k: v for k, v in flag.items() if k in PARTNER_FLAG_FIELDS}


def child_view_for(user: User, detail: dict[str, Any], child: Any = None) -> dict[str, Any]:
    """A child's detail as ``user`` may see it (partners and a host force: no associates, places or
    police-only flags)."""
    flags = [f for f in (flag_view_for(user, f, child) for f in detail.get("flags", [])) if f is not None]
    if sees_police_only(user, child):
        return {**detail, "flags": flags}
    shaped = {k: v for k, v in detail.items() if k in PARTNER_CHILD_FIELDS}
    shaped["flags"] = flags
    return shaped


# --- a return interview (its page and ``GET /api/v1/return-interviews/{id}``) ----------------------------
# Everyone who sees the child sees the interview's progress and the agreed findings (``FINDINGS_FOR_POLICE``,
# the shared group); the child's own account only the interview's provider and responsible authority
# (``field_access.interview_account_visible``), as on the page.


def interview_view_for(user: User, interview: Any) -> dict[str, Any]:
    """A return interview (with its episode, child and agencies loaded) as ``user``, who sees its child,
    may see it."""
    episode = interview.episode
    shaped: dict[str, Any] = {
        "id": interview.pk,
        "version": interview.version,
        "episode_id": episode.pk,
        "episode_reference": episode.reference,
        "child_id": episode.child_id,
        "child_ref": episode.child.ref,
        "status": interview.status,
        "referred_at": interview.referred_at,
        "due_at": interview.due_at,
        "responsible_agency": interview.responsible_agency.name,
        "provider": interview.provider.name if interview.provider else "",
        "offered_at": interview.offered_at,
        "accepted_at": interview.accepted_at,
        "declined_at": interview.declined_at,
        "completed_at": interview.completed_at,
        "interviewer_name": interview.interviewer_name,
        **{name: getattr(interview, name) for name in FINDINGS_FOR_POLICE},
    }
    if interview_account_visible(user, interview):
        shaped["child_account"] = interview.child_account
    return shaped
