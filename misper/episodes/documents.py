"""Build the misper/1 document the risk engine reads from what is on file.

The document is the one interchange shape: the API accepts it, the engine reads it, the national return
writes it. Facts on file are merged into a caller's document so that none is ever lost: a vulnerability
flag, a trigger plan or a previous episode on file counts even if the caller did not mention it.
History is loaded in a fixed number of queries, whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings

from misper import risk
from misper.core.errors import FieldError, InvalidInput
from misper.episodes import schedules
from misper.episodes.models import Episode
from misper.partners.models import TriggerPlan
from misper.people.models import Child, ChildAssociate
from misper.risk.facts import associate_concern
from misper.risk.validation import age_in_years
from misper.risk.vocab import CARE_PLACEMENTS

FORMAT = "misper/1"
# An episode on file the engine cannot grade: an adult's (the demo and older records hold adults' episodes;
# the engine grades children only), or facts on file the engine refuses.
ENGINE_GRADES_CHILDREN_ONLY = (
    "The risk engine grades children only, and this person was 18 or over when reported, so it cannot "
    "re-grade or review this episode's risk"
)
ENGINE_REFUSED = "The risk engine cannot grade this episode from what is on file: {message}"


def assess_on_file(doc: dict[str, Any], *, policy: str, now: datetime | None = None) -> dict[str, Any]:
    """``risk.assess`` on a document built from what is on file, or InvalidInput naming the field the engine
    refused (a 422, or a field error on a page; never a server error)."""
    try:
        result: dict[str, Any] = risk.assess(doc, policy, now=now)
    except risk.InvalidDocument as exc:
        adult = exc.field == "child.date_of_birth" and "18 or over" in exc.message
        message = ENGINE_GRADES_CHILDREN_ONLY if adult else ENGINE_REFUSED.format(message=exc.message)
        raise InvalidInput(FieldError(exc.field, message)) from exc
    return result


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt else None


def child_section(child: Child, at: datetime) -> dict[str, Any]:
    """The ``child`` object of a misper/1 document for ``child`` as known at ``at``."""
    day = at.date()
    flags = sorted({f.code for f in child.flags.all() if f.is_current(day)})
    section: dict[str, Any] = {
        "ref": child.ref,
        "given_name": child.given_name,
        "family_name": child.family_name,
        "sex": child.sex,
        "looked_after": child.looked_after,
        "placement": {"type": child.placement_type, "out_of_area": child.out_of_area},
        "vulnerabilities": flags,
    }
    if child.date_of_birth:
        section["date_of_birth"] = child.date_of_birth.isoformat()
    if child.placing_authority_id:
        section["placement"]["placing_authority"] = child.placing_authority.code  # type: ignore[union-attr]
    if child.host_authority_id:
        section["placement"]["host_authority"] = child.host_authority.code  # type: ignore[union-attr]
    plan = current_trigger_plan(child)
    if plan is not None:
        section["trigger_plan"] = {"minimum_risk": plan.minimum_risk, "actions": list(plan.actions)}
    return section


def current_trigger_plan(child: Child) -> TriggerPlan | None:
    return TriggerPlan.objects.filter(child=child, superseded_at__isnull=True).order_by("-version").first()


def history_section(child: Child, before: datetime, exclude_id: int | None = None) -> list[dict[str, Any]]:
    """Previous episodes of ``child`` reported before ``before``, newest first (two queries, whatever
    the length of the history)."""
    episodes = (
        Episode.objects.filter(child=child, reported_at__lt=before)
        .exclude(pk=exclude_id)
        .select_related("found_location", "found_with_associate")
        .order_by("-reported_at")
    )
    concern = _concern_associate_ids(child)
    out = []
    for e in episodes:
        item: dict[str, Any] = {"reported_at": _iso(e.reported_at), "category": e.category, "risk": e.risk}
        if e.found_at:
            item["duration_hours"] = round(
                (e.found_at - (e.last_seen_at or e.reported_at)).total_seconds() / 3600, 2
            )
        if e.harm_disclosed is not None:
            item["harm_disclosed"] = e.harm_disclosed
        item["found_with_adult_of_concern"] = bool(
            e.found_with_associate_id
            and (e.found_with_associate.flags or e.found_with_associate_id in concern)  # type: ignore[union-attr]
        )
        if e.found_location_id:
            item["found_location"] = str(e.found_location)
        out.append(item)
    return out


def _concern_associate_ids(child: Child) -> set[int]:
    """Adults linked to ``child`` as of concern: one query, not one per episode found with an adult."""
    return set(
        ChildAssociate.objects.current()
        .filter(child=child, of_concern=True)
        .values_list("associate_id", flat=True)
    )


def associates_section(child: Child, at: datetime) -> list[dict[str, Any]]:
    links = (
        ChildAssociate.objects.current()
        .filter(child=child)
        .select_related("associate")
        .prefetch_related("associate__cawns")
    )
    return [_associate_item(link, child, at) for link in links]


def _associate_item(link: ChildAssociate, child: Child, at: datetime) -> dict[str, Any]:
    """One ``associates`` entry of a misper/1 document: what the engine reads about one linked person."""
    a = link.associate
    item: dict[str, Any] = {
        "relationship": link.relationship,
        "flags": list(a.flags),
        "cawn_issued": any(c.child_id == child.pk for c in a.cawns.all()),
    }
    if link.of_concern:  # police recorded them as of concern to this child (a page or the API)
        item["of_concern"] = True
        if link.concern:
            item["concern"] = link.concern
    age = a.age_on(at.date())
    if age is not None:
        item["age"] = age
    return item


@dataclass(frozen=True)
class CountedAssociate:
    """A person linked to a child whom the engine counts as of concern, and why, in a sentence."""

    link: ChildAssociate
    why: str


def associates_the_engine_counts(child: Child, at: datetime) -> list[CountedAssociate]:
    """The people linked to ``child`` whom the engine counts as of concern at ``at`` (police recorded them
    as of concern, they are flagged, were served a CAWN, or their age against the child's), each with the
    engine's own reason. Pages show this list, so what graded a child is what police see on file (police
    only: ``partners.field_access``, group ``police_intelligence``)."""
    links = (
        ChildAssociate.objects.current()
        .filter(child=child)
        .select_related("associate")
        .prefetch_related("associate__cawns")
        .order_by("-of_concern", "associate__family_name", "associate__given_name", "pk")
    )
    policy = risk.load_policy(str(settings.MISPER_RISK_POLICY))
    age = age_in_years(child.date_of_birth, at.date()) if child.date_of_birth else None
    looked_after = child.looked_after or child.placement_type in CARE_PLACEMENTS
    out = []
    for link in links:
        name = str(link.associate)
        why = associate_concern(_associate_item(link, child, at), name, age, looked_after, policy)
        if why:
            out.append(CountedAssociate(link, why.replace("_", " ") + "."))
    return out


def report_section(episode: Episode) -> dict[str, Any]:
    report: dict[str, Any] = {
        "reported_at": _iso(episode.reported_at),
        "reported_by": episode.reporter_type,
        "circumstances": episode.circumstances,
        "indicators": list(episode.indicators),
    }
    if episode.indicators_not_known:  # kept as not known: the engine never reads a risk factor's gap as no
        report["answers"] = dict.fromkeys(episode.indicators_not_known, risk.NOT_KNOWN)
    if episode.last_seen_at:
        report["last_seen_at"] = _iso(episode.last_seen_at)
    return report


def episode_document(episode: Episode) -> dict[str, Any]:
    """The misper/1 document for an episode as it stands, built entirely from what is on file."""
    child = Child.objects.select_related("placing_authority", "host_authority").get(pk=episode.child_id)
    return {
        "format": FORMAT,
        "child": child_section(child, episode.reported_at),
        "report": report_section(episode),
        "history": history_section(child, episode.reported_at, exclude_id=episode.pk),
        "associates": associates_section(child, episode.reported_at),
    }


def merge_on_file(doc: dict[str, Any], on_file: dict[str, Any]) -> dict[str, Any]:
    """A copy of the caller's ``doc`` with every fact on file added: the union of vulnerabilities,
    the trigger plan on file (the caller's only if none is on file), history on file plus the caller's
    history entries, and associates on file plus the caller's."""
    merged = {**doc, "child": {**doc["child"]}}
    child, filed = merged["child"], on_file["child"]
    child["vulnerabilities"] = sorted(
        set(child.get("vulnerabilities", [])) | set(filed.get("vulnerabilities", []))
    )
    if "trigger_plan" in filed:
        child["trigger_plan"] = filed["trigger_plan"]
    for key in ("date_of_birth", "sex"):
        if key not in child and key in filed:
            child[key] = filed[key]
    if filed.get("looked_after"):
        child["looked_after"] = True
    seen = {h.get("reported_at") for h in doc.get("history", [])}
    merged["history"] = list(doc.get("history", [])) + [
        h for h in on_file.get("history", []) if h.get("reported_at") not in seen
    ]
    merged["associates"] = list(doc.get("associates", [])) + list(on_file.get("associates", []))
    return merged


def child_on_file_document(child: Child, at: datetime) -> dict[str, Any]:
    """Everything on file about ``child`` at ``at``, in misper/1 shape (no report)."""
    return {
        "child": child_section(child, at),
        "history": history_section(child, at),
        "associates": associates_section(child, at),
    }


OPEN_STATUSES = schedules.OPEN_STATUSES
