"""What a UK Missing Persons Unit notice says: the fields the unit asks for, in its order, as plain words
built from the episode and the child's record (docs/ukmpu.md, "The export")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from misper.episodes.actions import format_when
from misper.episodes.models import Episode
from misper.web.templatetags.misper_tags import hours, label

# The fields the UK Missing Persons Unit asks for, in the order it asks (synthetic wording, plain language).
FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("other_names", "Other names"),
    ("date_of_birth", "Date of birth"),
    ("sex", "Sex"),
    ("ethnicity", "Ethnicity (as the person describes it)"),
    ("description", "Description"),
    ("photo", "Photograph"),
    ("last_seen", "Last seen"),
    ("missing_from", "Missing from"),
    ("reported", "Reported missing"),
    ("missing_for", "Missing for"),
    ("risk", "Risk grade"),
    ("circumstances", "Circumstances"),
    ("vulnerabilities", "Vulnerabilities"),
    ("care", "In care"),
    ("incident_numbers", "Incident numbers"),
    ("force", "Force"),
    ("force_reference", "Force reference"),
    ("officer", "Officer in the case"),
    ("contact", "Force contact"),
)


def notice_content(episode: Episode, at: datetime) -> dict[str, str]:
    """The notice's fields for ``episode`` as they stand at ``at``: plain words, keyed as ``FIELDS``."""
    child, force = episode.child, episode.force
    found_or_now = min(episode.found_at or at, at)
    dob = child.date_of_birth
    born = f"{dob.day} {dob:%B %Y}" if dob else "Not known"
    age = child.age_on(timezone.localdate(at))
    flags = sorted(label(f.code) for f in child.flags.all() if f.is_current(at.date()))
    return {
        "name": child.full_name,
        "other_names": ", ".join(str(a) for a in child.aliases.all()) or "None known",
        "date_of_birth": born + (f" (age {age})" if age is not None else ""),
        "sex": child.get_sex_display(),
        "ethnicity": child.get_ethnicity_display(),
        "description": child.description or "None recorded",
        "photo": "On file with the force: ask for it" if child.photo else "None on file",
        "last_seen": format_when(episode.last_seen_at) if episode.last_seen_at else "Not known",
        "missing_from": str(episode.missing_from) if episode.missing_from_id else "Not recorded",
        "reported": format_when(episode.reported_at),
        "missing_for": hours(found_or_now - (episode.last_seen_at or episode.reported_at))
        + ("" if episode.is_open else " (now found)"),
        "risk": f"{episode.get_category_display()}, {episode.get_risk_display().lower()} risk",
        "circumstances": episode.circumstances or "None recorded",
        "vulnerabilities": ", ".join(flags) or "None on file",
        "care": _care_words(child),
        "incident_numbers": ", ".join(sorted(i.number for i in episode.incidents.all())) or "None",
        "force": force.name,
        "force_reference": episode.reference,
        "officer": episode.owner.get_full_name() if episode.owner_id else "Not yet assigned",
        "contact": force.out_of_hours_phone or force.phone or force.email or "Not recorded",
    }


def _care_words(child: Any) -> str:
    if not child.looked_after:
        return "No"
    return f"Yes, placed by {child.placing_authority}" if child.placing_authority_id else "Yes"


def notice_lines(content: dict[str, str]) -> list[tuple[str, str, str]]:
    """(key, label, value) in the order the unit asks, for pages, the printable page and the export."""
    return [(key, text, content.get(key, "")) for key, text in FIELDS]
