"""Paired records for the partner access tests: for every partner role, one child linked to the
partner's agency ("ours") and one linked to an agency of the same kind that is not ("theirs")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from misper.accounts.models import Agency, AgencyKind, Role, User
from misper.episodes.models import RiskAssessment
from misper.partners.models import ReturnInterview
from misper.people.models import Associate, Child, ChildAssociate
from tests.factories import agency_make, child_make, episode_make, user_make

PARTNER_ROLES = ("placing_authority", "host_authority", "care_provider", "return_interview_provider")
FOUND_WITH = "Jay Trent, 24 (known to police)"
ASSOCIATE_REASON = {
    "code": "associate_of_concern",
    "rule": "associate_of_concern",
    "text": "The child associates with someone of concern.",
    "effect": {"seriousness": "high"},
    "evidence": "associates[0] is flagged cse_perpetrator",
    "source": "HMIC",
}
REPEAT_REASON = {
    "code": "repeat_missing",
    "rule": "repeat_missing",
    "text": "Going missing again and again is a sign of harm.",
    "effect": {"seriousness": "medium"},
    "evidence": "3 earlier episodes in 90 days",
    "source": "HMIC",
}


@dataclass
class Side:
    """One side of the pair: the agencies, their users, and their child with an episode."""

    agencies: dict[str, Agency]
    users: dict[str, User]
    child: Child
    episode: Any
    interview: ReturnInterview


@dataclass
class Pairs:
    force: Agency
    calltaker: User
    supervisor: User
    ours: Side
    theirs: Side


def _agencies(force: Agency, tag: str) -> dict[str, Agency]:
    placing = agency_make(AgencyKind.LOCAL_AUTHORITY, code=f"{tag}-placing", name=f"{tag} placing council")
    host = agency_make(
        AgencyKind.LOCAL_AUTHORITY, code=f"{tag}-host", name=f"{tag} host council", police_area=force
    )
    home = agency_make(
        AgencyKind.CARE_PROVIDER, code=f"{tag}-home", name=f"{tag} care home", police_area=force
    )
    provider = agency_make(
        AgencyKind.RETURN_INTERVIEW_PROVIDER,
        code=f"{tag}-ri",
        name=f"{tag} interviews",
        commissioned_by=placing,
    )
    return {
        "placing_authority": placing,
        "host_authority": host,
        "care_provider": home,
        "return_interview_provider": provider,
    }


def _side(force: Agency, tag: str, name: str) -> Side:
    agencies = _agencies(force, tag)
    users = {
        role: user_make(a, Role.PARTNER_PRACTITIONER, username=f"{tag}-{role}")
        for role, a in agencies.items()
    }
    child = child_make(
        force,
        given_name=name,
        family_name="Pairtest",
        looked_after=True,
        placement_type="residential_home",
        placing_authority=agencies["placing_authority"],
        host_authority=agencies["host_authority"],
        care_provider=agencies["care_provider"],
    )
    now = timezone.now()
    episode = episode_make(
        child,
        reported_at=now - timedelta(days=2),
        status="closed",
        found_at=now - timedelta(days=1),
        found_with=FOUND_WITH,
        offences_identified="Possession with intent to supply",
    )
    _assessment(episode)
    associate = Associate.objects.create(
        force=force, given_name="Jay", family_name="Trent", intelligence_notes="Known county lines runner"
    )
    ChildAssociate.objects.create(child=child, associate=associate, of_concern=True)
    interview = ReturnInterview.objects.create(
        episode=episode,
        responsible_agency=agencies["placing_authority"],
        provider=agencies["return_interview_provider"],
        referred_at=now - timedelta(hours=20),
        due_at=now + timedelta(hours=52),
    )
    return Side(agencies, users, child, episode, interview)


def _assessment(episode: Any) -> RiskAssessment:
    return RiskAssessment.objects.create(
        episode=episode,
        created_at=episode.reported_at,
        policy_name="national",
        policy_version="test",
        inputs={},
        result={
            "reasons": [ASSOCIATE_REASON, REPEAT_REASON],
            "actions": ["check_associates"],
            "suggestions": [],
        },
        recommended_category="missing",
        recommended_risk="high",
        immediacy="high",
        seriousness="high",
        graded_category="missing",
        graded_risk="high",
        rationale="Intelligence says she is with Trent",
    )


def pairs_make() -> Pairs:
    force = agency_make(AgencyKind.POLICE_FORCE, code="pair-force", name="Pairshire Police")
    return Pairs(
        force=force,
        calltaker=user_make(force, Role.CALL_HANDLER, username="pair-calltaker"),
        supervisor=user_make(force, Role.SUPERVISOR, username="pair-supervisor"),
        ours=_side(force, "ours", "Ourchild"),
        theirs=_side(force, "theirs", "Theirchild"),
    )
