"""The engine's vocabularies: input codes, grades, reason codes and action codes.

Input codes (vulnerabilities, indicators, placement types, ...) are read from the published
misper/1 JSON Schema so that the schema stays the one source of truth for what a document may say.
"""

import json
from importlib import resources
from typing import Any, Final

SCHEMA_RESOURCE: Final = "misper-1.schema.json"


def load_schema() -> dict[str, Any]:
    """Return the published misper/1 JSON Schema as a dict."""
    text = resources.files("misper.risk").joinpath("schema", SCHEMA_RESOURCE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


_DEFS: Final = load_schema()["$defs"]

FORMAT: Final = "misper/1"
RESULT_FORMAT: Final = "misper/1-assessment"

VULNERABILITIES: Final[tuple[str, ...]] = tuple(_DEFS["vulnerability"]["enum"])
INDICATORS: Final[tuple[str, ...]] = tuple(_DEFS["indicator"]["enum"])
# A risk question's answer (``report.answers``): yes, no or not known. "Not known" is a gap to fill, never a no.
ANSWERS: Final[tuple[str, ...]] = tuple(_DEFS["answer"]["enum"])
NOT_KNOWN: Final = "not_known"
# Indicators that make finding the child less urgent. They are not risk factors: they may lower
# immediacy (never seriousness, never below a floor) and they do not stop `absent` being used.
MITIGATING_INDICATORS: Final = frozenset({"contact_established", "whereabouts_believed_known"})
PLACEMENT_TYPES: Final[tuple[str, ...]] = tuple(_DEFS["placement"]["properties"]["type"]["enum"])
# Placement types that mean the child is in the care of a local authority even when
# `looked_after` is not given.
CARE_PLACEMENTS: Final = frozenset({"foster", "residential_home", "secure"})
RELATIONSHIPS: Final[tuple[str, ...]] = tuple(_DEFS["associate"]["properties"]["relationship"]["enum"])
ASSOCIATE_FLAGS: Final[tuple[str, ...]] = tuple(_DEFS["associate"]["properties"]["flags"]["items"]["enum"])
ASSOCIATE_CONCERNS: Final[tuple[str, ...]] = tuple(_DEFS["associate"]["properties"]["concern"]["enum"])

CATEGORIES: Final[tuple[str, ...]] = tuple(_DEFS["category"]["enum"])
# The national continuum, lowest first.
RISKS: Final[tuple[str, ...]] = tuple(_DEFS["risk"]["enum"])
LEVELS: Final[tuple[str, ...]] = ("low", "medium", "high")
RISK_RANK: Final = {risk: rank for rank, risk in enumerate(RISKS)}
LEVEL_RANK: Final = {level: rank for rank, level in enumerate(LEVELS)}

# Reason codes the engine itself produces; the other reason codes are the input
# vulnerability and indicator codes.
ENGINE_REASONS: Final[tuple[str, ...]] = (
    "young_age",
    "repeat_missing",
    "trigger_plan",
    "previous_harm",
    "associate_of_concern",
    "missing_from_care",
    "out_of_area_placement",
    "long_duration",
    "policy_floor",
)
REASONS: Final[tuple[str, ...]] = ENGINE_REASONS + VULNERABILITIES + INDICATORS

# Recommended next steps, in the order they are listed in a result (most urgent first).
ACTIONS: Final[dict[str, str]] = {
    "immediate_search": "Start searching now.",
    "supervisor_review": "A supervisor reviews the grading and the plan.",
    "alert_ports": "Alert ports and airports that the child may try to leave the country.",
    "notify_cse_team": "Tell the child exploitation (CSE) team.",
    "consider_cawn": "Consider a child abduction warning notice for the adult involved.",
    "refer_to_childrens_social_care": "Refer the child to children's social care.",
    "strategy_meeting": "Hold a multi-agency strategy meeting.",
    "notify_placing_authority": "Tell the local authority that placed the child.",
    "review_trigger_plan": "Review the child's trigger plan with partners.",
    "assess_safety_before_return": "Check it is safe for the child to go back before returning them.",
    "notify_ukmpu": "Tell the UK Missing Persons Unit (missing for more than 72 hours).",
    "safe_and_well_check": "When found, a police officer checks the child is safe and well.",
    "return_interview_referral": "Refer the child for an independent return interview.",
}
ACTION_ORDER: Final = {code: rank for rank, code in enumerate(ACTIONS)}
# The level_actions key, and the result's note, for seriousness high with immediacy low.
SERIOUS_NOT_URGENT: Final = "serious_not_urgent"
SERIOUS_NOT_URGENT_TEXT: Final = (
    "Serious but not urgent: the harm this child faces is grave even though finding them is not urgent "
    "now. Plan the longer-term safeguarding: a strategy meeting, the exploitation team, the trigger plan."
)
# Actions that a high seriousness must always produce, whatever the policy says.
SAFEGUARDING_ACTIONS: Final = ("refer_to_childrens_social_care",)
