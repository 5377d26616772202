"""Every read of a child's record is logged, by construction (``misper.audit.reveal``).

For every request of a signed-in user (page, API call or download), the children loaded while the
response was made are collected; if the response was shown (any status but a redirect, 401, 403, 404 or
a server error) and an access event of the request did not already name a child (directly, or through
its episode, return interview or placement notice), one ``view`` event for those children is written
before the response is sent. If the event cannot be written, the response is not sent (500).

Views still log their own, richer events (lists, searches, changes, disclosures with a purpose): this
catches every page that does not, such as the supervisor's decision page or a form showing a child.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from misper.audit import reveal, services

NOT_SHOWN = frozenset({301, 302, 303, 307, 308, 401, 403, 404})


class RevealedChildrenAccessLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with reveal.collecting() as reveals:
            response = self.get_response(request)
            user = getattr(request, "user", None)  # the API sets it from the token during the view
            if not reveals.children or user is None or not user.is_authenticated:
                return response
            if response.status_code in NOT_SHOWN or response.status_code >= 500:
                return response
            unlogged = reveal.children_unlogged(reveals)
            if unlogged:
                services.access_record(
                    user=user, action="view", record_type="child", record_ids=unlogged, request=request
                )
        return response
