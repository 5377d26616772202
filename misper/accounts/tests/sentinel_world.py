"""One child with a distinct sentinel value in every restricted field, and a user for every role and
agency relationship to that child — the world the crawls (``crawler.py``) request every surface in.

The world is shaped like ``matrix_world.MatrixWorld`` (``force``, ``la``, ``child``, ``episode``), so
the permission matrix's path fillers (``matrix_world.PARAMS``) fill every route from it.

Agencies: the owning force (Sentinelshire), another force with no link, a host force (a current
placement notice puts the child on its patch), the placing authority (also the responsible authority of
the child's return interview), a host authority, the child's care home and a return interview provider.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from misper.accounts.models import Agency, AgencyKind, Role, User
from misper.accounts.tests.matrix_world import MatrixWorld, _report
from misper.episodes.models import Action, Episode, Review, RiskAssessment, SafeAndWellCheck
from misper.partners.models import CareProfile, PlacementNotice, ReturnInterview, TriggerPlan
from misper.people.models import (
    AbductionWarningNotice,
    Associate,
    ChildAssociate,
    ChildLocation,
    Location,
    LocationKind,
    VulnerabilityFlag,
)
from tests.factories import agency_make, child_make, user_make

CHILD_GIVEN = "Quillon"
CHILD_FAMILY = "Zephyrworth"
CHILD_REF = "SNT-CHILD-0001"
SEARCH_NAME = "Quillon Zefyrworth"  # a sound-alike: found, but not the name on file

# Restricted field → its sentinel. The group of each is in ``SENTINEL_GROUPS``.
SENTINELS: dict[str, str] = {
    # police intelligence
    "associate.family_name": "Sentinelassocname",
    "associate.intelligence_notes": "SENTINEL_PI_ASSOC_INTEL",
    "associate.description": "SENTINEL_PI_ASSOC_DESCRIPTION",
    "child_associate.notes": "SENTINEL_PI_LINK_NOTES",
    "cawn.follow_up": "SENTINEL_PI_CAWN_FOLLOW_UP",
    "episode.found_with": "SENTINEL_PI_FOUND_WITH",
    "episode.offences_identified": "SENTINEL_PI_OFFENCES",
    "episode.closure_summary": "SENTINEL_PI_CLOSURE_SUMMARY",
    "episode.reporter_name": "SENTINEL_PI_REPORTER_NAME",
    "episode.reporter_phone": "SENTINEL_PI_REPORTER_PHONE",
    "assessment.rationale": "SENTINEL_PI_RATIONALE",
    "assessment.decision_note": "SENTINEL_PI_DECISION_NOTE",
    "review.notes": "SENTINEL_PI_REVIEW_NOTES",
    "action.title": "SENTINEL_PI_ACTION_TITLE",
    "action.outcome": "SENTINEL_PI_ACTION_OUTCOME",
    "police_only_flag.source": "SENTINEL_PI_FLAG_SOURCE",
    "child_location.place": "SENTINEL_PI_CHILD_PLACE",
    # the police's safe and well check
    "safe_and_well.child_account": "SENTINEL_SW_CHILD_ACCOUNT",
    "safe_and_well.harm_details": "SENTINEL_SW_HARM_DETAILS",
    "safe_and_well.offences_to_investigate": "SENTINEL_SW_OFFENCES",
    "safe_and_well.safety_decision": "SENTINEL_SW_SAFETY_DECISION",
    # the child's own account in a return interview
    "return_interview.child_account": "SENTINEL_RI_CHILD_ACCOUNT",
}
SENTINEL_GROUPS: dict[str, str] = {
    name: {"safe_and_well": "safe_and_well_account", "return_interview": "interview_account"}.get(
        name.split(".")[0], "police_intelligence"
    )
    for name in SENTINELS
}
# Shared fields, planted too, to prove the crawl reaches the surfaces that show them.
SHARED = {
    "trigger_plan.action": "SENTINEL_SHARED_PLAN_ACTION",
    "return_interview.push_factors": "SENTINEL_SHARED_PUSH_FACTORS",
    "notice.known_risks": "SENTINEL_SHARED_KNOWN_RISKS",
}


@dataclass
class SentinelWorld(MatrixWorld):
    # crawl user name → (user, relations to the child: field_access.Relation values, as the test expects)
    crawlers: dict[str, tuple[User, frozenset[str]]] | None = None
    open_episode: Episode | None = None
    search_name: str = SEARCH_NAME


def _agencies() -> dict[str, Agency]:
    force = agency_make(AgencyKind.POLICE_FORCE, code="snt-force", name="Sentinelshire Police")
    other = agency_make(AgencyKind.POLICE_FORCE, code="snt-other", name="Elsewhere Police")
    host_force = agency_make(AgencyKind.POLICE_FORCE, code="snt-host-force", name="Hostshire Police")
    placing = agency_make(
        AgencyKind.LOCAL_AUTHORITY, code="snt-placing", name="Sentinelshire Council", police_area=force
    )
    return {
        "force": force,
        "other": other,
        "host_force": host_force,
        "placing": placing,
        "host_la": agency_make(
            AgencyKind.LOCAL_AUTHORITY, code="snt-host-la", name="Hostshire Council", police_area=host_force
        ),
        "home": agency_make(
            AgencyKind.CARE_PROVIDER, code="snt-home", name="Larkspur Care", police_area=host_force
        ),
        "rhi": agency_make(
            AgencyKind.RETURN_INTERVIEW_PROVIDER, code="snt-rhi", name="Talk Back", commissioned_by=placing
        ),
    }


OWNER = frozenset({"police_owner"})
NONE: frozenset[str] = frozenset()


def _crawlers(a: dict[str, Agency], users: dict[str, User]) -> dict[str, tuple[User, frozenset[str]]]:
    def partner(key: str, name: str) -> User:
        return user_make(a[key], Role.PARTNER_PRACTITIONER, username=name)

    crawlers = {f"force {role}": (users[role], OWNER) for role in ("call_handler", "investigating_officer",
                                                                  "coordinator", "supervisor", "analyst")}  # fmt: skip
    crawlers |= {f"force {role}": (users[role], NONE) for role in ("auditor", "administrator")}
    crawlers |= {
        "other force officer": (user_make(a["other"], Role.INVESTIGATING_OFFICER, username="snt-oth"), NONE),
        "other force supervisor": (user_make(a["other"], Role.SUPERVISOR, username="snt-oth-sup"), NONE),
        "host force officer": (
            user_make(a["host_force"], Role.INVESTIGATING_OFFICER, username="snt-host"),
            frozenset({"police_host"}),
        ),
        "placing authority": (
            partner("placing", "snt-placing"),
            frozenset({"placing_authority", "interview_agency"}),
        ),
        "host authority": (partner("host_la", "snt-host-la"), frozenset({"host_authority"})),
        "care home": (partner("home", "snt-home"), frozenset({"care_home"})),
        "interview provider": (partner("rhi", "snt-rhi"), frozenset({"interview_agency"})),
    }
    return crawlers


def _intelligence(w: SentinelWorld, closed: Episode) -> None:
    s = SENTINELS
    adult = Associate.objects.create(
        force=w.force, given_name="Rook", family_name=s["associate.family_name"],
        intelligence_notes=s["associate.intelligence_notes"], description=s["associate.description"],
        flags=["cse_suspect"],
    )  # fmt: skip
    ChildAssociate.objects.create(
        child=w.child, associate=adult, of_concern=True, notes=s["child_associate.notes"]
    )
    VulnerabilityFlag.objects.create(
        child=w.child, code="cce_risk", police_only=True, noted_on=timezone.localdate(),
        source=s["police_only_flag.source"], notes=s["police_only_flag.source"],
    )  # fmt: skip
    # A place of the owning force's linked to the child: places on file are withheld from a host force
    # (``partners.projections.child_view_for``), on the found page's choices too.
    frequented = Location.objects.create(
        force=w.force, kind=LocationKind.CONCERN, name=s["child_location.place"], town="Demoton"
    )
    ChildLocation.objects.create(child=w.child, location=frequented, kind="frequented")
    AbductionWarningNotice.objects.create(
        associate=adult, child=w.child, issued_on=timezone.localdate(), follow_up=s["cawn.follow_up"]
    )
    now = timezone.now()
    first = closed.assessments.order_by("pk").first()
    assert first is not None
    RiskAssessment.objects.filter(pk=first.pk).update(
        rationale=s["assessment.rationale"], decision_note=s["assessment.decision_note"], under_graded=True
    )
    Review.objects.create(episode=closed, reviewed_at=now, reviewer=w.users["supervisor"],
                          notes=s["review.notes"])  # fmt: skip
    Action.objects.create(episode=closed, code="manual", title=s["action.title"], source="manual")
    closed.actions.exclude(code="manual").update(status="done", outcome=s["action.outcome"], completed_at=now)


def _found_and_checked(w: SentinelWorld, closed: Episode) -> None:
    s = SENTINELS
    now = timezone.now()
    place = Location.objects.create(
        force=w.force, kind=LocationKind.FOUND, name="Bus station", town="Demoton"
    )
    Episode.objects.filter(pk=closed.pk).update(
        status="closed", found_at=now - timedelta(minutes=30), found_location=place, closed_at=now,
        found_with=s["episode.found_with"], offences_identified=s["episode.offences_identified"],
        closure_summary=s["episode.closure_summary"], reporter_name=s["episode.reporter_name"],
        reporter_phone=s["episode.reporter_phone"], return_method="found_by_police", next_review_at=None,
    )  # fmt: skip
    SafeAndWellCheck.objects.create(
        episode=closed, conducted_at=now - timedelta(minutes=20), conducted_by=w.users["investigating_officer"],
        child_account=s["safe_and_well.child_account"], harm_details=s["safe_and_well.harm_details"],
        offences_to_investigate=s["safe_and_well.offences_to_investigate"],
        safety_decision=s["safe_and_well.safety_decision"], child_wishes="To stay at Larkspur",
    )  # fmt: skip
    ReturnInterview.objects.create(
        episode=closed, responsible_agency=w.la, provider=w.extra["agencies"]["rhi"],
        referred_at=now, due_at=now + timedelta(hours=52), status="completed", completed_at=now,
        interviewer_name="Sam Talkback", child_account=s["return_interview.child_account"],
        push_factors=SHARED["return_interview.push_factors"],
    )  # fmt: skip


def _placed(w: SentinelWorld) -> None:
    a = w.extra["agencies"]
    now = timezone.now()
    place = Location.objects.create(
        force=a["host_force"],
        kind=LocationKind.PLACEMENT,
        name="Larkspur House",
        postcode="HS1 1AA",
        beat="HS01",
    )
    PlacementNotice.objects.create(
        child=w.child, placing_authority=w.la, host_authority=a["host_la"], host_force=a["host_force"],
        placement_type="residential_home", placement=place, starts_on=timezone.localdate(),
        known_risks=SHARED["notice.known_risks"],
    )  # fmt: skip
    TriggerPlan.objects.create(
        child=w.child, minimum_risk="medium", actions=[SHARED["trigger_plan.action"]],
        agreed_by="Panel", agreed_on=timezone.localdate(),
    )  # fmt: skip
    CareProfile.objects.create(
        child=w.child, care_home=a["home"], routines="Football on Tuesdays", updated_at=now
    )


def sentinel_world_build() -> SentinelWorld:
    """Build the world: two episodes of the child (one open with a grading waiting for a supervisor,
    one closed with every restricted field filled), reported through the report page."""
    a = _agencies()
    users = {
        str(role): user_make(a["force"], role, username=f"snt-{role}")
        for role in Role
        if role != Role.PARTNER_PRACTITIONER
    }
    child = child_make(
        a["force"], given_name=CHILD_GIVEN, family_name=CHILD_FAMILY, ref=CHILD_REF, looked_after=True,
        placement_type="residential_home", placing_authority=a["placing"], host_authority=a["host_la"],
        care_provider=a["home"],
    )  # fmt: skip
    closed = _report(users["call_handler"], child)
    w = SentinelWorld(force=a["force"], la=a["placing"], users=users, child=child, episode=closed,
                      extra={"agencies": a})  # fmt: skip
    _intelligence(w, closed)
    _found_and_checked(w, closed)  # closed first: a child has one open episode at a time
    w.open_episode = _report(users["call_handler"], child)
    _placed(w)
    w.crawlers = _crawlers(a, users)
    w.users["partner_practitioner"] = w.crawlers["placing authority"][0]
    return w
