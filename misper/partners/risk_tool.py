"""The shared risk tool: partner practitioners (and police) run the same engine on a child they are
worried about, so every agency speaks one language of risk.

The document is built from the answers and from what the *partner* may know of the child on file —
date of birth, care status, vulnerability flags, the trigger plan and earlier episodes — and never from
police-only inputs: no associates (so no CAWNs), and earlier episodes without "found with an adult of
concern". Nothing is stored except one access event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from misper import risk
from misper.accounts.models import Role, User
from misper.audit.services import access_record
from misper.core.errors import FieldError, InvalidInput
from misper.episodes.documents import FORMAT, current_trigger_plan, history_section
from misper.partners.projections import reasons_for
from misper.people.flags import police_only_codes
from misper.people.models import Child

ENTER_DOB = "Enter the child's date of birth"
DOB_INVALID = "The child must be under 18: check the date of birth"
LAST_SEEN_FUTURE = "The time the child was last seen cannot be in the future"
TOOL_REF = "risk-tool"  # the engine needs a reference; a child chosen from file uses its own


@dataclass(frozen=True)
class ToolInput:
    date_of_birth: date | None
    looked_after: bool = False
    placement_type: str = "home"
    vulnerabilities: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)  # answered yes
    not_known: list[str] = field(default_factory=list)  # answered not known (the engine never reads it as no)
    last_seen_at: datetime | None = None


@dataclass(frozen=True)
class ToolResult:
    category: str
    risk: str
    reasons: list[dict[str, Any]]
    floors: list[Any]
    earlier_episodes: int
    trigger_plan_minimum: str


def may_use(user: User) -> bool:
    return user.is_police or user.role == Role.PARTNER_PRACTITIONER


def prefill(child: Child, now: datetime, user: User) -> dict[str, Any]:
    """The answers already on file for ``child`` that ``user`` may see: date of birth, care status and
    current flags (``people.flags.visible_flags``: no police-only flag but for the owning force)."""
    from misper.people.flags import visible_flags

    day = timezone.localdate(now)
    flags = visible_flags(user).filter(child=child)
    return {
        "date_of_birth": child.date_of_birth,
        "looked_after": child.looked_after,
        "placement_type": child.placement_type,
        "vulnerabilities": sorted({f.code for f in flags if f.is_current(day)}),
    }


def _shared_history(child: Child, now: datetime) -> list[dict[str, Any]]:
    """Earlier episodes without the police-only "found with an adult of concern"."""
    history = history_section(child, now)
    for item in history:
        item.pop("found_with_adult_of_concern", None)
    return history


def tool_document(data: ToolInput, child: Child | None, now: datetime) -> dict[str, Any]:
    """The misper/1 document the tool assesses: the answers, plus the shared facts on file."""
    section: dict[str, Any] = {
        "ref": child.ref if child else TOOL_REF,
        "date_of_birth": data.date_of_birth.isoformat() if data.date_of_birth else None,
        "looked_after": data.looked_after,
        "placement": {"type": data.placement_type},
        "vulnerabilities": sorted(set(data.vulnerabilities) & set(risk.VULNERABILITIES)),
    }
    report: dict[str, Any] = {
        "reported_at": now.isoformat(),
        "indicators": sorted(set(data.indicators) & set(risk.INDICATORS)),
    }
    not_known = sorted(set(data.not_known) & set(risk.INDICATORS))
    if not_known:
        report["answers"] = dict.fromkeys(not_known, risk.NOT_KNOWN)
    if data.last_seen_at:
        report["last_seen_at"] = data.last_seen_at.isoformat()
    doc: dict[str, Any] = {"format": FORMAT, "child": section, "report": report, "history": []}
    if child is not None:
        plan = current_trigger_plan(child)
        if plan is not None:
            section["trigger_plan"] = {"minimum_risk": plan.minimum_risk, "actions": list(plan.actions)}
        doc["history"] = _shared_history(child, now)
    return doc


def _errors(data: ToolInput, now: datetime) -> list[FieldError]:
    errors = []
    if data.date_of_birth is None:
        errors.append(FieldError("date_of_birth", ENTER_DOB))
    if data.last_seen_at and data.last_seen_at > now:
        errors.append(FieldError("last_seen_at", LAST_SEEN_FUTURE))
    return errors


def risk_tool_run(*, data: ToolInput, child: Child | None, acting_user: User) -> ToolResult:
    """Run the engine on the answers (and the shared facts on file for ``child``, which the caller has
    already fetched with the access rule). Stores nothing but an access event. Bad answers are refused
    with field errors."""
    now = timezone.now()
    errors = _errors(data, now)
    if errors:
        raise InvalidInput(errors)
    doc = tool_document(data, child, now)
    try:
        result = risk.assess(doc, now=now)
    except risk.InvalidDocument as exc:
        name = "date_of_birth" if "date_of_birth" in exc.field or "age" in exc.message else "__all__"
        raise InvalidInput(FieldError(name, DOB_INVALID if name == "date_of_birth" else exc.message)) from exc
    with transaction.atomic():
        access_record(
            user=acting_user,
            action="assess",
            record_type="child",
            record_ids=[child.pk] if child else [],
            purpose="shared risk tool",
        )
    plan = doc["child"].get("trigger_plan", {})
    return ToolResult(
        category=result["category"],
        risk=result["risk"],
        reasons=reasons_for(
            acting_user, result["reasons"], child, police_only_codes(child.pk) if child else frozenset()
        ),
        floors=list(result.get("floors", [])),
        earlier_episodes=len(doc["history"]),
        trigger_plan_minimum=plan.get("minimum_risk", ""),
    )
