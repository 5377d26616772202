"""Single sign-on through an agency's OpenID Connect provider: which provider, what its token proves, and
the misper account it signs in.

1. The sign-in page links to ``/sign-in/with/<agency code>`` for each active provider; that view (a
   mozilla-django-oidc request view) reads the provider's discovery document, keeps state, nonce and PKCE
   verifier in the session with the provider's id, and sends the browser to the provider.
2. The callback takes the state (once, within ``STATE_SECONDS``), and mozilla-django-oidc's backend
   exchanges the code and checks the ID token's signature against the provider's keys; misper's backend
   (``backend.py``) also requires its issuer, audience, expiry and nonce to be this provider's and this
   sign-in's.
3. ``sso_user_sign_in`` finds the account by (provider, ``sub``), never by e-mail; a new subject gets a new
   account in the provider's agency. The role comes from the provider's group mapping at every sign-in; a
   user in no mapped group is refused, never given a default role.
4. ``mfa_satisfied``: when the agency trusts its provider's multi-factor claim and the token has it, the
   session is verified with the provider's device (``IdentityProviderDevice``); otherwise the user gives
   misper's own code, or is refused if they have no authenticator in misper (``views.py``).
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from misper.accounts.models import ExternalIdentity, IdentityProvider, IdentityProviderDevice, Role, User
from misper.accounts.sso.providers import SSO_FAILED, SsoRefusedError
from misper.audit.services import access_record

BACKEND = "misper.accounts.sso.backend.AgencyOIDCBackend"
STATE_SECONDS = 600  # a sign-in started more than ten minutes ago must start again

SSO_CANCELLED = (
    "Sign-in through your organisation was cancelled or refused. Start again from the sign-in page."
)
NO_GROUP = (
    "Your {agency} account is not in a group that may use misper. Ask your IT service desk to add you to "
    "the right group, then sign in again."
)
ACCOUNT_DISABLED = "This misper account is disabled. Ask your administrator."
OTHER_AGENCY = "This misper account belongs to another agency. Ask your administrator."
NO_SECOND_FACTOR = (
    "Your sign-in with {name} did not include a second factor (such as an authenticator app or a "
    "security key) that misper accepts, and you have no authenticator app set up in misper. Sign in "
    "again with your organisation's second factor, or ask your administrator."
)


def mfa_satisfied(provider: IdentityProvider, id_claims: dict[str, Any]) -> bool:
    """True when the agency trusts its provider's multi-factor claim and the ID token carries it: an
    ``amr`` value in ``mfa_amr``, or an ``acr`` in ``mfa_acr``."""
    if not provider.trust_mfa:
        return False
    amr = id_claims.get("amr")
    methods = {m for m in amr if isinstance(m, str)} if isinstance(amr, list) else set()
    acr = id_claims.get("acr")
    return bool(methods & set(provider.mfa_amr.split())) or (
        isinstance(acr, str) and acr in provider.mfa_acr.split()
    )


def claim_groups(claims: dict[str, Any], name: str) -> set[str]:
    """The groups in claim ``name``: a list of strings or one string; anything else is no group."""
    value = claims.get(name)
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {g for g in value if isinstance(g, str)}
    return set()


def role_for_groups(provider: IdentityProvider, groups: set[str]) -> str | None:
    """The role of the first mapping row whose group the user is in; None when there is none."""
    return next((row.role for row in provider.groups.all() if row.group in groups), None)


_USERNAME_UNSAFE = re.compile(r"[^\w.@+-]")


def _new_username(provider: IdentityProvider, claims: dict[str, Any]) -> str:
    """``<agency code>.<preferred_username or e-mail or sub>``: the agency is always in the name, so a
    provider can never name its user like another agency's."""
    raw = next(claims[k] for k in ("preferred_username", "email", "sub") if isinstance(claims.get(k), str))
    base = f"{provider.agency.code}.{_USERNAME_UNSAFE.sub('-', raw)}"[:140]
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def _text(claims: dict[str, Any], key: str, limit: int) -> str:
    value = claims.get(key)
    return value[:limit] if isinstance(value, str) else ""


@transaction.atomic
def sso_user_sign_in(*, provider: IdentityProvider, claims: dict[str, Any]) -> User:
    """The account for a verified token's ``claims`` (``sub`` required): found by (provider, subject) or
    made in the provider's agency; its role set from the group mapping now (logged when it changes).
    Raises ``SsoRefusedError`` for a user in no mapped group, a disabled account or one in another
    agency. Nothing is written when it refuses."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise SsoRefusedError(SSO_FAILED)
    role = role_for_groups(provider, claim_groups(claims, provider.groups_claim))
    if role is None:
        raise SsoRefusedError(NO_GROUP.format(agency=provider.agency.name))
    identity = ExternalIdentity.objects.select_related("user").filter(provider=provider, subject=subject)
    link = identity.select_for_update().first()
    if link is None:
        user = User(username=_new_username(provider, claims), agency=provider.agency, role=role)
        user.set_unusable_password()
        link = ExternalIdentity(provider=provider, subject=subject, user=user)
    user = link.user
    if not user._state.adding and not user.is_active:
        raise SsoRefusedError(ACCOUNT_DISABLED)
    if user.agency_id != provider.agency_id:
        raise SsoRefusedError(OTHER_AGENCY)
    before = "" if user._state.adding else user.role
    user.role = role
    user.email = _text(claims, "email", 254) or user.email
    user.first_name = _text(claims, "given_name", 150) or user.first_name
    user.last_name = _text(claims, "family_name", 150) or user.last_name
    user.save()
    link.user = user
    link.last_sign_in_at = timezone.now()
    link.save()
    if before and before != role:
        access_record(
            user=user,
            action="change",
            record_type="user",
            record_ids=[user.pk],
            purpose=f"role from {provider.name} groups: {Role(before).label} to {Role(role).label}",
        )
    return user


def provider_device(user: User, provider: IdentityProvider) -> IdentityProviderDevice:
    """The django-otp device that stands for ``provider``'s second factor for ``user``."""
    device: IdentityProviderDevice
    device, _ = IdentityProviderDevice.objects.get_or_create(
        user=user, provider=provider, defaults={"name": f"Sign-in with {provider.name}"[:64]}
    )
    return device


def sso_session_valid(request: HttpRequest, device: IdentityProviderDevice) -> bool:
    """A session verified by a provider's device must have been signed in by single sign-on, through a
    provider still active and trusted for multi-factor: a password session can never borrow it."""
    provider = device.provider
    return bool(
        request.session.get(BACKEND_SESSION_KEY) == BACKEND
        and provider.active
        and provider.trust_mfa
        and provider.agency.active
    )
