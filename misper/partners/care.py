"""Care-home profiles (the "Philomena protocol") and reports of a missing child sent from them.

The care home keeps the profile ready; when the child goes missing it sends a ``MissingNotification``
with the profile attached. The control room sees it at the top of its queue, and the call handler's
report form is filled in from it, so nobody asks the care home twice. Recording the police report
(``notification_report``) links the episode to the notification in the same transaction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_noop

from misper.accounts.models import User
from misper.audit.services import access_record
from misper.core.errors import ConflictError, FieldError, InvalidInput
from misper.episodes.services import ReportOutcome
from misper.episodes.services_work import episode_report_with_place
from misper.notifications.alerts import Recipient, child_alerts_write
from misper.partners.models import CareProfile, MissingNotification, NotificationStatus
from misper.partners.selectors import CARE_PROVIDER, agency_relations, visible_notifications
from misper.people.models import Child
from misper.people.selectors import access_child_by_id

# Marked for the Welsh catalogue: the pages translate them where they are shown (the API keeps English).
NOT_CARE_HOME = gettext_noop(
    "Only the child's care home can keep this profile or report the child missing from it."
)
NOT_LOOKED_AFTER = gettext_noop("Profiles are kept for looked-after children placed with a care home.")
ALREADY_REPORTED = gettext_noop("A police report has already been recorded from this notification.")
OTHER_FORCES_REPORT = gettext_noop(
    "This report was sent to the force that holds the child's record: that force records the police report."
)
ENTER_CIRCUMSTANCES = gettext_noop("Enter what happened")
ENTER_REPORTER = gettext_noop("Enter your name")
ENTER_PHONE = gettext_noop("Enter a phone number the police can call you on")
LAST_SEEN_FUTURE = gettext_noop("The time the child was last seen cannot be in the future")
NOTIFICATION_EVENT = "missing_notification.received"
CHILD_FIELDS = ("description", "phone", "social_media", "medical_needs")
PROFILE_FIELDS = ("friends_and_associates", "places_frequented", "missing_history", "routines")


@dataclass(frozen=True)
class ProfileInput:
    description: str = ""
    phone: str = ""
    social_media: str = ""
    medical_needs: str = ""
    friends_and_associates: str = ""
    places_frequented: str = ""
    missing_history: str = ""
    routines: str = ""


@dataclass(frozen=True)
class NotificationInput:
    last_seen_at: datetime
    circumstances: str
    reporter_name: str
    reporter_phone: str
    from_place: str = ""
    from_town: str = ""
    from_postcode: str = ""


def care_home_child(user: User, child_id: int) -> Child:
    """The child, if the user's agency is its care provider (404 if not visible, 403 if not its home)."""
    child = access_child_by_id(user, child_id)
    if CARE_PROVIDER not in agency_relations(user, child):
        raise PermissionDenied(NOT_CARE_HOME)
    if not child.looked_after:
        raise PermissionDenied(NOT_LOOKED_AFTER)
    return child


def care_profile_save(*, child_id: int, data: ProfileInput, acting_user: User) -> CareProfile:
    """Create or update the child's care profile; the description, phone, social media and medical
    needs are kept on the child record itself, where the report and the briefing sheet read them."""
    with transaction.atomic():
        child = care_home_child(acting_user, child_id)
        child = Child.objects.select_for_update().get(pk=child.pk)
        for name in CHILD_FIELDS:
            setattr(child, name, getattr(data, name).strip())
        child.version += 1
        child.save(update_fields=[*CHILD_FIELDS, "version", "updated_at"])
        profile = CareProfile.objects.filter(child=child).first() or CareProfile(child=child)
        profile.care_home = acting_user.agency  # type: ignore[assignment]
        for name in PROFILE_FIELDS:
            setattr(profile, name, getattr(data, name).strip())
        profile.updated_at, profile.updated_by = timezone.now(), acting_user
        profile.version = (profile.version or 0) + (1 if profile.pk else 0)
        profile.save()
        access_record(user=acting_user, action="change", record_type="child", record_ids=[child.pk])
        return profile


def profile_snapshot(child: Child) -> dict[str, Any]:
    """The profile as sent with a report: what the care home knows, in plain words."""
    profile = CareProfile.objects.filter(child=child).first()
    snap: dict[str, Any] = {name: getattr(child, name) for name in CHILD_FIELDS}
    snap.update({name: getattr(profile, name) if profile else "" for name in PROFILE_FIELDS})
    snap["has_photo"] = bool(child.photo)
    return snap


def _notification_errors(data: NotificationInput) -> list[FieldError]:
    errors = []
    if not data.circumstances.strip():
        errors.append(FieldError("circumstances", ENTER_CIRCUMSTANCES))
    if not data.reporter_name.strip():
        errors.append(FieldError("reporter_name", ENTER_REPORTER))
    if not data.reporter_phone.strip():
        errors.append(FieldError("reporter_phone", ENTER_PHONE))
    if data.last_seen_at > timezone.now() + timedelta(minutes=5):
        errors.append(FieldError("last_seen_at", LAST_SEEN_FUTURE))
    return errors


def missing_notification_submit(
    *, child_id: int, data: NotificationInput, acting_user: User
) -> MissingNotification:
    """The care home reports the child missing with the profile attached. The child's force is told
    (an inbox alert ``missing_notification.received``) in the same transaction."""
    errors = _notification_errors(data)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        child = care_home_child(acting_user, child_id)
        now = timezone.now()
        fields = {k: v.strip() if isinstance(v, str) else v for k, v in asdict(data).items()}
        notification = MissingNotification.objects.create(
            child=child,
            force=child.force,
            care_home=acting_user.agency,
            profile=profile_snapshot(child),
            created_by=acting_user,
            created_at=now,
            **fields,
        )
        access_record(
            user=acting_user, action="create", record_type="missing_notification", record_ids=[child.pk]
        )
        child_alerts_write(
            event=NOTIFICATION_EVENT,
            child=child,
            recipients=[Recipient(child.force)],
            key=f"{NOTIFICATION_EVENT}:{notification.pk}",
            payload_extra={"notification_id": notification.pk, "care_home": acting_user.agency.name},  # type: ignore[union-attr]
        )
        return notification


def access_notification_by_id(user: User, notification_id: int) -> MissingNotification:
    n = visible_notifications(user).select_related("child", "care_home").filter(pk=notification_id).first()
    if n is None:
        raise Http404("No such notification")
    return n


def notification_report(
    *,
    notification_id: int,
    doc: dict[str, Any],
    acting_user: User,
    missing_from: dict[str, str] | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
) -> ReportOutcome:
    """Record the police report from a care home's notification (``episode_report_with_place``) and
    mark the notification reported, linked to the episode — together or not at all. Only the force it was
    sent to (the one holding the child's record) may: a host force would file a second record of the
    child in its own force, copied with the owning force's police-only flags (PermissionDenied)."""
    with transaction.atomic():
        n = access_notification_by_id(acting_user, notification_id)
        if n.force_id != acting_user.agency_id:
            raise PermissionDenied(OTHER_FORCES_REPORT)
        n = MissingNotification.objects.select_for_update().get(pk=n.pk)
        if n.status != NotificationStatus.NEW:
            raise ConflictError(ALREADY_REPORTED)
        outcome = episode_report_with_place(
            doc=doc,
            acting_user=acting_user,
            missing_from=missing_from,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
        )
        n.status, n.episode, n.reported_at = NotificationStatus.REPORTED, outcome.episode, timezone.now()
        n.save(update_fields=["status", "episode", "reported_at"])
        return outcome
