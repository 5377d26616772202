"""Writing the access log. Every consultation, change or disclosure of child data calls ``access_record``
inside the transaction of the action itself, so an action whose log row cannot be written fails too.

Events are hash-chained: each row's ``hash`` covers its own fields and the previous row's hash, so an
edited or deleted row breaks the chain (``misper audit verify``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from misper.audit.models import AccessEvent

GENESIS = "0" * 64
# Set by ``access_record``; read by ``misper.audit.middleware`` to know whether a page logged itself.
LOGGED_IN_REQUEST: ContextVar[bool] = ContextVar("misper_logged_in_request", default=False)
_CHAIN_LOCK_KEY = 0x6D697370  # "misp": serialises appends to the chain on PostgreSQL


def event_hash(event: AccessEvent) -> str:
    body = {
        "at": event.at.isoformat(),
        "user": event.user_id,
        "username": event.username,
        "agency": event.agency_code,
        "role": event.role,
        "action": event.action,
        "record_type": event.record_type,
        "record_ids": event.record_ids,
        "purpose": event.purpose,
        "request_id": event.request_id,
        "prev": event.prev_hash,
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite: transactions are IMMEDIATE (settings), so writers are already serialised.


def access_record(
    *,
    user: Any,
    action: str,
    record_type: str,
    record_ids: Iterable[int | str] = (),
    purpose: str = "",
    request: HttpRequest | None = None,
) -> AccessEvent:
    """Append one access event. Must be called inside the transaction of the action it records.

    With no ``purpose``, the purpose is taken from the request: a purpose the user gave (a ``purpose``
    form field), else the case being worked on (the episode or child in the URL)."""
    purpose = purpose or purpose_from_request(request)
    agency = getattr(user, "agency", None)  # read before the lock: it is held until the caller commits
    event = AccessEvent(
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "",
        agency_code=agency.code if agency else "",
        role=getattr(user, "role", "") or "",
        action=action,
        record_type=record_type,
        record_ids=[str(i) for i in record_ids][:1000],
        purpose=purpose[:200],
        request_id=getattr(request, "request_id", "") if request is not None else "",
    )
    with transaction.atomic():
        _lock_chain()
        last = AccessEvent.objects.order_by("-pk").values_list("hash", flat=True).first()
        event.at = timezone.now()  # taken under the lock, so times never run backwards along the chain
        event.prev_hash = last or GENESIS
        event.hash = event_hash(event)
        event.save()
        LOGGED_IN_REQUEST.set(True)
        return event


_CASE_KWARGS = ("episode_id", "child_id", "interview_id", "notification_id")


def purpose_from_request(request: HttpRequest | None) -> str:
    """``"stated: …"`` for a purpose the user typed, ``"case: episode 12"`` for the case in the URL."""
    if request is None:
        return ""
    stated = (request.POST.get("purpose") if request.method == "POST" else "") or request.GET.get("purpose")
    if stated:
        return f"stated: {stated.strip()}"[:200]
    kwargs = getattr(getattr(request, "resolver_match", None), "kwargs", None) or {}
    for name in _CASE_KWARGS:
        if name in kwargs:
            return f"case: {name.removesuffix('_id')} {kwargs[name]}"
    return ""


def audit_chain_verify() -> list[str]:
    """Return the problems found in the chain (empty when intact)."""
    problems: list[str] = []
    prev = GENESIS
    for event in AccessEvent.objects.order_by("pk").iterator(chunk_size=2000):
        if event.prev_hash != prev:
            problems.append(
                f"event {event.pk}: previous hash does not match (an event before it was removed)"
            )
        if event_hash(event) != event.hash:
            problems.append(f"event {event.pk}: contents do not match its hash (it was edited)")
        prev = event.hash
    return problems
