"""``misper sso``: set, show or switch off an agency's single sign-on (OpenID Connect) provider."""

from __future__ import annotations

import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from misper.accounts.models import Agency, IdentityProvider
from misper.accounts.sso.providers import ProviderSettings, identity_provider_set


def _mapping(text: str) -> tuple[str, str]:
    group, sep, role = text.rpartition("=")
    if not sep or not group or not role:
        raise CommandError(
            f"--map {text!r}: write GROUP=ROLE, e.g. --map 'MISPER-Officers=investigating_officer'"
        )
    return group, role


class Command(BaseCommand):
    help = (
        "Single sign-on per agency. 'misper sso set AGENCY --name NAME --issuer URL --client-id ID "
        "--secret-env MISPER_OIDC_SECRET_X --map GROUP=ROLE [--map …] [--trust-mfa]' sets it (logged); "
        "'misper sso show [AGENCY]' prints it; 'misper sso off AGENCY' stops offering it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["set", "show", "off"])
        parser.add_argument("agency", nargs="?", help="the agency's code")
        parser.add_argument("--name", help="shown on the sign-in page: 'Sign in with NAME'")
        parser.add_argument("--issuer", help="the provider's issuer, exactly as its discovery document says")
        parser.add_argument("--client-id")
        parser.add_argument("--secret-env", help="the environment variable holding the client secret")
        parser.add_argument("--scopes", default="openid email profile")
        parser.add_argument("--groups-claim", default="groups", help="the ID token claim listing groups")
        parser.add_argument(
            "--map", action="append", default=[], metavar="GROUP=ROLE", help="in order: the first match wins"
        )
        parser.add_argument("--trust-mfa", action="store_true", help="the provider's second factor counts")
        parser.add_argument("--mfa-amr", default="mfa otp hwk", help="amr values that show a second factor")
        parser.add_argument("--mfa-acr", default="", help="acr values that show a second factor")

    def handle(self, *args: Any, **options: Any) -> None:
        action, code = options["action"], options["agency"]
        if action == "show":
            self._show(code)
            return
        if not code:
            raise CommandError("Name the agency by its code, e.g. 'misper sso set test-force …'.")
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise CommandError(f"No agency with the code {code!r}.")
        if action == "off":
            self._off(agency)
            return
        missing = [
            f"--{k.replace('_', '-')}"
            for k in ("name", "issuer", "client_id", "secret_env")
            if not options[k]
        ]
        if missing:
            raise CommandError(f"Give {', '.join(missing)}.")
        values = ProviderSettings(
            name=options["name"],
            issuer=options["issuer"],
            client_id=options["client_id"],
            client_secret_env=options["secret_env"],
            scopes=options["scopes"],
            groups_claim=options["groups_claim"],
            groups=tuple(_mapping(m) for m in options["map"]),
            trust_mfa=options["trust_mfa"],
            mfa_amr=options["mfa_amr"],
            mfa_acr=options["mfa_acr"],
        )
        try:
            identity_provider_set(agency=agency, values=values, acting_user=None)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        self.stdout.write(f"{agency.name} signs in with {values.name}.")
        self._show(code)

    def _off(self, agency: Agency) -> None:
        provider = IdentityProvider.objects.filter(agency=agency).first()
        if provider is None:
            raise CommandError(f"{agency.name} has no single sign-on.")
        values = ProviderSettings(
            name=provider.name,
            issuer=provider.issuer,
            client_id=provider.client_id,
            client_secret_env=provider.client_secret_env,
            scopes=provider.scopes,
            groups_claim=provider.groups_claim,
            groups=tuple((g.group, g.role) for g in provider.groups.all()),
            trust_mfa=provider.trust_mfa,
            mfa_amr=provider.mfa_amr,
            mfa_acr=provider.mfa_acr,
            active=False,
        )
        identity_provider_set(agency=agency, values=values, acting_user=None)
        self.stdout.write(f"{agency.name} no longer offers sign-in with {provider.name}.")

    def _show(self, code: str | None) -> None:
        providers = IdentityProvider.objects.select_related("agency").order_by("agency__code")
        if code:
            providers = providers.filter(agency__code=code)
        for p in providers:
            secret = "set" if os.environ.get(p.client_secret_env) else "NOT SET in this environment"
            mfa = (
                f"trusted when amr has {p.mfa_amr!r} or acr is {p.mfa_acr!r}"
                if p.trust_mfa
                else "not trusted"
            )
            self.stdout.write(
                f"{p.agency.code}: {'on' if p.active else 'off'}, 'Sign in with {p.name}'\n"
                f"  issuer {p.issuer}, client {p.client_id}, secret in {p.client_secret_env} ({secret})\n"
                f"  scopes {p.scopes!r}, groups from claim {p.groups_claim!r}, provider's second factor {mfa}"
            )
            for row in p.groups.all():
                self.stdout.write(f"  group {row.group!r} → {row.role}")
        if not providers:
            self.stdout.write("No single sign-on is set up.")
