"""API routes for care homes and the reports they send: the care home keeps a looked-after child's care
profile and reports the child missing from its own system; the police control room sees those reports.
The care pages' access rules and services (``partners.care``): only the child's care home writes the
profile or reports from it; the reports queue, and the police report made from a care home's report, are
police only. Thin: parse, call one service, shape."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from ninja import Router, Schema, Status
from pydantic import AwareDatetime, Field

from misper.accounts.models import User
from misper.accounts.requests import AuthenticatedRequest
from misper.audit.services import access_record
from misper.core.api_schemas import Strict
from misper.core.errors import FieldError, InvalidInput
from misper.episodes.documents import FORMAT, child_section
from misper.partners import care, selectors
from misper.partners.models import CareProfile, MissingNotification
from misper.people.selectors import access_child_by_id

router = Router(tags=["care homes"])
TEXT_MAX = 10000  # as the page's boxes
POLICE_ONLY = "Only police users can do this."


class CareProfileIn(Strict):
    description: str = Field("", max_length=TEXT_MAX, description="Height, build, hair, clothes, marks")
    phone: str = Field("", max_length=40)
    social_media: str = Field("", max_length=TEXT_MAX)
    medical_needs: str = Field("", max_length=TEXT_MAX)
    friends_and_associates: str = Field("", max_length=TEXT_MAX)
    places_frequented: str = Field("", max_length=TEXT_MAX)
    missing_history: str = Field("", max_length=TEXT_MAX)
    routines: str = Field("", max_length=TEXT_MAX)


class MissingReportIn(Strict):
    last_seen_at: AwareDatetime = Field(description="When the child was last seen, with its offset")
    circumstances: str = Field(..., max_length=TEXT_MAX, description="What happened")
    reporter_name: str = Field(..., max_length=100, description="Your name")
    reporter_phone: str = Field(..., max_length=40, description="A number the police can call you on")
    from_place: str = Field("", max_length=200)
    from_town: str = Field("", max_length=100)
    from_postcode: str = Field("", max_length=10)


class MissingReportOut(Schema):
    id: int
    child_id: int
    child_ref: str
    care_home: str
    last_seen_at: datetime
    circumstances: str
    reporter_name: str
    reporter_phone: str
    status: str
    episode_id: int | None
    created_at: datetime

    @staticmethod
    def from_model(n: MissingNotification) -> MissingReportOut:
        return MissingReportOut(
            id=n.pk,
            child_id=n.child_id,
            child_ref=n.child.ref,
            care_home=n.care_home.name,
            last_seen_at=n.last_seen_at,
            circumstances=n.circumstances,
            reporter_name=n.reporter_name,
            reporter_phone=n.reporter_phone,
            status=n.status,
            episode_id=n.episode_id,
            created_at=n.created_at,
        )


def _user(request: AuthenticatedRequest) -> User:
    return request.user


def _profile(child_id: int, profile: CareProfile | None, child: Any) -> dict[str, Any]:
    out = {name: getattr(child, name) for name in care.CHILD_FIELDS}
    out.update({name: getattr(profile, name) if profile else "" for name in care.PROFILE_FIELDS})
    return {"child_id": child_id, **out, "updated_at": profile.updated_at if profile else None}


@router.get("/children/{child_id}/care-profile", response=dict[str, Any])
def care_profile_get(request: AuthenticatedRequest, child_id: int) -> dict[str, Any]:
    """The child's care profile (anyone who sees the child, as on its page); logged as a read."""
    user = _user(request)
    with transaction.atomic():
        child = access_child_by_id(user, child_id)
        access_record(user=user, action="view", record_type="child", record_ids=[child.pk], request=request)
    return _profile(child.pk, CareProfile.objects.filter(child=child).first(), child)


@router.post("/children/{child_id}/care-profile", response=dict[str, Any])
def care_profile_write(request: AuthenticatedRequest, child_id: int, body: CareProfileIn) -> dict[str, Any]:
    """Keep the profile (the child's care home only; the whole profile is replaced, as the page saves it)."""
    profile = care.care_profile_save(
        child_id=child_id, data=care.ProfileInput(**body.model_dump()), acting_user=_user(request)
    )
    return _profile(child_id, profile, profile.child)


@router.post("/children/{child_id}/care-home-reports", response={201: MissingReportOut})
def missing_report_send(
    request: AuthenticatedRequest, child_id: int, body: MissingReportIn
) -> Status[MissingReportOut]:
    """The care home reports the child missing, with the profile attached; the child's force is alerted."""
    data = care.NotificationInput(**body.model_dump())
    n = care.missing_notification_submit(child_id=child_id, data=data, acting_user=_user(request))
    return Status(201, MissingReportOut.from_model(n))


@router.get("/care-home-reports", response=list[MissingReportOut])
def missing_report_queue(request: AuthenticatedRequest) -> list[MissingReportOut]:
    """The control room's queue of reports from care homes (police only); logged as a list."""
    user = _user(request)
    if not user.is_police:
        raise PermissionDenied(POLICE_ONLY)
    with transaction.atomic():
        queue = selectors.control_room_queue(user)
        access_record(
            user=user, action="list", record_type="missing_notification", record_ids=[n.child_id for n in queue],
            request=request,
        )  # fmt: skip
    return [MissingReportOut.from_model(n) for n in queue]


class NotificationReportIn(Strict):
    reported_at: AwareDatetime = Field(description="When the report was made to the police, with its offset")
    last_seen_at: AwareDatetime
    reported_by: str = Field("care_home", max_length=40, description="A misper/1 reporter type")
    circumstances: str = Field(..., max_length=TEXT_MAX)
    indicators: list[Annotated[str, Field(max_length=60)]] = Field(
        default_factory=list, max_length=100, description="misper/1 risk indicator codes"
    )
    answers: dict[Annotated[str, Field(max_length=60)], Annotated[str, Field(max_length=20)]] = Field(
        default_factory=dict,
        description='Each risk question\'s answer by indicator code: "yes", "no" or "not_known" (misper/1 '
        "report.answers); a code in indicators is yes, a question in neither is no",
    )
    reporter_name: str = Field("", max_length=100)
    reporter_phone: str = Field("", max_length=40)
    from_place: str = Field("", max_length=200)
    from_town: str = Field("", max_length=100)
    from_postcode: str = Field("", max_length=10)
    from_beat: str = Field("", max_length=40)


@router.post("/care-home-reports/{notification_id}/report", response={201: dict[str, Any]})
def missing_report_record(
    request: AuthenticatedRequest, notification_id: int, body: NotificationReportIn
) -> Status[dict[str, Any]]:
    """The police report made from a care home's report (police only): the child's record on file and the
    ``report`` section of a misper/1 document, as the report form fills them; the engine grades it and the
    care home's report is linked to the episode. A report already made from it is a 409."""
    user = _user(request)
    if not user.is_police:
        raise PermissionDenied(POLICE_ONLY)
    n = care.access_notification_by_id(user, notification_id)
    report = {
        "reported_at": body.reported_at.isoformat(),
        "last_seen_at": body.last_seen_at.isoformat(),
        "reported_by": body.reported_by,
        "circumstances": body.circumstances,
        "indicators": body.indicators,
        **({"answers": body.answers} if body.answers else {}),
    }
    doc = {"format": FORMAT, "child": child_section(n.child, body.reported_at), "report": report}
    try:
        outcome = care.notification_report(
            notification_id=n.pk,
            doc=doc,
            acting_user=user,
            missing_from={
                "name": body.from_place,
                "town": body.from_town,
                "postcode": body.from_postcode.upper(),
                "beat": body.from_beat,
            },
            reporter_name=body.reporter_name,
            reporter_phone=body.reporter_phone,
        )
    except InvalidInput as exc:  # the engine names the document's fields: ``report.last_seen_at``
        raise InvalidInput(
            [FieldError(e.field.removeprefix("report."), e.message) for e in exc.errors]
        ) from exc
    e = outcome.episode
    return Status(
        201,
        {
            "episode_id": e.pk,
            "reference": e.reference,
            "risk": e.risk,
            "version": e.version,
            "notification_id": n.pk,
        },
    )
