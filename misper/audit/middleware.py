"""The safety net for the access log: a page about one case that did not log itself is logged here.

For a GET of a route naming a case (``episode_id``, ``child_id``, ``interview_id`` …), the view runs in a
transaction; if it wrote no access event, a ``view`` event for that case is written in the same
transaction before the page is sent. If the event cannot be written, the page is not sent (500).
Views still log their own, richer events (lists, searches, changes, disclosures): this only catches the
pages that forgot, such as form pages that show a child's details.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from misper.audit import services

CASE_KWARGS = {"episode_id": "episode", "child_id": "child", "interview_id": "return_interview"}


class CasePageAccessLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or not request.user.is_authenticated:
            return self.get_response(request)
        case = _case(request)
        if case is None:  # not a case page: no transaction needed (SQLite's are write-locking)
            return self.get_response(request)
        token = services.LOGGED_IN_REQUEST.set(False)
        try:
            with transaction.atomic():
                response = self.get_response(request)
                if response.status_code == 200 and not services.LOGGED_IN_REQUEST.get():
                    services.access_record(
                        user=request.user,
                        action="view",
                        record_type=case[0],
                        record_ids=[case[1]],
                        request=request,
                    )
        finally:
            services.LOGGED_IN_REQUEST.reset(token)
        return response


def _case(request: HttpRequest) -> tuple[str, object] | None:
    try:
        kwargs = resolve(request.path_info).kwargs
    except Resolver404:
        return None
    for name, record_type in CASE_KWARGS.items():
        if name in kwargs:
            return record_type, kwargs[name]
    return None
