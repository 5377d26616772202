"""Pages for the UK Missing Persons Unit notice: the force's list, one episode's notice (what to send, and
the form that records it was sent), its printable page and its JSON export. Thin: each calls
``misper.episodes.ukmpu`` and renders."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from misper.accounts.requests import AuthenticatedRequest
from misper.audit.services import access_record
from misper.core.errors import ConflictError, InvalidInput
from misper.episodes import schedules, ukmpu
from misper.episodes.models import Episode, NoticeMethod
from misper.episodes.ukmpu_fields import notice_content, notice_lines
from misper.web.forms import GovukDateTimeField, GovukFormMixin, GovukRadioSelect
from misper.web.pages import FormPage

RECORDED = "Notice recorded as sent to the UK Missing Persons Unit"


class UkmpuNoticeForm(GovukFormMixin, forms.Form):
    sent_at = GovukDateTimeField(
        label="When was the notice sent?",
        help_text="UK time",
        error_messages={"required": "Enter when the notice was sent"},
    )
    method = forms.ChoiceField(
        label="How was it sent?",
        choices=NoticeMethod.choices,
        widget=GovukRadioSelect,
        error_messages={"required": "Select how the notice was sent"},
    )
    ukmpu_reference = forms.CharField(
        label="The unit's reference (if it gave one)", max_length=ukmpu.MAX_REFERENCE, required=False
    )
    notes = forms.CharField(
        label="Notes (optional)",
        max_length=ukmpu.MAX_NOTES,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, who at the unit you spoke to",
    )


def _seen(request: HttpRequest, episode: Episode, action: str = "view") -> None:
    access_record(
        user=request.user, action=action, record_type="episode", record_ids=[episode.pk], request=request
    )


class UkmpuListView(FormPage):
    """The force's notices: to send (due or late, longest due first) and sent in the last 30 days."""

    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        user = self.user
        with transaction.atomic():
            to_send = ukmpu.notices_to_send(user)
            sent = ukmpu.notices_sent(user)
            ids = [e.pk for e, _ in to_send] + [n.episode_id for n in sent]
            access_record(user=user, action="list", record_type="episode", record_ids=ids, request=request)
        ctx = {
            "to_send": to_send,
            "sent": sent,
            "page_title": "UK Missing Persons Unit notices",
            "thresholds": schedules.thresholds(),
        }
        return render(request, "episodes/ukmpu_list.html", ctx)


class UkmpuNoticeView(FormPage):
    """What must be sent for one episode, and (until it is recorded) the form recording it was sent."""

    def get(self, request: AuthenticatedRequest, episode_id: int) -> HttpResponse:
        episode = ukmpu.access_notice_episode(self.user, episode_id)
        form = UkmpuNoticeForm(initial={"sent_at": timezone.localtime().replace(second=0, microsecond=0)})
        return self.render(episode, form)

    def post(self, request: AuthenticatedRequest, episode_id: int) -> HttpResponse:
        user = self.user
        episode = ukmpu.access_notice_episode(user, episode_id)
        form = UkmpuNoticeForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                ukmpu.ukmpu_notice_record(
                    episode_id=episode.pk,
                    sent_at=d["sent_at"],
                    method=d["method"],
                    ukmpu_reference=d["ukmpu_reference"],
                    notes=d["notes"],
                    acting_user=user,
                )
                messages.success(request, RECORDED)
                return HttpResponseRedirect(reverse("episode-ukmpu", args=[episode.pk]))
            except InvalidInput as exc:
                for e in exc.errors:
                    form.add_error(e.field if e.field in form.fields else None, e.message)
            except ConflictError as exc:
                form.add_error(None, str(exc))
        return self.render(ukmpu.access_notice_episode(user, episode_id), form)

    def render(self, episode: Episode, form: UkmpuNoticeForm) -> HttpResponse:
        with transaction.atomic():
            _seen(self.request, episode)
        return render(self.request, "episodes/ukmpu_notice.html", _notice_context(episode, form=form))


def _notice_context(episode: Episode, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    sent = ukmpu.notice_of(episode)
    content = sent.content if sent is not None else notice_content(episode, now)
    return {
        "episode": episode,
        "state": ukmpu.notice_state(episode, now),
        "sent": sent,
        "lines": notice_lines(content),
        "page_title": f"UK Missing Persons Unit notice: {episode.child.full_name}",
        **extra,
    }


class UkmpuPrintView(FormPage):
    """The notice on one printable page (no navigation), as sent or as it must be sent."""

    def get(self, request: AuthenticatedRequest, episode_id: int) -> HttpResponse:
        episode = ukmpu.access_notice_episode(self.user, episode_id)
        with transaction.atomic():
            _seen(request, episode, "export")
        return render(request, "episodes/ukmpu_print.html", _notice_context(episode))


class UkmpuExportView(FormPage):
    """The documented JSON export (docs/ukmpu.md), as a download."""

    def get(self, request: AuthenticatedRequest, episode_id: int) -> HttpResponse:
        episode = ukmpu.access_notice_episode(self.user, episode_id)
        with transaction.atomic():
            _seen(request, episode, "export")
        body = json.dumps(ukmpu.notice_export(episode), indent=2, ensure_ascii=False)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="ukmpu-notice-{episode.reference}.json"'
        return response
