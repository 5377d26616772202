"""Deployment checks: a production start refuses demo users and default passwords."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


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
