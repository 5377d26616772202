"""The API tokens page: a user sees and revokes their own tokens; an administrator also their agency's.
Tokens are issued by ``misper token USERNAME`` (the raw value is shown once, on the command line)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.views import View

from misper.accounts.models import Role, User
from misper.accounts.requests import AuthenticatedRequest
from misper.accounts.selectors import access_api_token_by_id, visible_api_tokens
from misper.accounts.services import api_token_revoke

REVOKED = gettext_noop("API token {label} of {holder} is revoked. Anything using it is refused from now on.")


class ApiTokenListView(LoginRequiredMixin, View):
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        user: User = request.user
        ctx = {
            "tokens": list(visible_api_tokens(user)),
            "now": timezone.now(),
            "agency_wide": user.role == Role.ADMINISTRATOR,
            "page_title": gettext("API tokens"),
        }
        return render(request, "accounts/tokens.html", ctx)


class ApiTokenRevokeView(LoginRequiredMixin, View):
    def post(self, request: AuthenticatedRequest, token_id: int) -> HttpResponse:
        user: User = request.user
        token = api_token_revoke(token=access_api_token_by_id(user, token_id), acting_user=user)
        label = f"“{token.label}”" if token.label else str(token.pk)
        messages.success(
            request, gettext(REVOKED).format(label=label, holder=token.user.get_full_name() or token.user)
        )
        return HttpResponseRedirect(reverse("api-tokens"))
