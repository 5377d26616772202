"""The opening codes an incident from command and control may carry, in words (docs/incidents.md).

A synthetic list modelled on the kinds of code a force's control room opens an incident with. An incident
whose code is in ``MISSING_PERSON_CODES`` needs a missing record: it joins the child's open episode, or
waits in the control room's queue until someone starts the report. An unknown code is refused (422 naming
``opening_code``), never stored as something else.
"""

from __future__ import annotations

OPENING_CODES: dict[str, str] = {
    "MISPER": "Missing person",
    "CONCERN": "Concern for safety",
    "ABANDONED-CALL": "Abandoned or silent call",
    "ASB": "Antisocial behaviour",
    "DOMESTIC": "Domestic incident",
    "SUSPICIOUS": "Suspicious circumstances",
    "THEFT": "Theft",
    "RTC": "Road traffic collision",
    "ADMIN": "Administrative",
}
MISSING_PERSON_CODES = frozenset({"MISPER"})


def is_missing_person(code: str) -> bool:
    return code in MISSING_PERSON_CODES


def code_words(code: str) -> str:
    return OPENING_CODES.get(code, code)
