"""Security headers for every response, no caching of pages that may hold child data, a request id,
the session policy (idle timeout, agency link) and the language of pages."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from misper.accounts.models import IdentityProviderDevice
from misper.accounts.signin import second_factor_needed
from misper.accounts.sso.services import sso_session_valid

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)


def _csp() -> str:
    """The policy, with the map tile server's origin allowed as an image source when one is set."""
    tiles = urlsplit(str(getattr(settings, "MISPER_MAP_TILES", "")))
    if tiles.scheme in ("https", "http") and tiles.netloc:
        host = tiles.netloc.replace("{s}", "*")  # Leaflet's subdomain placeholder
        return CSP.replace("img-src 'self' data:", f"img-src 'self' data: {tiles.scheme}://{host}")
    return CSP


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", _csp())
        response.setdefault("Referrer-Policy", "same-origin")
        response.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        response["X-Request-Id"] = request.request_id  # type: ignore[attr-defined]
        if not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        return response


SESSION_SEEN_KEY = "misper_last_seen"
SEEN_WRITE_EVERY = 60  # seconds: avoid a session write on every request


def session_end_reason(request: HttpRequest, now: float) -> str:
    """Why the signed-in session must end now ("" if it may go on): idle too long, signed in without
    the second factor the user needs (``OTPMiddleware`` sets ``is_verified``: only the code step of
    sign-in, or single sign-on with a trusted provider's second factor, verifies a session; a provider's
    device counts only in a session that single sign-on signed in), or the user's agency link was removed or its agency disabled. (A
    disabled user is already signed out by Django's ModelBackend, which refuses inactive users.)"""
    user = request.user
    if second_factor_needed(user) and not user.is_verified():  # type: ignore[arg-type, union-attr]
        return "second-factor"
    device = getattr(user, "otp_device", None)
    if isinstance(device, IdentityProviderDevice) and not sso_session_valid(request, device):
        return "second-factor"  # a provider's second factor counts only in a single sign-on session
    seen = request.session.get(SESSION_SEEN_KEY)
    if seen is not None and now - seen > settings.MISPER_SESSION_IDLE_SECONDS:
        return "idle"
    if not user.is_superuser and (user.agency_id is None or not user.agency.active):  # type: ignore[union-attr]
        return "no-agency"
    return ""


class SessionPolicyMiddleware:
    """Ends a web session on the next request after it has been idle for ``MISPER_SESSION_IDLE_SECONDS``,
    if it was signed in without its second factor, or if its user lost their agency. The absolute limit is ``SESSION_COOKIE_AGE`` (12 hours)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            now = time.time()
            reason = session_end_reason(request, now)
            if reason:
                logout(request)
                if not request.path.startswith("/api/"):
                    return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            elif now - request.session.get(SESSION_SEEN_KEY, 0) > SEEN_WRITE_EVERY:
                request.session[SESSION_SEEN_KEY] = now
        return self.get_response(request)


class PageLanguageMiddleware(LocaleMiddleware):
    """English or Welsh for pages (Django's LocaleMiddleware: the language cookie, else the browser's
    Accept-Language, else English). The API always answers in English: partners' systems read its
    messages and field values, whatever language their users read."""

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE  # type: ignore[attr-defined]
            return
        super().process_request(request)
