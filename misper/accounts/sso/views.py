"""Single sign-on pages: start (``/sign-in/sso/<agency code>``) and the provider's return (``/sign-in/sso/
callback``). See ``services.py`` for the steps and docs/trust.md for how it meets the second factor."""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import django_otp
import requests
from django.contrib import auth
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from misper.accounts import signin
from misper.accounts.models import IdentityProvider, User
from misper.accounts.sso import providers, services
from misper.accounts.sso.providers import SsoRefusedError
from misper.accounts.views import PENDING_KEY, second_factor_step

logger = logging.getLogger(__name__)
STATES_KEY = "oidc_states"  # mozilla-django-oidc's session key: state → nonce, PKCE verifier, time
PROVIDER_KEY = "misper_provider"  # added to each state's entry: the provider the sign-in started with


def _refusal(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(
        request,
        "accounts/sso_refused.html",
        {"message": message, "page_title": "You are not signed in"},
        status=status,
    )


class SsoStartView(OIDCAuthenticationRequestView):
    """Send the browser to the agency's provider, remembering which provider this state is for."""

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # the library's __init__ reads one provider from settings

    def get_settings(self, attr: str, *args: Any) -> Any:  # type: ignore[override]
        if attr == "OIDC_RP_SCOPES":
            return self.provider.scopes
        return import_from_settings(attr, *args)  # type: ignore[no-untyped-call]

    def get(self, request: HttpRequest, agency_code: str) -> HttpResponse:  # type: ignore[override]
        self.provider = providers.access_provider_by_agency_code(agency_code)
        try:
            meta = providers.provider_metadata(self.provider)
        except SsoRefusedError as refused:
            return _refusal(request, refused.message, refused.status)
        self.OIDC_OP_AUTH_ENDPOINT = meta.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = self.provider.client_id
        response: HttpResponse = super().get(request)  # type: ignore[no-untyped-call]
        state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
        request.session[STATES_KEY][state][PROVIDER_KEY] = self.provider.pk
        request.session.modified = True
        return response


def _state_take(request: HttpRequest) -> dict[str, Any]:
    """This sign-in's entry (nonce, PKCE verifier, provider), removed from the session so the state works
    once; refused when unknown or older than ``STATE_SECONDS``."""
    states = request.session.get(STATES_KEY)
    state = request.GET.get("state", "")
    entry = states.pop(state, None) if isinstance(states, dict) else None
    request.session.modified = True
    if not isinstance(entry, dict) or time.time() - entry.get("added_on", 0) > services.STATE_SECONDS:
        raise SsoRefusedError(providers.SSO_FAILED, 400)
    return entry


class SsoCallbackView(OIDCAuthenticationCallbackView):
    """The provider's return: check the state, let the backend verify the token, then sign in with the
    provider's second factor, or send the user to misper's own code step, or refuse."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            return self._sign_in(request)
        except SsoRefusedError as refused:
            logger.warning("single sign-on refused: %s", refused.message)
            return _refusal(request, refused.message, refused.status)
        except (SuspiciousOperation, requests.RequestException, IntegrityError) as exc:
            # IntegrityError: one new subject's first sign-in made twice at once; the second starts again.
            logger.warning("single sign-on refused: %s", exc)
            return _refusal(request, providers.SSO_FAILED, 403)

    def _sign_in(self, request: HttpRequest) -> HttpResponse:
        entry = _state_take(request)
        provider = providers.access_provider_by_id(entry.get(PROVIDER_KEY))
        if request.GET.get("error") or not request.GET.get("code"):
            raise SsoRefusedError(services.SSO_CANCELLED)
        if request.GET.get("iss", provider.issuer) != provider.issuer:  # RFC 9207: a mixed-up provider
            raise SuspiciousOperation("the authorisation response names another issuer")
        next_url = request.session.pop("oidc_login_next", None) or "/"
        request.session.save()
        user = auth.authenticate(
            request=request,
            sso_provider=provider,
            nonce=entry.get("nonce"),
            code_verifier=entry.get("code_verifier"),
        )
        if not isinstance(user, User) or not user.is_active:
            raise SsoRefusedError(providers.SSO_FAILED)
        return self._second_factor(request, user, provider, next_url)

    def _second_factor(
        self, request: HttpRequest, user: User, provider: IdentityProvider, next_url: str
    ) -> HttpResponse:
        if getattr(user, "sso_mfa", False):
            auth.login(request, user, backend=services.BACKEND)
            django_otp.login(request, services.provider_device(user, provider))
            signin.signin_record(
                user=user, how=f"single sign-on with {provider.name} and its second factor", request=request
            )
            return HttpResponseRedirect(next_url)
        step = second_factor_step(user)
        if step is None:
            raise SsoRefusedError(services.NO_SECOND_FACTOR.format(name=provider.name))
        request.session[PENDING_KEY] = {
            "user": user.pk,
            "at": time.time(),
            "how": f"single sign-on with {provider.name}",
        }
        return HttpResponseRedirect(reverse(step) + "?next=" + next_url)
