"""Sign-in in two steps: password, then the code from an authenticator app.

Nobody is signed in (``django.contrib.auth.login``) until both steps pass; between them the session
holds only the pending user's id, for at most five minutes: this "half-signed-in" session is anonymous
to every other page and API route. Both steps end in ``login`` then ``django_otp.login``, and
``SessionPolicyMiddleware`` signs out any session whose user needs a second factor but is not verified
by django-otp's ``OTPMiddleware``, whatever code path signed it in. An authenticator is set up (the
enrolment page) only by an account with no confirmed device that holds an open one-time enrolment grant
(``misper accounts reset-2fa``). Demo users in demo mode skip step two.
"""

from __future__ import annotations

import time
from typing import Any

import django_otp
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, gettext_noop
from django.views import View
from django_otp.plugins.otp_totp.models import TOTPDevice

from misper.accounts import signin
from misper.accounts.forms import SecondFactorForm
from misper.accounts.models import User
from misper.accounts.sso.providers import active_providers
from misper.web.forms import SignInForm

PENDING_KEY = "misper_signin_pending"
PENDING_SECONDS = 300
SIGNED_OUT_IDLE = "You were signed out because you had not used misper for a while."
NO_AUTHENTICATOR = gettext_noop(
    "Your account has no authenticator app set up. Ask your administrator to let you set one up, "
    "then sign in again."
)


def _next_url(request: HttpRequest) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or "/"
    ok = url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()})
    return nxt if ok else "/"


def _pending_user(request: HttpRequest) -> User | None:
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=pending["user"], is_active=True).first()


class SignInView(auth_views.LoginView):
    """Step one: username and password, refused while the username is locked out."""

    template_name = "web/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "identity_providers": active_providers()}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        if signin.signin_locked(username, signin.client_address(request)):
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, gettext(signin.LOCKED_MESSAGE))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        address = signin.client_address(self.request)
        if signin.signin_failure_record(self.request.POST.get("username", ""), address):
            form.add_error(None, gettext(signin.LOCKED_MESSAGE))
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        user: User = form.get_user()
        if not signin.second_factor_needed(user):
            response = super().form_valid(form)
            signin.signin_record(user=user, how="password (a demo user in demo mode)", request=self.request)
            return response
        step = second_factor_step(user)
        if step is None:
            form.add_error(None, gettext(NO_AUTHENTICATOR))
            return self.render_to_response(self.get_context_data(form=form), status=403)
        self.request.session[PENDING_KEY] = {"user": user.pk, "at": time.time(), "how": "password"}
        return HttpResponseRedirect(reverse(step) + "?next=" + _next_url(self.request))


class _SecondFactorStep(View):
    template_name = ""

    def refusal(self, user: User) -> HttpResponse | None:
        """Where to send a pending user who may not use this step (None: they may)."""
        return None

    def verify(self, user: User, code: str) -> TOTPDevice | None:
        raise NotImplementedError

    def _user_or_refusal(self, request: HttpRequest) -> tuple[User | None, HttpResponse | None]:
        user = _pending_user(request)
        if user is None or signin.signin_locked(user.username, signin.client_address(request)):
            request.session.pop(PENDING_KEY, None)
            return None, HttpResponseRedirect(reverse("sign-in"))
        return user, self.refusal(user)

    def get(self, request: HttpRequest) -> HttpResponse:
        user, refused = self._user_or_refusal(request)
        if user is None or refused is not None:
            return refused  # type: ignore[return-value]
        return self.render(user, SecondFactorForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        user, refused = self._user_or_refusal(request)
        if user is None or refused is not None:
            return refused  # type: ignore[return-value]
        form = SecondFactorForm(request.POST)
        device = None
        if form.is_valid():
            device = self.verify(user, form.cleaned_data["code"])
            if device is None:
                form.add_error("code", gettext(signin.WRONG_CODE))
                signin.signin_failure_record(user.username, signin.client_address(request))
        if device is None:
            return self.render(user, form, status=400)
        how = str(request.session.pop(PENDING_KEY, {}).get("how", "password"))
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        django_otp.login(request, device)
        signin.signin_record(user=user, how=f"{how} and misper's authenticator app", request=request)
        return HttpResponseRedirect(_next_url(request))

    def context(self, user: User) -> dict[str, Any]:
        return {}

    def render(self, user: User, form: SecondFactorForm, status: int = 200) -> HttpResponse:
        ctx = {"form": form, "next": _next_url(self.request), **self.context(user)}
        return render(self.request, self.template_name, ctx, status=status)


class SecondFactorView(_SecondFactorStep):
    """Step two: the 6-digit code from the user's confirmed authenticator (each code works once)."""

    template_name = "accounts/code.html"

    def refusal(self, user: User) -> HttpResponse | None:
        if signin.totp_confirmed_device(user) is None:
            return HttpResponseRedirect(reverse("sign-in-enrol") + "?next=" + _next_url(self.request))
        return None

    def verify(self, user: User, code: str) -> TOTPDevice | None:
        return signin.totp_verify(user, code)


class EnrolView(_SecondFactorStep):
    """Setting up an authenticator: scan the QR code, then type a code to confirm it works. Only for an
    account with no confirmed device and an open enrolment grant; anyone else is sent to the code step
    (or back to the password step), and no device is created for them."""

    template_name = "accounts/enrol.html"

    def refusal(self, user: User) -> HttpResponse | None:
        if signin.enrolment_allowed(user):
            return None
        if signin.totp_confirmed_device(user) is not None:
            return HttpResponseRedirect(reverse("sign-in-code") + "?next=" + _next_url(self.request))
        self.request.session.pop(PENDING_KEY, None)
        return HttpResponseRedirect(reverse("sign-in"))

    def verify(self, user: User, code: str) -> TOTPDevice | None:
        return signin.totp_enrol_confirm(user, code)

    def context(self, user: User) -> dict[str, Any]:
        device = signin.totp_enrolment_device(user)
        return {"qr": signin.totp_qr_data_uri(device), "secret": signin.totp_secret_text(device)}


def second_factor_step(user: User) -> str | None:
    """The page where ``user`` gives misper's second factor: the code, or setting up an authenticator
    with an open enrolment grant; None when they can do neither."""
    if signin.totp_confirmed_device(user):
        return "sign-in-code"
    if signin.enrolment_allowed(user):
        return "sign-in-enrol"
    return None
