"""Standard enquiries for a missing child, the titles of the engine's recommended actions, and closing actions
when the work they were for is done (search actions when the child is found, the safe-and-well check
when it is recorded, the referral when it is made)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from misper.episodes.models import Action, ActionStatus

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


# --- closing actions when the work they were for is done (inside the caller's transaction) ---------------

# Actions that look for a missing child: finished ("not needed") when the child is found.
SEARCH_ACTION_CODES = frozenset({"immediate_search", "notify_ukmpu", "alert_ports"})
SEARCH_ACTION_SOURCES = frozenset({"standard", "trigger_plan"})
FOUND_REASON = "Not needed: {name} was found on {when}."


def actions_close_search(*, episode: Any, acting_user: Any, at: datetime) -> int:
    """Mark the episode's open search actions not needed, saying the child was found and when.
    Returns how many were closed. The caller holds the episode's lock and transaction."""
    when = format_when(episode.found_at or at)
    search = Q(code__in=SEARCH_ACTION_CODES) | Q(source__in=SEARCH_ACTION_SOURCES)
    return Action.objects.filter(search, episode=episode, status=ActionStatus.OPEN).update(
        status=ActionStatus.NOT_NEEDED,
        outcome=FOUND_REASON.format(name=episode.child.given_name, when=when),
        completed_at=at,
        completed_by=acting_user,
        version=F("version") + 1,
    )


def action_finish_by_code(*, episode: Any, code: str, outcome: str, acting_user: Any, at: datetime) -> int:
    """Mark the episode's open actions with ``code`` done with ``outcome`` (for example the safe-and-well
    check once it is recorded). Returns how many. The caller holds the episode's lock and transaction."""
    return Action.objects.filter(episode=episode, code=code, status=ActionStatus.OPEN).update(
        status=ActionStatus.DONE,
        outcome=outcome,
        completed_at=at,
        completed_by=acting_user,
        version=F("version") + 1,
    )


def format_when(at: datetime) -> str:
    """A time as people write it, UK time: ``7 March 2026 at 14:05``."""
    local = timezone.localtime(at)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"
