"""Writing the access log. Every consultation, change or disclosure of child data calls ``access_record``
inside the transaction of the action itself, so an action whose log row cannot be written fails too.

The row is written unsealed and takes no lock: the sealer (``misper.audit.sealer``) links it into the
keyed chain shortly after the transaction commits, and ``misper audit verify`` (``misper.audit.verify``)
checks that chain against keys and checkpoints held outside the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from misper.audit.chain import GENESIS
from misper.audit.models import AccessEvent
from misper.audit.verify import audit_chain_verify

__all__ = ["GENESIS", "LOGGED_IN_REQUEST", "access_record", "audit_chain_verify", "purpose_from_request"]

# Set by ``access_record``; read by ``misper.audit.middleware`` to know whether a page logged itself.
LOGGED_IN_REQUEST: ContextVar[bool] = ContextVar("misper_logged_in_request", default=False)


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
    agency = getattr(user, "agency", None)
    event = AccessEvent.objects.create(
        at=timezone.now(),
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
