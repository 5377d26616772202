"""Out-of-area placement notices: a placing authority (or the police for it) tells the host force and
host authority that a child is placed on their patch.

``placement_notice_create`` records, in one transaction: the placement address (a ``Location`` in the
host force's area), a new child record when the child is new to the area, the notice, the child's new
care status (host authority, placement address, out of area) and the ``placement.notice`` alert to the
host force and host authority. The host force sees the child from then on (``child_access_q``), and the
child appears on the neighbourhood single point of contact's list for the placement's beat.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from misper.accounts.models import Agency, AgencyKind, Role, User
from misper.audit.services import access_record
from misper.core.dates import years_back
from misper.core.errors import FieldError, InvalidInput
from misper.notifications.alerts import Recipient, child_alerts_write
from misper.notifications.models import Alert, AlertChannel, AlertStatus
from misper.partners.models import PlacementNotice
from misper.people.models import Child, Location, LocationKind, PlacementType
from misper.people.selectors import visible_children

EVENT = "placement.notice"
NOT_ALLOWED = "Only the police or a local authority's practitioners can send placement notices."
CHOOSE_CHILD = "Choose a child, or enter the details of a child new to the area"
NOT_YOUR_CHILD = "You can only send a notice for a child your authority placed"
NOT_OUR_CHILD = "You can only send a notice for a child on your own force's records"
NOT_RECORDED_PLACING = "Name the local authority that placed the child: {name}"
ENTER_GIVEN = "Enter the child's first name"
ENTER_FAMILY = "Enter the child's last name"
ENTER_DOB = "Enter the child's date of birth"
DOB_RANGE = "The child must be under 18: check the date of birth"
CHOOSE_TYPE = "Choose the kind of placement"
ENTER_PLACE = "Enter the name of the care home or foster placement"
ENTER_POSTCODE = "Enter a real postcode, like DM1 1AA"
CHOOSE_HOST_FORCE = "Choose the police force for the placement's area"
CHOOSE_HOST_AUTHORITY = "Choose the local authority for the placement's area"
CHOOSE_PLACING = "Choose the local authority that placed the child"
CHOOSE_CARE_PROVIDER = "Choose a care provider from the list, or leave it empty"
ENTER_START = "Enter the date the placement starts"
START_RANGE = "The placement must start within a year of today"
NOT_RECEIVED = "No such notice"
PLACEMENT_TYPES = tuple(t for t in PlacementType.values if t != PlacementType.HOME)
# Placements a neighbourhood single point of contact visits: homes run by a care provider.
CARE_HOME_TYPES = (PlacementType.RESIDENTIAL_HOME, PlacementType.SECURE)
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


@dataclass(frozen=True)
class PlacementInput:
    """What a placement notice says. ``child_id`` names a child already on file; without it the
    ``given_name``/``family_name``/``date_of_birth`` describe a child new to the area."""

    placement_type: str
    place_name: str
    postcode: str
    host_force_id: int | None
    host_authority_id: int | None
    starts_on: date | None
    child_id: int | None = None
    given_name: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    sex: str = "unknown"
    address_line: str = ""
    town: str = ""
    beat: str = ""
    care_provider_id: int | None = None
    placing_authority_id: int | None = None
    known_risks: str = ""


def may_send_notice(user: User) -> bool:
    """Police, and practitioners of a local authority (the placing authority sends the notice)."""
    if user.is_police:
        return True
    agency = user.agency
    return bool(
        user.role == Role.PARTNER_PRACTITIONER and agency and agency.kind == AgencyKind.LOCAL_AUTHORITY
    )


def _agency(agency_id: int | None, kind: str) -> Agency | None:
    if agency_id is None:
        return None
    return Agency.objects.filter(pk=agency_id, kind=kind, active=True).first()


def _child_errors(data: PlacementInput, today: date) -> list[FieldError]:
    if data.child_id is not None:
        return []
    errors = []
    if not data.given_name.strip():
        errors.append(FieldError("given_name", ENTER_GIVEN))
    if not data.family_name.strip():
        errors.append(FieldError("family_name", ENTER_FAMILY))
    dob = data.date_of_birth
    if dob is None:
        errors.append(FieldError("date_of_birth", ENTER_DOB))
    elif dob > today or dob <= years_back(today, 18):
        errors.append(FieldError("date_of_birth", DOB_RANGE))
    return errors


def _placement_errors(data: PlacementInput, user: User, today: date) -> list[FieldError]:
    checks = [
        ("placement_type", data.placement_type in PLACEMENT_TYPES, CHOOSE_TYPE),
        ("place_name", bool(data.place_name.strip()), ENTER_PLACE),
        ("postcode", bool(POSTCODE.match(normal_postcode(data.postcode))), ENTER_POSTCODE),
        ("host_force", _agency(data.host_force_id, AgencyKind.POLICE_FORCE) is not None, CHOOSE_HOST_FORCE),
        (
            "host_authority",
            _agency(data.host_authority_id, AgencyKind.LOCAL_AUTHORITY) is not None,
            CHOOSE_HOST_AUTHORITY,
        ),
        (
            "care_provider",
            data.care_provider_id is None
            or _agency(data.care_provider_id, AgencyKind.CARE_PROVIDER) is not None,
            CHOOSE_CARE_PROVIDER,
        ),
    ]
    errors = [FieldError(name, message) for name, ok, message in checks if not ok]
    if user.is_police and _agency(data.placing_authority_id, AgencyKind.LOCAL_AUTHORITY) is None:
        errors.append(FieldError("placing_authority", CHOOSE_PLACING))
    if data.starts_on is None:
        errors.append(FieldError("starts_on", ENTER_START))
    elif abs((data.starts_on - today).days) > 366:
        errors.append(FieldError("starts_on", START_RANGE))
    return errors


def notice_errors(data: PlacementInput, user: User) -> list[FieldError]:
    """Every field error in ``data`` (the form pages show them all at once)."""
    today = timezone.localdate()
    return _child_errors(data, today) + _placement_errors(data, user, today)


def normal_postcode(text: str) -> str:
    """``dm11aa`` → ``DM1 1AA``: upper case with one space before the inward code."""
    compact = re.sub(r"\s+", "", text).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def placeable_children(user: User) -> QuerySet[Child]:
    """The children ``user`` may place, and so grant a host force, host authority and care provider
    access to: for the police, children on their own force's records (a host force sees a placed child
    but does not own it); for a local authority, the children it is the recorded placing authority of.
    Seeing a child is not enough: a council that sees a child through a return interview referral, or
    as host authority, did not place it."""
    visible = visible_children(user)
    if user.is_police:
        return visible.filter(force_id=user.agency_id)
    if not may_send_notice(user):
        return visible.none()
    return visible.filter(placing_authority_id=user.agency_id)


def _existing_child(user: User, child_id: int) -> Child:
    if not placeable_children(user).filter(pk=child_id).exists():
        message = CHOOSE_CHILD
        if visible_children(user).filter(pk=child_id).exists():
            message = NOT_OUR_CHILD if user.is_police else NOT_YOUR_CHILD
        raise InvalidInput(FieldError("child", message))
    return Child.objects.select_for_update().get(pk=child_id)


def _recorded_placing(child: Child, placing: Agency) -> None:
    """The police name the placing authority; for a child with one on record it must be that one."""
    recorded = child.placing_authority
    if recorded is not None and recorded.pk != placing.pk:
        raise InvalidInput(FieldError("placing_authority", NOT_RECORDED_PLACING.format(name=recorded.name)))


def _new_child(user: User, data: PlacementInput, placing: Agency, host_force: Agency) -> Child:
    """A record for a child new to the area, in the police force of the placing side (the user's own
    force, or the placing authority's force), with the reference ``PN-<number>``."""
    force = user.agency if user.is_police else (placing.police_area or host_force)
    assert force is not None  # police users belong to a force
    child = Child.objects.create(
        force=force,
        ref=f"tmp-{uuid.uuid4().hex[:16]}",  # replaced below, once the pk is known
        given_name=data.given_name.strip(),
        family_name=data.family_name.strip(),
        date_of_birth=data.date_of_birth,
        sex=data.sex or "unknown",
    )
    child.ref = f"PN-{child.pk:06d}"
    child.save(update_fields=["ref"])
    access_record(user=user, action="create", record_type="child", record_ids=[child.pk])
    return child


def _placement_location(data: PlacementInput, host_force: Agency, care_provider: Agency | None) -> Location:
    return Location.objects.create(
        force=host_force,
        kind=LocationKind.PLACEMENT,
        name=data.place_name.strip(),
        address_line=data.address_line.strip(),
        town=data.town.strip(),
        postcode=normal_postcode(data.postcode),
        beat=data.beat.strip().upper(),
        operated_by=care_provider,
    )


def _child_placed(child: Child, notice: PlacementNotice, care_provider: Agency | None) -> None:
    child.looked_after = True
    child.placement_type = notice.placement_type
    child.placing_authority = notice.placing_authority
    child.host_authority = notice.host_authority
    child.placement_address = notice.placement
    child.placed_since = notice.starts_on
    child.out_of_area = notice.host_authority_id != notice.placing_authority_id
    if care_provider is not None:
        child.care_provider = care_provider
    child.version += 1
    child.save()


def placement_notice_create(*, data: PlacementInput, acting_user: User) -> PlacementNotice:
    """Record a placement notice and tell the host force and host authority (``placement.notice``).

    Needs a user who ``may_send_notice``; for a child on file, one of ``placeable_children`` (the
    child's recorded placing authority, or the police force that holds the record, naming the recorded
    placing authority when there is one). Refuses bad input with field errors, saving nothing;
    the child, place, notice, the child's care status and the alerts commit together."""
    if not may_send_notice(acting_user):
        raise PermissionDenied(NOT_ALLOWED)
    errors = notice_errors(data, acting_user)
    if errors:
        raise InvalidInput(errors)
    host_force = _agency(data.host_force_id, AgencyKind.POLICE_FORCE)
    host_authority = _agency(data.host_authority_id, AgencyKind.LOCAL_AUTHORITY)
    care_provider = _agency(data.care_provider_id, AgencyKind.CARE_PROVIDER)
    placing = (
        acting_user.agency
        if not acting_user.is_police
        else _agency(data.placing_authority_id, AgencyKind.LOCAL_AUTHORITY)
    )
    assert host_force is not None  # checked above, as are the two below
    assert host_authority is not None
    assert placing is not None
    assert data.starts_on is not None
    with transaction.atomic():
        if data.child_id is not None:
            child = _existing_child(acting_user, data.child_id)
            _recorded_placing(child, placing)
        else:
            child = _new_child(acting_user, data, placing, host_force)
        notice = PlacementNotice.objects.create(
            child=child,
            placing_authority=placing,
            host_authority=host_authority,
            host_force=host_force,
            placement_type=data.placement_type,
            placement=_placement_location(data, host_force, care_provider),
            starts_on=data.starts_on,
            known_risks=data.known_risks.strip(),
            created_by=acting_user,
        )
        _child_placed(child, notice, care_provider)
        access_record(
            user=acting_user, action="create", record_type="placement_notice", record_ids=[notice.pk]
        )
        child_alerts_write(
            event=EVENT,
            child=child,
            recipients=[Recipient(host_force), Recipient(host_authority)],
            key=f"{EVENT}:{notice.pk}",
            payload_extra={"notice_id": notice.pk, "placing_authority": placing.name},
        )
        return notice


# --- reading notices ---------------------------------------------------------------------------------


def _receiving_q(user: User) -> Q | None:
    """Notices addressed to the user's agency: the host force for police, the host authority for a
    local authority's practitioners. None for anyone else."""
    if user.agency_id is None:
        return None
    if user.is_police:
        return Q(host_force_id=user.agency_id)
    if user.role == Role.PARTNER_PRACTITIONER:
        return Q(host_authority_id=user.agency_id)
    return None


def _sending_q(user: User) -> Q | None:
    """Notices the user's agency sent as placing authority (a local authority's practitioners)."""
    if user.agency_id is None or user.is_police or user.role != Role.PARTNER_PRACTITIONER:
        return None
    return Q(placing_authority_id=user.agency_id)


def notice_access_q(user: User) -> Q | None:
    """The one access rule for placement notices, before the child's own rule: received by the user's
    agency or sent by it. None for anyone else (and for a disabled user)."""
    if not user.is_active:
        return None
    parts = [q for q in (_receiving_q(user), _sending_q(user)) if q is not None]
    if not parts:
        return None
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


def received_notices(user: User) -> QuerySet[PlacementNotice]:
    """The access rule for received notices: addressed to the user's agency, about a child the user can
    see. Newest first."""
    q = _receiving_q(user)
    if q is None or not user.is_active:
        return PlacementNotice.objects.none()
    return (
        PlacementNotice.objects.filter(q, child__in=visible_children(user).values("pk"))
        .select_related("child", "placing_authority", "host_authority", "host_force", "placement")
        .order_by("-created_at", "-pk")
    )


def current_q() -> Q:
    """Notices still current: not ended, and with no last day or a last day not yet passed."""
    return Q(ended_at__isnull=True) & (Q(ends_on__isnull=True) | Q(ends_on__gte=timezone.localdate()))


def current_received_notices(user: User) -> QuerySet[PlacementNotice]:
    """The "current placements on our patch" list: received notices that have not ended."""
    return received_notices(user).filter(current_q())


def sent_notices(user: User) -> QuerySet[PlacementNotice]:
    """Notices a local authority sent as placing authority (empty for everyone else)."""
    q = _sending_q(user)
    if q is None or not user.is_active:
        return PlacementNotice.objects.none()
    return (
        PlacementNotice.objects.filter(q, child__in=visible_children(user).values("pk"))
        .select_related("child", "host_authority", "host_force", "placement")
        .order_by("-created_at", "-pk")
    )


def acknowledged(notice: PlacementNotice, user: User) -> bool:
    """Has the user's agency acknowledged this notice?"""
    if user.is_police:
        return notice.acknowledged_at is not None
    return notice.authority_acknowledged_at is not None


def placement_notice_acknowledge(*, notice_id: int, acting_user: User) -> PlacementNotice:
    """The receiving agency (host force or host authority) acknowledges a notice, and with it the
    notice's alerts in its inbox. 404 for a notice not addressed to the user's agency; acknowledging
    twice keeps the first acknowledgement."""
    with transaction.atomic():
        notice = received_notices(acting_user).select_for_update(of=("self",)).filter(pk=notice_id).first()
        if notice is None:
            raise Http404(NOT_RECEIVED)
        now = timezone.now()
        at, by = ("acknowledged_at", "acknowledged_by")
        if not acting_user.is_police:
            at, by = ("authority_acknowledged_at", "authority_acknowledged_by")
        if getattr(notice, at) is None:
            setattr(notice, at, now)
            setattr(notice, by, acting_user)
            notice.save(update_fields=[at, by])
            Alert.objects.filter(
                event_key=f"{EVENT}:{notice.pk}",
                recipient_agency_id=acting_user.agency_id,
                channel=AlertChannel.INBOX,
                acknowledged_at__isnull=True,
            ).update(status=AlertStatus.ACKNOWLEDGED, acknowledged_at=now, acknowledged_by=acting_user)
            access_record(
                user=acting_user, action="change", record_type="placement_notice", record_ids=[notice.pk]
            )
        return notice


# --- the neighbourhood single point of contact's list ------------------------------------------------


@dataclass(frozen=True)
class PlacedChild:
    child: Child
    notices: list[PlacementNotice]


def beat_placements(user: User, beat: str) -> list[PlacedChild]:
    """Children placed in care homes in ``beat`` of the user's force (police only; empty otherwise),
    with their current placement notices and known risks, by care home then name."""
    if not user.is_police or not beat.strip():
        return []
    today = timezone.localdate()
    children = (
        visible_children(user)
        .filter(
            placement_address__force_id=user.agency_id,
            placement_address__beat__iexact=beat.strip(),
            placement_type__in=CARE_HOME_TYPES,
        )
        .select_related("placement_address", "placing_authority", "care_provider")
        .order_by("placement_address__name", "family_name", "given_name")
    )
    current = PlacementNotice.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    notices = Prefetch(
        "placement_notices",
        queryset=current.select_related("placing_authority").order_by("-starts_on", "-pk"),
        to_attr="current_notices",
    )
    return [PlacedChild(c, c.current_notices) for c in children.prefetch_related(notices)[:500]]


def force_care_home_beats(user: User) -> list[str]:
    """The beats of the user's force that have children placed in care homes (police only)."""
    if not user.is_police:
        return []
    beats = (
        visible_children(user)
        .filter(placement_address__force_id=user.agency_id, placement_type__in=CARE_HOME_TYPES)
        .exclude(placement_address__beat="")
        .values_list("placement_address__beat", flat=True)
    )
    return sorted(set(beats))
