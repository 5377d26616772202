"""Everything done about an episode after the first grading: reviews, actions, found, safe and well,
return interview, closure and the status history."""

from __future__ import annotations

from datetime import datetime, timedelta

from misper.demo import figures, texts, world
from misper.demo.context import Gen
from misper.demo.plan import (
    ActionPlan,
    ChildPlan,
    EpisodePlan,
    ReturnInterviewPlan,
    ReviewPlan,
    SafeAndWellPlan,
    StatusChangePlan,
)

# Hours between reviews by grade (College of Policing APP: more often the higher the risk).
REVIEW_HOURS = {"high": 2, "medium": 6, "low": 12, "very_low": 24, "no_apparent_risk": 24}
MAX_REVIEWS = 6
STANDARD_ACTIONS = (
    ("contact_reporter", "Speak to the person who reported the child missing", 1),
    ("search_missing_from", "Search the place the child went missing from", 1),
    ("phone_child", "Call and message the child's phone", 1),
    ("check_social_media", "Check the child's social media", 2),
    ("visit_frequented_places", "Check the places the child is known to go", 3),
)
ACTION_TITLES = {
    "immediate_search": "Start searching now",
    "supervisor_review": "Supervisor to review the grading and plan",
    "notify_cse_team": "Tell the child exploitation team",
    "refer_to_childrens_social_care": "Refer to children's social care",
    "strategy_meeting": "Hold a multi-agency strategy meeting",
    "notify_placing_authority": "Tell the placing authority",
    "review_trigger_plan": "Review the trigger plan with partners",
    "consider_cawn": "Consider a child abduction warning notice",
    "assess_safety_before_return": "Check it is safe to return the child",
    "notify_ukmpu": "Tell the UK Missing Persons Unit",
    "safe_and_well_check": "Safe and well check when found",
    "return_interview_referral": "Refer for a return interview",
    "alert_ports": "Alert ports and airports",
}


def add_reviews(gen: Gen, episode: EpisodePlan) -> None:
    """Reviews at the interval for the grade, until found (or now)."""
    step = timedelta(hours=REVIEW_HOURS.get(episode.risk, 6))
    end = episode.found_at or gen.now
    at = episode.reported_at + step
    while at < end and len(episode.reviews) < MAX_REVIEWS:
        episode.reviews.append(ReviewPlan(at, texts.pick(gen.rng, texts.REVIEW_NOTES), at + step))
        at += step
    last = episode.reviews[-1].reviewed_at if episode.reviews else episode.reported_at
    episode.next_review_at = None if episode.found_at else last + step


def add_actions(gen: Gen, episode: EpisodePlan, trigger_actions: list[str]) -> None:
    """Standard enquiries, the engine's recommended actions and the trigger plan's actions."""
    rng = gen.rng
    engine = [c for c in episode.assessments[0].result.get("actions", []) if c in ACTION_TITLES][:3]
    items = [(code, title, "standard", hours) for code, title, hours in STANDARD_ACTIONS]
    items += [(code, ACTION_TITLES[code], "engine", 1) for code in engine]
    items += [
        (f"trigger_plan_{i + 1}", text[:200], "trigger_plan", 1) for i, text in enumerate(trigger_actions[:2])
    ]
    team = rng.choice(("Response team 1", "Response team 2", "Missing persons unit"))
    for code, title, source, hours in items:
        due = episode.reported_at + timedelta(hours=hours)
        action = ActionPlan(code, title, source, team, due, "open")
        end = episode.found_at or gen.now
        if episode.found_at is not None or due < gen.now or rng.random() < 0.4:
            done_at = episode.reported_at + (end - episode.reported_at) * rng.uniform(0.1, 0.9)
            action.status = "not_needed" if rng.random() < 0.08 else "done"
            action.completed_at = done_at
            action.outcome = (
                "Done; nothing further found." if action.status == "done" else "Child found first."
            )
        episode.actions.append(action)


def settle_status(gen: Gen, episode: EpisodePlan) -> None:
    """Status, closure and the status-change rows, from the episode's times."""
    rng = gen.rng
    changes = episode.status_changes
    changes.append(_change("", "reported", episode.reported_at, "Report taken"))
    active_at = episode.reported_at + timedelta(minutes=rng.randint(10, 60))
    end = episode.found_at or gen.now
    if active_at >= end:
        episode.status = "reported" if episode.found_at is None else "found"
    else:
        changes.append(_change("reported", "active", active_at, "Officer assigned"))
        episode.status = "active"
    if episode.found_at is None:
        return
    changes.append(_change(changes[-1].to_status, "found", episode.found_at, "Found or returned"))
    episode.status = "found"
    closed = episode.found_at + timedelta(hours=rng.uniform(3, 48))
    if closed < gen.now:
        changes.append(_change("found", "closed", closed, "Closed by supervisor"))
        episode.status, episode.closed_at = "closed", closed
        episode.closure_summary = texts.pick(rng, texts.CLOSURE)


def _change(from_status: str, to_status: str, at: datetime, note: str) -> StatusChangePlan:
    return StatusChangePlan(from_status, to_status, at, note)


def add_safe_and_well(gen: Gen, episode: EpisodePlan) -> None:
    """A safe and well check after most returns, with the child's account in their own words."""
    rng = gen.rng
    if episode.found_at is None:
        return
    at = episode.found_at + timedelta(hours=rng.uniform(0.5, 10))
    if at >= gen.now or rng.random() > figures.SAFE_AND_WELL_SHARE:
        episode.safe_and_well_not_done_reason = texts.pick(rng, texts.NOT_DONE)
        return
    harm = bool(episode.harm_disclosed)
    episode.safe_and_well = SafeAndWellPlan(
        conducted_by_name=f"PC {gen.fake.last_name()}",
        conducted_at=at,
        child_account=texts.child_account(rng),
        harm_disclosed=harm,
        harm_details=episode.offences_identified if harm else "",
        offences_to_investigate=episode.offences_identified if harm else "",
        push_factors=texts.pick(rng, texts.PUSH),
        pull_factors=texts.pick(rng, texts.PULL),
        child_wishes=texts.pick(rng, texts.WISHES),
        safe_to_return=not harm or rng.random() < 0.5,
        safety_decision="Safe to return to placement." if not harm else "Strategy discussion before return.",
    )


def add_return_interview(gen: Gen, episode: EpisodePlan, child: ChildPlan) -> None:
    """A return interview referral (children only), due 72 hours after return."""
    rng = gen.rng
    if child.is_adult or episode.found_at is None:
        return
    referred = episode.found_at + timedelta(hours=rng.uniform(1, 8))
    if referred >= gen.now:
        return
    responsible = child.placing_authority or world.HOME_LA
    provider = world.RHI_PROVIDER if responsible == world.HOME_LA or rng.random() < 0.5 else None
    due = episode.found_at + timedelta(hours=figures.RETURN_INTERVIEW_DUE_HOURS)
    interview = ReturnInterviewPlan(responsible, provider, referred, due, "referred")
    _interview_outcome(gen, interview)
    episode.return_interview = interview


def _interview_outcome(gen: Gen, interview: ReturnInterviewPlan) -> None:
    rng = gen.rng
    offered = interview.referred_at + timedelta(hours=rng.uniform(2, 30))
    roll = rng.random()
    in_time = figures.RETURN_INTERVIEW_COMPLETED_IN_TIME_SHARE
    if roll < in_time:
        done = interview.referred_at + (interview.due_at - interview.referred_at) * rng.uniform(0.3, 0.98)
    elif roll < in_time + 0.08:
        done = interview.due_at + timedelta(hours=rng.uniform(2, 120))
    else:
        done = None
    if offered < gen.now:
        interview.status, interview.offered_at = "offered", offered
    if done is not None and done < gen.now:
        interview.status, interview.completed_at = "completed", done
        interview.interviewer_name = gen.fake.name()
        interview.child_account = texts.child_account(rng)
        interview.push_factors, interview.pull_factors = (
            texts.pick(rng, texts.PUSH),
            texts.pick(rng, texts.PULL),
        )
        interview.child_wishes = texts.pick(rng, texts.WISHES)
        interview.what_should_change = "More time with key worker; help to see family safely."
    elif done is None and interview.due_at < gen.now:
        interview.status = "declined" if roll < 0.93 else "not_possible"
