"""Pages that belong to no single domain app: sign-in, home and the language switch."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from misper.accounts.views import SignInView
from misper.audit.services import access_record
from misper.episodes.models import Status
from misper.episodes.selectors import my_cases, visible_episodes

__all__ = ["HomeView", "LanguageSwitchView", "SignInView", "SignOutView"]


class SignOutView(auth_views.LogoutView):
    next_page = "/sign-in"


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "web/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        with transaction.atomic():
            episodes = list(
                visible_episodes(self.request.user)  # type: ignore[arg-type]
                .filter(status__in=[Status.REPORTED, Status.ACTIVE])
                .select_related("child")
                .order_by("-reported_at")[:100]
            )
            mine = my_cases(self.request.user)  # type: ignore[arg-type]
            access_record(
                user=self.request.user,
                action="list",
                record_type="episode",
                record_ids=sorted({e.pk for e in [*episodes, *mine]}),
                request=self.request,
            )
        ctx["open_episodes"], ctx["my_cases"] = episodes, mine
        return ctx


class LanguageSwitchView(View):
    """``GET /language?to=cy&next=/page``: the header's "Cymraeg" / "English" link (the GOV.UK pattern is a
    link, so it works without scripts). Keeps the choice in the language cookie, signed in or not, and
    goes back to ``next`` on this site (anywhere else: the home page). An unknown language is a 404."""

    def get(self, request: HttpRequest) -> HttpResponse:
        language = request.GET.get("to", "")
        if language not in dict(settings.LANGUAGES):
            raise Http404("No such language")
        nxt = request.GET.get("next") or "/"
        if not url_has_allowed_host_and_scheme(nxt, {request.get_host()}, require_https=request.is_secure()):
            nxt = "/"
        response = HttpResponseRedirect(nxt)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response
