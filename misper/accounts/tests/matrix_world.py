"""The small seeded world the permission matrix requests every route in, and how each path parameter is
filled from it. Add a ``PARAMS`` entry when a new route has a parameter name not listed here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from misper.accounts.models import Agency, AgencyKind, Role, User
from misper.accounts.services import api_token_issue
from misper.episodes.models import Episode
from tests.factories import agency_make, child_make, risk_answers_post, user_make

ROLES: tuple[str, ...] = (*(r.value for r in Role), "anonymous")


@dataclass
class MatrixWorld:
    force: Agency
    la: Agency
    users: dict[str, User]
    child: Any
    episode: Episode
    extra: dict[str, Any] = field(default_factory=dict)


def _report(calltaker: User, child: Any) -> Episode:
    now = timezone.now()
    fmt = "%Y-%m-%dT%H:%M"
    client = Client()
    client.force_login(calltaker)
    form = {
        "reporter_type": "care_home",
        "reporter_name": "Night manager",
        "reporter_phone": "01632 960000",
        "reported_at": timezone.localtime(now - timedelta(minutes=10)).strftime(fmt),
        "last_seen_at": timezone.localtime(now - timedelta(hours=2)).strftime(fmt),
        "from_place": "Oak House",
        "from_town": "Demoton",
        "from_postcode": "dm1 1aa",
        "from_beat": "DM01",
        "circumstances": "Left after tea.",
        **risk_answers_post(yes=("out_of_character",)),
        "category": "missing",
        "risk": "low",
        "rationale": "Graded lower than the engine to leave an approval waiting.",
    }
    resp = client.post(f"/children/{child.pk}/report", form)
    assert resp.status_code == 302, resp.content.decode()[:1500]
    return Episode.objects.filter(child=child).latest("pk")


def matrix_world_build() -> MatrixWorld:
    """One force, its local authority (the child's placing authority), one user per role (the partner
    practitioner in the local authority, everyone else in the force) and one reported episode."""
    force = agency_make(AgencyKind.POLICE_FORCE, code="mx-force", name="Matrixshire Police")
    la = agency_make(AgencyKind.LOCAL_AUTHORITY, code="mx-la", name="Matrixshire Council", police_area=force)
    users = {
        role: user_make(la if role == Role.PARTNER_PRACTITIONER else force, role, username=f"mx-{role}")
        for role in Role
    }
    child = child_make(force, looked_after=True, placing_authority=la)
    episode = _report(users[Role.CALL_HANDLER], child)
    # The call handler's own API token, for the revoke page (kept apart from the tokens the matrix uses).
    token = api_token_issue(user=users[Role.CALL_HANDLER], label="matrix").token
    return MatrixWorld(
        force=force,
        la=la,
        users={str(k): v for k, v in users.items()},
        child=child,
        episode=episode,
        extra={"token": token},
    )


def _first(qs: Any) -> int:
    row = qs.order_by("pk").first()
    return row.pk if row is not None else 999_999


def _alert_id(w: MatrixWorld) -> int:
    from misper.notifications.models import Alert

    return _first(Alert.objects.filter(recipient_agency=w.la))


def _action_id(w: MatrixWorld) -> int:
    return _first(w.episode.actions.all())


def _assessment_id(w: MatrixWorld) -> int:
    return _first(w.episode.assessments.all())


def _interview_id(w: MatrixWorld) -> int:
    """The episode's return interview, referred to the child's placing authority (made once)."""
    from misper.partners.models import ReturnInterview

    now = timezone.now()
    ri, _ = ReturnInterview.objects.get_or_create(
        episode=w.episode, defaults={"responsible_agency": w.la, "referred_at": now, "due_at": now}
    )
    return ri.pk


def _notification_id(w: MatrixWorld) -> int:
    """A report sent by the child's care home (here the council stands in for it), made once."""
    from misper.partners.models import MissingNotification

    now = timezone.now()
    n, _ = MissingNotification.objects.get_or_create(
        child=w.child,
        defaults={
            "force": w.force, "care_home": w.la, "profile": {}, "last_seen_at": now, "circumstances": "x",
            "reporter_name": "x", "reporter_phone": "x", "created_at": now,
        },
    )  # fmt: skip
    return n.pk


def _rec_id(w: MatrixWorld) -> int:
    """A recommendation on the force's improvement tracker (made once)."""
    from misper.learning.models import Recommendation

    rec, _ = Recommendation.objects.get_or_create(
        force=w.force, reference="MX-1", defaults={"source": "Matrix", "kind": "recommendation", "text": "x"}
    )
    return rec.pk


def _code(w: MatrixWorld) -> str:
    """A path code: a dashboard figure's code and a feedback invitation code share the name. The figure
    'now_by_risk' is a real figure; as a feedback code it is unknown (404), which the matrix records."""
    return "now_by_risk"


def _fmt(w: MatrixWorld) -> str:
    return "csv"


def _pk(w: MatrixWorld) -> int:
    """A national clerical-review pair (none in the matrix world: 404 for those who may look)."""
    return 999_999


def _pair_id(w: MatrixWorld) -> int:
    """A national clerical-review pair, undecided (made once)."""
    from misper.national.models import ReviewPair

    pair, _ = ReviewPair.objects.get_or_create(
        left_source="mx-force", left_ref="MX-1", right_source="mx-other", right_ref="MX-9",
        defaults={"probability": 0.5},
    )  # fmt: skip
    return pair.pk


def _notice_id(w: MatrixWorld) -> int:
    """A placement notice for the child: the force is the host force, the council the host authority."""
    from misper.partners.models import PlacementNotice

    notice, _ = PlacementNotice.objects.get_or_create(
        child=w.child,
        defaults={
            "placing_authority": w.la, "host_authority": w.la, "host_force": w.force,
            "placement_type": "residential_home", "starts_on": timezone.localdate(),
        },
    )  # fmt: skip
    return notice.pk


def _meeting(w: MatrixWorld) -> Any:
    """A panel meeting of the force about the child, with one action owned by the council (made once)."""
    from misper.partners.models import Meeting, MeetingAction

    meeting = Meeting.objects.filter(force=w.force).first()
    if meeting is None:
        now = timezone.now()
        meeting = Meeting.objects.create(
            force=w.force, kind="panel", held_on=now.date(), decisions="x", created_at=now
        )
        meeting.children.set([w.child])
        MeetingAction.objects.create(meeting=meeting, text="x", owner_agency=w.la, due_on=now.date())
    return meeting


def _incident_id(w: MatrixWorld) -> int:
    """A missing-person incident from the force's control room, received through the feed (made once)."""
    from misper.incidents.models import Incident
    from misper.incidents.services import incident_receive

    incident = Incident.objects.filter(force=w.force, number="MATRIX-1").first()
    if incident is None:
        doc = {
            "incident_number": "MATRIX-1",
            "opened_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
            "opening_code": "MISPER",
        }
        incident = incident_receive(data=doc, acting_user=w.users["call_handler"]).incident
    return incident.pk


def _cawn_id(w: MatrixWorld) -> int:
    """A child abduction warning notice on the child (made once)."""
    from misper.people.models import AbductionWarningNotice, Associate

    cawn = AbductionWarningNotice.objects.filter(child=w.child).first()
    if cawn is None:
        adult = Associate.objects.create(force=w.force, given_name="Mx", family_name="Adult")
        cawn = AbductionWarningNotice.objects.create(
            associate=adult, child=w.child, issued_on=timezone.localdate()
        )
    return cawn.pk


# Path parameter name → its value in the matrix world. Extend for new parameter names.
def _person_id(w: MatrixWorld) -> int:
    """A person of concern in the child's force, linked to the child (made once)."""
    from misper.people.models import Associate, ChildAssociate

    person = Associate.objects.filter(force=w.force, given_name="Matrix").first()
    if person is None:
        person = Associate.objects.create(force=w.force, given_name="Matrix", family_name="Person")
        ChildAssociate.objects.create(child=w.child, associate=person, of_concern=True)
    return person.pk


def _flag_id(w: MatrixWorld) -> int:
    """A flag on the child (made once)."""
    from misper.people.models import VulnerabilityFlag

    flag = VulnerabilityFlag.objects.filter(child=w.child).first()
    if flag is None:
        flag = VulnerabilityFlag.objects.create(
            child=w.child, code="self_harm", noted_on=timezone.localdate()
        )
    return flag.pk


def _link_id(w: MatrixWorld) -> int:
    """The link of the matrix's person of concern to the child."""
    from misper.people.models import ChildAssociate

    return ChildAssociate.objects.get(child=w.child, associate_id=_person_id(w)).pk


PARAMS: dict[str, Callable[[MatrixWorld], Any]] = {
    "link_id": _link_id,
    "person_id": _person_id,
    "flag_id": _flag_id,
    "child_id": lambda w: w.child.pk,
    "agency_code": lambda w: w.force.code,
    "token_id": lambda w: w.extra["token"].pk,
    "user_id": lambda w: w.users["call_handler"].pk,
    "episode_id": lambda w: w.episode.pk,
    "action_id": _action_id,
    "assessment_id": _assessment_id,
    "alert_id": _alert_id,
    "interview_id": _interview_id,
    "notification_id": _notification_id,
    "rec_id": _rec_id,
    "code": _code,
    "fmt": _fmt,
    "pk": _pk,
    "pair_id": _pair_id,
    "notice_id": _notice_id,
    "meeting_id": lambda w: _meeting(w).pk,
    "meeting_action_id": lambda w: _meeting(w).actions.get().pk,
    "cawn_id": _cawn_id,
    "incident_id": _incident_id,
}
