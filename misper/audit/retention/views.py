"""The retention review pages: the queue of records due, and one record's retain-or-dispose page.

Reviewers (auditors and administrators of a police force) see ids, references and dates, never names:
deciding whether a record's review period has passed needs no more. Each page writes its access event.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from misper.accounts.requests import AuthenticatedRequest
from misper.audit.forms import DisposeForm, RetainForm
from misper.audit.retention import services
from misper.audit.retention.schedule import SCHEDULE_SOURCE, retention_schedule
from misper.audit.retention.selectors import can_review_retention, retention_due, retention_record
from misper.audit.services import access_record
from misper.core.errors import ConflictError, InvalidInput
from misper.web.forms import form_errors_from
from misper.web.pages import FormPage

RETAINED = "The record will be kept until its next review"
DISPOSED = "The record and its copies have been disposed of"
QUEUE_TITLE = "Records due for review"


class _ReviewerView(FormPage):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not can_review_retention(self.user):
            raise PermissionDenied(services.REVIEWERS_ONLY)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[return-value]


class RetentionQueueView(_ReviewerView):
    """Every record of the reviewer's force due for review, oldest first. Writes a ``list`` event."""

    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        with transaction.atomic():
            due = retention_due(self.user)
            for record_type in ("episode", "child"):
                ids = [r.record_id for r in due if r.record_type == record_type]
                if ids:
                    access_record(
                        user=self.user, action="list", record_type=record_type, record_ids=ids,
                        purpose=services.REVIEW_PURPOSE, request=request,
                    )  # fmt: skip
        ctx = {
            "due": due,
            "schedule": retention_schedule(),
            "source": SCHEDULE_SOURCE,
            "page_title": QUEUE_TITLE,
        }
        return render(request, "audit/retention.html", ctx)


class RetentionDecisionView(_ReviewerView):
    """One record: when it is due, and a form to retain it or dispose of it (POST ``decision``)."""

    record_type = ""

    def get(self, request: AuthenticatedRequest, **kwargs: int) -> HttpResponse:
        record = self._record(kwargs)
        with transaction.atomic():
            access_record(
                user=self.user, action="view", record_type=self.record_type,
                record_ids=[record.record_id], purpose=services.REVIEW_PURPOSE, request=request,
            )  # fmt: skip
        return self.render(record, RetainForm(), DisposeForm())

    def post(self, request: AuthenticatedRequest, **kwargs: int) -> HttpResponse:
        record = self._record(kwargs)
        dispose = request.POST.get("decision") == "dispose"
        form = (DisposeForm if dispose else RetainForm)(request.POST)
        if form.is_valid():
            try:
                self.decide(form.cleaned_data, record.record_id, dispose=dispose)
                messages.success(request, DISPOSED if dispose else RETAINED)
                return HttpResponseRedirect(reverse("retention-queue"))
            except InvalidInput as exc:
                form_errors_from(form, exc)
            except ConflictError as exc:
                form.add_error(None, str(exc))
        forms = (RetainForm(), form) if dispose else (form, DisposeForm())
        return self.render(record, *forms, status=400)

    def decide(self, data: dict[str, Any], record_id: int, *, dispose: bool) -> None:
        common = {"record_type": self.record_type, "record_id": record_id, "request": self.request}
        if dispose:
            services.retention_dispose(reason=data["reason"], acting_user=self.user, **common)
        else:
            services.retention_retain(
                rationale=data["rationale"],
                next_review_on=data["next_review_on"],
                acting_user=self.user,
                **common,
            )

    def _record(self, kwargs: dict[str, int]) -> Any:
        record = retention_record(self.user, self.record_type, next(iter(kwargs.values())))
        if record is None:
            raise Http404("Not in the review schedule")
        return record

    def render(
        self, record: Any, retain: RetainForm, dispose: DisposeForm, status: int = 200
    ) -> HttpResponse:
        ctx = {"r": record, "retain_form": retain, "dispose_form": dispose, "page_title": QUEUE_TITLE}
        return render(self.request, "audit/retention_decision.html", ctx, status=status)
