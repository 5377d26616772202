"""Sign-in in two steps: password, then the code from an authenticator app (set up at first sign-in).

Nobody is signed in (``django.contrib.auth.login``) until both steps pass; between them the session
holds only the pending user's id, for at most five minutes. Demo users in demo mode skip step two.
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
from django.views import View

from misper.accounts import signin
from misper.accounts.forms import SecondFactorForm
from misper.accounts.models import User
from misper.web.forms import SignInForm

PENDING_KEY = "misper_signin_pending"
PENDING_SECONDS = 300
SIGNED_OUT_IDLE = "You were signed out because you had not used misper for a while."


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

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        if signin.signin_locked(username):
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, signin.LOCKED_MESSAGE)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        if signin.signin_failure_record(self.request.POST.get("username", "")):
            form.add_error(None, signin.LOCKED_MESSAGE)
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        user: User = form.get_user()
        if not signin.second_factor_needed(user):
            signin.signin_success_record(user.username)
            return super().form_valid(form)
        self.request.session[PENDING_KEY] = {"user": user.pk, "at": time.time()}
        step = "sign-in-code" if signin.totp_confirmed_device(user) else "sign-in-enrol"
        return HttpResponseRedirect(reverse(step) + "?next=" + _next_url(self.request))


class _SecondFactorStep(View):
    template_name = ""
    enrolling = False

    def get(self, request: HttpRequest) -> HttpResponse:
        user = _pending_user(request)
        if user is None:
            return HttpResponseRedirect(reverse("sign-in"))
        return self.render(user, SecondFactorForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        user = _pending_user(request)
        if user is None or signin.signin_locked(user.username):
            request.session.pop(PENDING_KEY, None)
            return HttpResponseRedirect(reverse("sign-in"))
        form = SecondFactorForm(request.POST)
        device = None
        if form.is_valid():
            device = signin.totp_verify(user, form.cleaned_data["code"], enrolling=self.enrolling)
            if device is None:
                form.add_error("code", signin.WRONG_CODE)
                signin.signin_failure_record(user.username)
        if device is None:
            return self.render(user, form, status=400)
        request.session.pop(PENDING_KEY, None)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        django_otp.login(request, device)
        signin.signin_success_record(user.username)
        return HttpResponseRedirect(_next_url(request))

    def context(self, user: User) -> dict[str, Any]:
        return {}

    def render(self, user: User, form: SecondFactorForm, status: int = 200) -> HttpResponse:
        ctx = {"form": form, "next": _next_url(self.request), **self.context(user)}
        return render(self.request, self.template_name, ctx, status=status)


class SecondFactorView(_SecondFactorStep):
    """Step two: the 6-digit code from the user's confirmed authenticator."""

    template_name = "accounts/code.html"


class EnrolView(_SecondFactorStep):
    """First sign-in: scan the QR code, then type a code to confirm the authenticator works."""

    template_name = "accounts/enrol.html"
    enrolling = True

    def context(self, user: User) -> dict[str, Any]:
        device = signin.totp_enrolment_device(user)
        return {"qr": signin.totp_qr_data_uri(device), "secret": signin.totp_secret_text(device)}
