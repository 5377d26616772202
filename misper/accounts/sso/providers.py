"""An agency's identity provider: set by an administrator (``identity_provider_set``, ``misper sso
set``), offered on the sign-in page (``active_providers``), and read at sign-in (its discovery document
and its client secret, held in the environment). Refusals carry a plain message for the person."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from misper.accounts.models import Agency, IdentityProvider, IdentityProviderGroup, Role, User
from misper.audit.services import access_record

SECRET_ENV_PREFIX = "MISPER_OIDC_SECRET_"
SSO_FAILED = "Sign-in through your organisation did not work. Start again from the sign-in page."
SSO_UNAVAILABLE = (
    "We could not reach {name}. Try again in a few minutes, or sign in with your misper username and "
    "password if you have one."
)
SSO_NOT_SET_UP = "Sign-in with {name} is not fully set up. Tell your administrator."


class SsoRefusedError(Exception):
    """A sign-in refused with a message for the person (``message``) and an HTTP status."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class ProviderMetadata:
    """The endpoints of a provider's discovery document that misper uses."""

    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str


def active_providers() -> QuerySet[IdentityProvider]:
    """Providers offered on the sign-in page: active, of an active agency."""
    return IdentityProvider.objects.filter(active=True, agency__active=True).select_related("agency")


def access_provider_by_agency_code(code: str) -> IdentityProvider:
    """The active provider of the agency ``code``; a 404 for any other code."""
    provider = active_providers().filter(agency__code=code).first()
    if provider is None:
        raise Http404("No single sign-on for this agency")
    return provider


def access_provider_by_id(provider_id: Any) -> IdentityProvider:
    provider = active_providers().filter(pk=provider_id).first() if isinstance(provider_id, int) else None
    if provider is None:
        raise SsoRefusedError(SSO_FAILED, 400)
    return provider


def _endpoint(doc: dict[str, Any], key: str, required: bool = True) -> str:
    value = doc.get(key, "")
    if not isinstance(value, str) or (value and urlsplit(value).scheme not in ("https", "http")):
        raise ValueError(f"discovery document: {key} is not a web address")
    if required and not value:
        raise ValueError(f"discovery document: no {key}")
    return value


def provider_metadata(provider: IdentityProvider) -> ProviderMetadata:
    """Read the provider's discovery document (``ISSUER/.well-known/openid-configuration``); its
    ``issuer`` must be the configured issuer exactly. Raises ``SsoRefusedError`` (503) when it cannot."""
    url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        doc = response.json()
        if not isinstance(doc, dict) or doc.get("issuer") != provider.issuer:
            raise ValueError("discovery document: issuer differs from the configured issuer")
        return ProviderMetadata(
            authorization_endpoint=_endpoint(doc, "authorization_endpoint"),
            token_endpoint=_endpoint(doc, "token_endpoint"),
            jwks_uri=_endpoint(doc, "jwks_uri"),
            userinfo_endpoint=_endpoint(doc, "userinfo_endpoint", required=False),
        )
    except (requests.RequestException, ValueError) as exc:
        raise SsoRefusedError(SSO_UNAVAILABLE.format(name=provider.name), 503) from exc


def provider_secret(provider: IdentityProvider) -> str:
    """The client secret, from the environment variable the provider names (never from the database)."""
    name = provider.client_secret_env
    secret = os.environ.get(name, "") if name.startswith(SECRET_ENV_PREFIX) else ""
    if not secret:
        raise SsoRefusedError(SSO_NOT_SET_UP.format(name=provider.name), 503)
    return secret


@dataclass(frozen=True)
class ProviderSettings:
    """What an administrator sets for an agency's provider (``misper sso set``)."""

    name: str
    issuer: str
    client_id: str
    client_secret_env: str
    scopes: str = "openid email profile"
    groups_claim: str = "groups"
    groups: tuple[tuple[str, str], ...] = ()  # (group, role) in order: the first match wins
    trust_mfa: bool = False
    mfa_amr: str = "mfa otp hwk"
    mfa_acr: str = ""
    active: bool = True


def _settings_errors(s: ProviderSettings) -> dict[str, str]:
    errors: dict[str, str] = {}
    url = urlsplit(s.issuer)
    local = url.hostname in ("127.0.0.1", "localhost", "::1")
    if url.scheme != "https" and not (url.scheme == "http" and (local or settings.DEMO_MODE)):
        errors["issuer"] = "Enter the issuer as an https:// address"
    if not re.fullmatch(SECRET_ENV_PREFIX + r"[A-Z0-9_]+", s.client_secret_env):
        errors["client_secret_env"] = f"Name an environment variable starting {SECRET_ENV_PREFIX}"
    if "openid" not in s.scopes.split():
        errors["scopes"] = "The scopes must include openid"
    if not s.groups:
        errors["groups"] = "Map at least one group to a role"
    unknown = [role for _, role in s.groups if role not in Role.values]
    if unknown:
        errors["groups"] = f"No such role: {', '.join(unknown)}. Roles are: {', '.join(Role.values)}"
    if len({g for g, _ in s.groups}) != len(s.groups):
        errors["groups"] = "Each group may be mapped once"
    if s.trust_mfa and not (s.mfa_amr.split() or s.mfa_acr.split()):
        errors["mfa_amr"] = "Name the amr or acr values that show the provider's second factor"
    return errors


@transaction.atomic
def identity_provider_set(
    *, agency: Agency, values: ProviderSettings, acting_user: User | None
) -> IdentityProvider:
    """Create or replace ``agency``'s provider and its group mapping (logged). Raises ``ValidationError``
    (by field) and changes nothing when a value is unfit."""
    errors = _settings_errors(values)
    if errors:
        raise ValidationError(errors)
    provider = IdentityProvider.objects.filter(agency=agency).first() or IdentityProvider(agency=agency)
    for field in ("name", "issuer", "client_id", "client_secret_env", "scopes", "groups_claim"):
        setattr(provider, field, getattr(values, field))
    provider.trust_mfa, provider.mfa_amr, provider.mfa_acr = values.trust_mfa, values.mfa_amr, values.mfa_acr
    provider.active = values.active
    provider.full_clean()
    provider.save()
    provider.groups.all().delete()
    IdentityProviderGroup.objects.bulk_create(
        IdentityProviderGroup(provider=provider, position=i, group=group, role=role)
        for i, (group, role) in enumerate(values.groups)
    )
    access_record(
        user=acting_user,
        action="change",
        record_type="identity_provider",
        record_ids=[provider.pk],
        purpose=f"single sign-on for {agency.code} set: {values.issuer}"[:200],
    )
    return provider
