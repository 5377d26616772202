"""Deployment checks: a production start refuses demo users, debug, an unfit secret key and insecure
cookies (``misper check --deploy``, run by ``misper serve``; the settings refuse the first two as well)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from misper.config.production import production_refusals


@register("misper", deploy=True)
def no_demo_credentials_in_production(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if settings.DEMO_MODE:
        return []
    from django.db.utils import DatabaseError

    from misper.accounts.models import User

    try:
        demo = list(User.objects.filter(is_demo=True, is_active=True).values_list("username", flat=True))
    except DatabaseError:
        return []
    errors = []
    if demo:
        errors.append(
            Error(
                f"Demo users are active in production: {', '.join(demo)}.",
                hint="Disable them (misper disable-demo-users) before starting a production service.",
                id="misper.E001",
            )
        )
    return errors


@register("misper", deploy=True)
def production_settings_safe(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if settings.DEMO_MODE:
        return []
    problems = production_refusals(debug=settings.DEBUG, secret_key=settings.SECRET_KEY)
    if not (
        settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE and settings.SESSION_COOKIE_HTTPONLY
    ):
        problems.append("session and CSRF cookies must be Secure, and the session cookie HttpOnly")
    if settings.SESSION_COOKIE_SAMESITE not in ("Lax", "Strict"):
        problems.append("the session cookie must be SameSite=Lax or Strict")
    if settings.SECURE_HSTS_SECONDS < 31_536_000:
        problems.append("HSTS must be sent for at least a year (SECURE_HSTS_SECONDS)")
    return [
        Error(f"Unsafe in production: {p}.", hint="See misper/config/settings.py.", id="misper.E002")
        for p in problems
    ]
