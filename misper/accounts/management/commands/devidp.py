"""``misper devidp``: the demo identity provider (``misper.accounts.devidp``), set as the demo force's single
sign-on, so "Sign in with Demo identity provider" works on a fresh ``make run`` (``scripts/run.sh`` starts
it beside the web server). Demo mode only."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from misper.accounts.devidp import serve
from misper.accounts.models import Agency, AgencyKind
from misper.accounts.sso.providers import ProviderSettings, identity_provider_set

SECRET_ENV = "MISPER_OIDC_SECRET_DEMO"
TENANT = "demo"
CLIENT_ID = "misper-demo"
GROUPS = (
    ("demo-supervisors", "supervisor"),
    ("demo-officers", "investigating_officer"),
    ("demo-call-handlers", "call_handler"),
)


def _account(sub: str, given: str, family: str, groups: list[str], amr: list[str]) -> dict[str, Any]:
    return {
        "sub": sub,
        "preferred_username": sub,
        "email": f"{sub}@demo.invalid",
        "given_name": given,
        "family_name": family,
        "groups": groups,
        "amr": amr,
    }


# Synthetic accounts at the demo force's provider: two with its second factor, one without, one in no
# group meant for misper. Their names say what misper will do.
ACCOUNTS = {
    "Sam Okafor, officer, signed in with an authenticator app": _account(
        "sso-officer", "Sam", "Okafor", ["demo-officers"], ["pwd", "mfa"]
    ),
    "Priya Shah, supervisor, signed in with a security key": _account(
        "sso-supervisor", "Priya", "Shah", ["demo-supervisors", "demo-officers"], ["hwk"]
    ),
    "Robin Hale, call handler, password only (misper refuses)": _account(
        "sso-password-only", "Robin", "Hale", ["demo-call-handlers"], ["pwd"]
    ),
    "Alex Reed, canteen staff, not in a misper group (misper refuses)": _account(
        "sso-canteen", "Alex", "Reed", ["canteen"], ["pwd", "mfa"]
    ),
}


class Command(BaseCommand):
    help = "Run the demo identity provider and set it as the demo force's single sign-on (demo mode only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument("--misper-url", default="http://127.0.0.1:8000", help="where misper is served")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("The demo identity provider runs in demo mode only.")
        force = Agency.objects.filter(kind=AgencyKind.POLICE_FORCE, users__is_demo=True).distinct().first()
        if force is None:
            raise CommandError("No demo force: run 'misper seed' first.")
        secret = os.environ.get(SECRET_ENV) or "demo-only-not-secret"
        os.environ[SECRET_ENV] = secret
        issuer = f"http://127.0.0.1:{options['port']}/{TENANT}"
        identity_provider_set(
            agency=force,
            values=ProviderSettings(
                name="Demo identity provider",
                issuer=issuer,
                client_id=CLIENT_ID,
                client_secret_env=SECRET_ENV,
                groups=GROUPS,
                trust_mfa=True,
            ),
            acting_user=None,
        )
        base = options["misper_url"].rstrip("/")
        callbacks = [
            base + "/sign-in/sso/callback",
            base.replace("127.0.0.1", "localhost") + "/sign-in/sso/callback",
        ]
        config = {
            "tenants": {
                TENANT: {
                    "clients": {CLIENT_ID: {"secret": secret, "redirect_uris": callbacks}},
                    "users": ACCOUNTS,
                }
            }
        }
        self.stdout.write(
            f"Demo identity provider at {issuer}: 'Sign in with Demo identity provider' ({force.name})"
        )
        self.stdout.flush()
        connections.close_all()  # it serves for as long as misper runs, with no database work
        serve(config, options["port"])
