"""Children's feedback pages: the practitioner's link-and-QR page, recording answers on the child's
behalf, the child's own no-login form (rate-limited, single-use code), and the figures."""

from __future__ import annotations

from datetime import date
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_noop
from django.views import View

from misper.accounts.requests import AuthenticatedRequest
from misper.core.errors import ConflictError, InvalidInput
from misper.episodes.selectors import access_episode_by_id
from misper.learning import selectors, services
from misper.learning.forms import QUESTION_LABELS, FeedbackForm
from misper.learning.models import Answer
from misper.learning.services import INVITE_DAYS, LINK_NOT_VALID

RATE_LIMIT = 30  # requests to the public form per address per window
RATE_WINDOW = 600  # seconds
# The child's pages are in English and Welsh: these are shown through gettext.
TOO_MANY = gettext_noop("You have tried too many times. Please wait a few minutes and try again.")
THANKS = gettext_noop("Thank you. Your answers have been sent.")
RECORDED = gettext_noop(
    "The child's answers have been recorded. Nothing that identifies them is kept with the answers."
)


def _errors_onto(form: Any, exc: InvalidInput) -> None:
    for e in exc.errors:
        form.add_error(e.field if e.field in form.fields else None, gettext(e.message))


def qr_svg(url: str) -> str:
    """An inline SVG QR code for ``url`` (no styles or scripts, so it passes the strict CSP)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    label = escape(gettext("QR code for the feedback link"))
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" class="misper-qr" ', 1)


class FeedbackInviteView(LoginRequiredMixin, View):
    """GET explains; POST makes a one-time link and shows it once, with its QR code."""

    def get(self, request: AuthenticatedRequest, episode_id: int) -> HttpResponse:
        episode = access_episode_by_id(request.user, episode_id)
        return self.render(episode)

    def post(self, request: AuthenticatedRequest, episode_id: int) -> HttpResponse:
        episode = access_episode_by_id(request.user, episode_id)
        try:
            _invite, code = services.feedback_invite_create(episode_id=episode.pk, acting_user=request.user)
        except ConflictError as exc:
            return self.render(episode, error=gettext(str(exc)))
        link = request.build_absolute_uri(reverse("feedback-give", args=[code]))
        return self.render(episode, link=link, qr=mark_safe(qr_svg(link)))  # noqa: S308 - our own SVG

    def render(self, episode: Any, **ctx: Any) -> HttpResponse:
        context = {
            "episode": episode,
            "days": INVITE_DAYS,
            "page_title": gettext("A feedback link for the child"),
            **ctx,
        }
        return render(self.request, "learning/feedback_invite.html", context)


class FeedbackRecordView(LoginRequiredMixin, View):
    """A practitioner records the child's answers for them."""

    def get(self, request: AuthenticatedRequest, episode_id: int) -> HttpResponse:
        episode = access_episode_by_id(request.user, episode_id)
        return self.render(episode, FeedbackForm())

    def post(self, request: AuthenticatedRequest, episode_id: int) -> HttpResponse:
        episode = access_episode_by_id(request.user, episode_id)
        form = FeedbackForm(request.POST)
        if form.is_valid():
            try:
                services.feedback_record(
                    episode_id=episode.pk, answers=form.cleaned_data, acting_user=request.user
                )  # type: ignore[arg-type]
                from django.contrib import messages

                messages.success(request, gettext(RECORDED))
                return HttpResponseRedirect(reverse("episode", args=[episode.pk]))
            except InvalidInput as exc:
                _errors_onto(form, exc)
            except ConflictError as exc:
                form.add_error(None, gettext(str(exc)))
        return self.render(episode, form)

    def render(self, episode: Any, form: FeedbackForm) -> HttpResponse:
        ctx = {
            "episode": episode,
            "form": form,
            "on_behalf": True,
            "page_title": gettext("Record the child's feedback"),
        }
        return render(self.request, "learning/feedback_form.html", ctx)


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def rate_limited(request: HttpRequest) -> bool:
    """Count this request against its address; True once the address passes RATE_LIMIT in the window."""
    key = f"misper:feedback-rate:{_client_address(request)}"
    cache.add(key, 0, RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW)
        count = 1
    return count > RATE_LIMIT


class FeedbackGiveView(View):
    """The child's own form: no sign-in, a one-time code in the link, nothing identifying stored."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if rate_limited(request):
            return self.message(TOO_MANY, status=429)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        if not services.invite_usable(code):
            return self.message(LINK_NOT_VALID, status=404)
        return self.render(FeedbackForm())

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        form = FeedbackForm(request.POST)
        if not form.is_valid():
            return self.render(form)
        try:
            services.feedback_submit(code=code, answers=form.cleaned_data)
        except InvalidInput as exc:
            _errors_onto(form, exc)
            return self.render(form)
        except ConflictError:
            return self.message(LINK_NOT_VALID, status=404)
        return HttpResponseRedirect(reverse("feedback-thanks"))

    def render(self, form: FeedbackForm) -> HttpResponse:
        ctx = {"form": form, "on_behalf": False, "page_title": gettext("Tell us how the police treated you")}
        return render(self.request, "learning/feedback_form.html", ctx)

    def message(self, text: str, status: int) -> HttpResponse:
        ctx = {"message": text, "page_title": gettext("Feedback")}
        return render(self.request, "learning/feedback_message.html", ctx, status=status)


class FeedbackThanksView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        ctx = {"message": THANKS, "page_title": gettext(THANKS)}
        return render(request, "learning/feedback_message.html", ctx)


def _month(value: str | None) -> date | None:
    try:
        year, month = (int(p) for p in (value or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return None


class FeedbackFiguresView(LoginRequiredMixin, View):
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        cells = selectors.feedback_summary(request.user)
        month = _month(request.GET.get("month")) or (cells[0].period if cells else None)
        ctx = {
            "cells": cells,
            "questions": list(QUESTION_LABELS.items()),
            "answers": Answer.choices,
            "month": month,
            "months": sorted({c.period for c in cells}, reverse=True),
            "comments": selectors.feedback_comments(request.user, period=month) if month else [],
            "small": selectors.SMALL_NUMBER,
            "page_title": "Children's feedback",
        }
        return render(request, "learning/feedback_figures.html", ctx)
