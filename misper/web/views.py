"""Pages that belong to no single domain app: sign-in and home."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.views.generic import TemplateView

from misper.accounts.views import SignInView
from misper.audit.services import access_record
from misper.episodes.models import Status
from misper.episodes.selectors import my_cases, visible_episodes

__all__ = ["HomeView", "SignInView", "SignOutView"]


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
