"""The auditors' pages: search the access log (the search is itself logged) and export it as CSV."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views import View

from misper.accounts.models import User
from misper.accounts.requests import AuthenticatedRequest
from misper.audit.forms import AccessLogExportForm, AccessLogSearchForm
from misper.audit.selectors import (
    SEARCH_LIMIT,
    LogFilter,
    access_log_csv,
    access_log_search,
    can_read_access_log,
)
from misper.audit.services import access_record

AUDITORS_ONLY = "Only auditors can read the access log."


class _AuditorView(LoginRequiredMixin, View):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not can_read_access_log(request.user):  # type: ignore[arg-type]
            raise PermissionDenied(AUDITORS_ONLY)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[return-value]


def _filter(data: dict[str, Any]) -> LogFilter:
    keys = ("username", "record_type", "record_id", "action", "date_from", "date_to")
    return LogFilter(**{k: data.get(k) or ("" if "date" not in k else None) for k in keys})


class AccessLogView(_AuditorView):
    """Search form and results (at most 500, newest first). Searching writes a ``search`` event."""

    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        searched = bool(request.GET)
        form = AccessLogSearchForm(request.GET if searched else None)
        events = None
        if searched and form.is_valid():
            with transaction.atomic():
                events = list(
                    access_log_search(_filter(form.cleaned_data), reader=request.user)[:SEARCH_LIMIT]
                )  # type: ignore[arg-type]
                access_record(
                    user=request.user,
                    action="search",
                    record_type="access_event",
                    record_ids=[e.pk for e in events],
                    purpose="audit: access log search",
                    request=request,
                )
        ctx = {
            "form": form,
            "events": events,
            "export_form": AccessLogExportForm(),
            "page_title": "Access log",
            "agency": request.user.agency,
        }
        return render(request, "audit/log.html", ctx)


class AccessLogExportView(_AuditorView):
    """POST with the filters and a purpose: the matching events as CSV. Writes an ``export`` event."""

    def post(self, request: AuthenticatedRequest) -> HttpResponse:
        form = AccessLogExportForm(request.POST)
        if not form.is_valid():
            ctx = {
                "form": AccessLogSearchForm(),
                "export_form": form,
                "events": None,
                "page_title": "Access log",
            }
            return render(request, "audit/log.html", ctx, status=400)
        user: User = request.user
        with transaction.atomic():
            events = list(access_log_search(_filter(form.cleaned_data), reader=user))
            access_record(
                user=user,
                action="export",
                record_type="access_event",
                record_ids=[e.pk for e in events],
                request=request,
            )
        response = StreamingHttpResponse(access_log_csv(events), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="access-log.csv"'
        return response
