"""The administrator's page of their agency's users: reset a user's authenticator app (the user sets up
a new one at their next sign-in, once, within ``MISPER_ENROLMENT_GRANT_HOURS``). Logged by the service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django_otp.plugins.otp_totp.models import TOTPDevice

from misper.accounts.models import EnrolmentGrant, ExternalIdentity, User
from misper.accounts.requests import AuthenticatedRequest
from misper.accounts.selectors import access_agency_user_by_id, visible_agency_users
from misper.accounts.services import second_factor_reset

RESET_DONE = (
    "{name}'s authenticator app is removed. They can set up a new one at their next sign-in, until {until}."
)
NOT_YOURSELF = "You cannot reset your own authenticator app. Ask another administrator of your agency."


class AgencyUsersView(LoginRequiredMixin, View):
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        users = list(visible_agency_users(request.user))
        with_device = set(
            TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True)
        )
        grants = dict(
            EnrolmentGrant.objects.filter(
                user__in=users, used_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=timezone.now()
            ).values_list("user_id", "expires_at")
        )
        single_sign_on = dict(
            ExternalIdentity.objects.filter(user__in=users).values_list("user_id", "provider__name")
        )
        rows = [
            {
                "user": u,
                "device": u.pk in with_device,
                "grant_until": grants.get(u.pk),
                "single_sign_on": single_sign_on.get(u.pk, ""),
            }
            for u in users
        ]
        return render(request, "accounts/users.html", {"rows": rows, "page_title": "Your agency's users"})


class SecondFactorResetView(LoginRequiredMixin, View):
    def post(self, request: AuthenticatedRequest, user_id: int) -> HttpResponse:
        admin: User = request.user
        user = access_agency_user_by_id(admin, user_id)
        if user.pk == admin.pk:
            raise PermissionDenied(NOT_YOURSELF)
        grant = second_factor_reset(user=user, acting_user=admin, granted_by=admin.username)
        until = timezone.localtime(grant.expires_at).strftime("%-d %B %Y at %H:%M")
        messages.success(request, RESET_DONE.format(name=user.get_full_name() or user.username, until=until))
        return HttpResponseRedirect(reverse("agency-users"))
