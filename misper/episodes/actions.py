"""Standard enquiries for a missing child and the titles of the engine's recommended actions."""

from __future__ import annotations

STANDARD_ENQUIRIES: tuple[tuple[str, str], ...] = (
    ("check_home_and_placement", "Search the home or placement, including outbuildings and the child's room"),
    ("contact_friends_and_family", "Contact friends, family and known associates"),
    ("phone_and_social_media", "Check the child's phone and social media activity"),
    ("places_frequented", "Check places the child is known to frequent"),
    ("hospitals_and_custody", "Check hospitals and custody suites"),
    ("cctv", "Identify and secure CCTV"),
    ("transport", "Check transport hubs and taxi firms"),
)

ENGINE_ACTION_TITLES: dict[str, str] = {
    "immediate_search": "Deploy officers to search now",
    "supervisor_review": "Supervisor to review the grading and the plan",
    "safe_and_well_check": "Safe-and-well check when the child is found",
    "return_interview_referral": "Refer for an independent return home interview",
    "refer_to_childrens_social_care": "Refer to children's social care",
    "notify_cse_team": "Notify the child sexual exploitation team",
    "strategy_meeting": "Request a multi-agency strategy meeting",
    "notify_placing_authority": "Notify the placing authority",
    "review_trigger_plan": "Review or create the trigger plan",
    "consider_cawn": "Consider a child abduction warning notice",
    "assess_safety_before_return": "Assess whether it is safe to return the child where they went missing from",
    "notify_ukmpu": "Notify the UK Missing Persons Unit (missing over 72 hours)",
}


def action_title(code: str) -> str:
    return ENGINE_ACTION_TITLES.get(code, code.replace("_", " ").capitalize())
