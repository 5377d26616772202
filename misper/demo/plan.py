"""The in-memory plan of a synthetic force: plain dataclasses, no Django.

The generator fills a ``Plan``; the loader writes it. Records refer to each other by a ``key``
(an index into the plan's list) or, for agencies, by agency code, so a plan can be compared,
counted and checked without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass
class AgencyPlan:
    code: str
    name: str
    kind: str
    police_area: str | None = None
    commissioned_by: str | None = None
    email: str = ""
    phone: str = ""
    out_of_hours_phone: str = ""


@dataclass
class LocationPlan:
    key: int
    force: str
    kind: str
    name: str
    address_line: str
    town: str
    postcode: str
    beat: str
    latitude: float | None
    longitude: float | None
    operated_by: str | None = None


@dataclass
class AliasPlan:
    kind: str
    given_name: str
    family_name: str


@dataclass
class FlagPlan:
    code: str
    source: str
    source_agency: str | None
    noted_on: date
    expires_on: date | None = None
    notes: str = ""

    def is_current(self, day: date) -> bool:
        return self.noted_on <= day and (self.expires_on is None or self.expires_on >= day)


@dataclass
class ChildPlaceLink:
    location: int
    kind: str
    notes: str = ""


@dataclass
class ChildPlan:
    key: int
    ref: str
    given_name: str
    family_name: str
    date_of_birth: date
    sex: str
    ethnicity: str
    is_adult: bool = False
    preferred_name: str = ""
    description: str = ""
    languages: str = "English"
    disabilities: str = ""
    phone: str = ""
    social_media: str = ""
    medical_needs: str = ""
    looked_after: bool = False
    placement_type: str = "home"
    placing_authority: str | None = None
    host_authority: str | None = None
    care_provider: str | None = None
    placement_location: int | None = None
    home_location: int | None = None
    out_of_area: bool = False
    placed_since: date | None = None
    social_worker_name: str = ""
    social_worker_phone: str = ""
    aliases: list[AliasPlan] = field(default_factory=list)
    flags: list[FlagPlan] = field(default_factory=list)
    places: list[ChildPlaceLink] = field(default_factory=list)

    def age_on(self, day: date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


@dataclass
class AssociatePlan:
    key: int
    given_name: str
    family_name: str
    date_of_birth: date
    sex: str
    flags: list[str]
    description: str = ""
    intelligence_notes: str = ""

    def age_on(self, day: date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


@dataclass
class LinkPlan:
    child: int
    associate: int
    relationship: str
    of_concern: bool
    noted_on: date
    notes: str = ""
    concern: str = ""  # a people.Concern code, as an officer records it (empty: not of concern)
    source: str = ""


@dataclass
class CawnPlan:
    associate: int
    child: int
    issued_on: date
    expires_on: date | None
    breaches: list[dict[str, str]] = field(default_factory=list)
    follow_up: str = ""


@dataclass
class TriggerPlanPlan:
    child: int
    version: int
    minimum_risk: str
    actions: list[str]
    agreed_by: str
    agencies: list[str]
    agreed_on: date
    review_on: date | None
    superseded_at: datetime | None = None


@dataclass
class PlacementNoticePlan:
    child: int
    placing_authority: str
    host_authority: str | None
    host_force: str
    placement_type: str
    placement: int | None
    starts_on: date
    ends_on: date | None
    known_risks: str
    acknowledged_at: datetime | None


@dataclass
class MeetingActionPlan:
    text: str
    owner_agency: str
    due_on: date
    completed_on: date | None = None


@dataclass
class MeetingPlan:
    """A multi-agency missing panel (or strategy meeting) of the force about ``children`` (keys)."""

    kind: str
    held_on: date
    children: list[int]
    attendees: list[dict[str, str]]
    decisions: str
    actions: list[MeetingActionPlan] = field(default_factory=list)


@dataclass
class AssessmentPlan:
    kind: str
    created_at: datetime
    policy_name: str
    policy_version: str
    inputs: dict[str, Any]
    result: dict[str, Any]
    recommended_category: str
    recommended_risk: str
    immediacy: str
    seriousness: str
    graded_category: str
    graded_risk: str
    rationale: str = ""
    under_graded: bool = False
    approval_status: str = "not_needed"
    decided_at: datetime | None = None
    decision_note: str = ""


@dataclass
class ReviewPlan:
    reviewed_at: datetime
    notes: str
    next_review_at: datetime | None
    regraded: bool = False
    assessment: int | None = None  # index into the episode's assessments


@dataclass
class ActionPlan:
    code: str
    title: str
    source: str
    assigned_team: str
    due_at: datetime
    status: str
    outcome: str = ""
    completed_at: datetime | None = None


@dataclass
class SafeAndWellPlan:
    conducted_by_name: str
    conducted_at: datetime
    child_account: str
    harm_disclosed: bool
    harm_details: str
    offences_to_investigate: str
    push_factors: str
    pull_factors: str
    child_wishes: str
    safe_to_return: bool | None
    safety_decision: str


@dataclass
class ReturnInterviewPlan:
    responsible_agency: str
    provider: str | None
    referred_at: datetime
    due_at: datetime
    status: str
    offered_at: datetime | None = None
    completed_at: datetime | None = None
    interviewer_name: str = ""
    child_account: str = ""
    push_factors: str = ""
    pull_factors: str = ""
    risks_found: str = ""
    what_should_change: str = ""
    child_wishes: str = ""
    proposed_trigger_plan_change: str = ""


@dataclass
class StatusChangePlan:
    from_status: str
    to_status: str
    at: datetime
    note: str = ""


@dataclass
class EpisodePlan:
    key: int
    child: int
    reported_at: datetime
    last_seen_at: datetime
    found_at: datetime | None  # None while the episode is open
    reference: str = ""
    status: str = "closed"
    category: str = "missing"
    risk: str = "medium"
    missing_from: int | None = None
    missing_from_care: bool = False
    reporter_type: str = "other"
    reporter_name: str = ""
    reporter_phone: str = ""
    circumstances: str = ""
    indicators: list[str] = field(default_factory=list)
    beat: str = ""
    found_location: int | None = None
    found_with: str = ""
    found_with_associate: int | None = None
    return_method: str = ""
    harm_disclosed: bool | None = None
    offences_identified: str = ""
    closed_at: datetime | None = None
    closure_summary: str = ""
    safe_and_well_not_done_reason: str = ""
    next_review_at: datetime | None = None
    owner: str | None = None  # a demo persona's username
    assessments: list[AssessmentPlan] = field(default_factory=list)
    reviews: list[ReviewPlan] = field(default_factory=list)
    actions: list[ActionPlan] = field(default_factory=list)
    safe_and_well: SafeAndWellPlan | None = None
    return_interview: ReturnInterviewPlan | None = None
    status_changes: list[StatusChangePlan] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status in ("reported", "active")

    @property
    def duration_hours(self) -> float | None:
        if self.found_at is None:
            return None
        return (self.found_at - self.reported_at).total_seconds() / 3600


@dataclass
class Plan:
    """Everything the loader writes for one synthetic force."""

    force: str
    local_authority: str
    now: datetime
    agencies: list[AgencyPlan] = field(default_factory=list)
    locations: list[LocationPlan] = field(default_factory=list)
    children: list[ChildPlan] = field(default_factory=list)
    associates: list[AssociatePlan] = field(default_factory=list)
    links: list[LinkPlan] = field(default_factory=list)
    cawns: list[CawnPlan] = field(default_factory=list)
    trigger_plans: list[TriggerPlanPlan] = field(default_factory=list)
    placement_notices: list[PlacementNoticePlan] = field(default_factory=list)
    episodes: list[EpisodePlan] = field(default_factory=list)
    meetings: list[MeetingPlan] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Row counts by table, as the loader will write them."""
        eps = self.episodes
        return {
            "agencies": len(self.agencies),
            "locations": len(self.locations),
            "children": len(self.children),
            "associates": len(self.associates),
            "child_associate_links": len(self.links),
            "abduction_warning_notices": len(self.cawns),
            "trigger_plans": len(self.trigger_plans),
            "placement_notices": len(self.placement_notices),
            "meetings": len(self.meetings),
            "meeting_children": sum(len(m.children) for m in self.meetings),
            "meeting_actions": sum(len(m.actions) for m in self.meetings),
            "episodes": len(eps),
            "open_episodes": sum(e.is_open for e in eps),
            "risk_assessments": sum(len(e.assessments) for e in eps),
            "reviews": sum(len(e.reviews) for e in eps),
            "actions": sum(len(e.actions) for e in eps),
            "safe_and_well_checks": sum(e.safe_and_well is not None for e in eps),
            "return_interviews": sum(e.return_interview is not None for e in eps),
            "status_changes": sum(len(e.status_changes) for e in eps),
        }
