"""Webhook subscriptions: a partner system asks to be told about events for the children its agency is
responsible for. Deliveries are signed with the subscription's secret (docs/alerts.md)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from misper.accounts.models import Agency, Role, User
from misper.audit.services import access_record
from misper.core.errors import FieldError, InvalidInput
from misper.notifications.alerts import SUBSCRIBABLE_EVENTS
from misper.notifications.models import Subscription
from misper.notifications.webhooks import RefusedAddress, check_url

FORCE_ADMIN_ROLES = frozenset({Role.ADMINISTRATOR, Role.COORDINATOR})
NOT_ALLOWED = "You can only subscribe for your own agency, or as a force administrator for its area."


def may_subscribe_for(user: User, agency: Agency) -> bool:
    """A user of the agency, or an administrator or coordinator of the force the agency is (or is in)."""
    if user.agency_id is None or not user.is_active:
        return False
    if user.agency_id == agency.pk:
        return True
    force_admin = user.role in FORCE_ADMIN_ROLES and bool(user.agency and user.agency.is_police)
    return force_admin and agency.police_area_id == user.agency_id


def subscription_create(
    *, agency_id: int, url: str, secret: str, events: list[str], acting_user: User
) -> Subscription:
    """Register a webhook. Refuses (field errors, nothing saved) an unknown agency or event, a URL that is
    not http(s) or that points inside the network (unless allow-listed)."""
    agency = Agency.objects.filter(pk=agency_id, active=True).first()
    errors = [] if agency else [FieldError("agency", "There is no agency with this id")]
    unknown = sorted(set(events) - set(SUBSCRIBABLE_EVENTS))
    if unknown:
        errors.append(
            FieldError("events", f"Unknown event {unknown[0]}: choose from {', '.join(SUBSCRIBABLE_EVENTS)}")
        )
    if errors:
        raise InvalidInput(errors)
    assert agency is not None
    if not may_subscribe_for(acting_user, agency):
        raise PermissionDenied(NOT_ALLOWED)
    try:  # after the permission check: only people who may subscribe learn how a URL resolves
        check_url(url)
    except RefusedAddress as exc:
        raise InvalidInput(FieldError("url", str(exc))) from exc
    with transaction.atomic():
        sub = Subscription(
            agency=agency, url=url, secret=secret, events=sorted(set(events)), created_by=acting_user
        )
        try:
            sub.full_clean()
        except ValidationError as exc:
            raise InvalidInput(
                [FieldError(f, str(m)) for f, msgs in exc.message_dict.items() for m in msgs]
            ) from exc
        sub.save()
        access_record(user=acting_user, action="create", record_type="subscription", record_ids=[sub.pk])
    return sub
