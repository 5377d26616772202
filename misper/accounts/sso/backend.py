"""mozilla-django-oidc's authentication backend, configured per agency instead of by settings.

The library exchanges the code (with the PKCE verifier), fetches the provider's keys and checks the ID
token's signature and nonce. It leaves the audience unchecked and never checks the issuer, so
``_verify_jws`` checks both here (with expiry and the required claims), and a token refused for any of
these is a ``SuspiciousOperation``, never a server error. The backend acts only when the callback view
passes ``sso_provider``: a password form (``username``, ``password``) never reaches it.
"""

from __future__ import annotations

from typing import Any

import jwt
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from misper.accounts.models import IdentityProvider, User
from misper.accounts.sso import providers, services

LEEWAY_SECONDS = 60  # clock difference allowed between misper and the provider
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]


class AgencyOIDCBackend(OIDCAuthenticationBackend):
    provider: IdentityProvider

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads one provider from settings here; misper sets the agency's in authenticate().
        self.UserModel = User
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        sso_provider: IdentityProvider | None = None,
        nonce: str | None = None,
        code_verifier: str | None = None,
    ) -> User | None:
        if request is None or sso_provider is None:
            return None
        meta = providers.provider_metadata(sso_provider)
        self.provider = sso_provider
        self.OIDC_OP_TOKEN_ENDPOINT = meta.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = meta.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = meta.jwks_uri
        self.OIDC_RP_CLIENT_ID = sso_provider.client_id
        self.OIDC_RP_CLIENT_SECRET = providers.provider_secret(sso_provider)
        try:
            return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)  # type: ignore[no-untyped-call, no-any-return]
        except (jwt.PyJWTError, KeyError, TypeError, ValueError) as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc

    def _verify_jws(self, payload: bytes, key: Any) -> dict[str, Any]:
        alg = jwt.get_unverified_header(payload).get("alg")
        if alg != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"ID token signed with {alg!r}, not {self.OIDC_RP_SIGN_ALGO}")
        try:
            claims: dict[str, Any] = jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.provider.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token for several audiences without this client as azp")
        return claims

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The ID token's claims, with the userinfo endpoint's added where the token has none (the
        token's own ``sub``, ``amr``, ``acr`` and the rest always win). A userinfo answer about
        another subject is refused."""
        if not self.OIDC_OP_USER_ENDPOINT:
            return dict(payload)
        info = super().get_userinfo(access_token, id_token, payload)  # type: ignore[no-untyped-call]
        if not isinstance(info, dict) or info.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo is about another subject")
        return {**info, **payload}

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User:
        claims = self.get_userinfo(access_token, id_token, payload)
        user = services.sso_user_sign_in(provider=self.provider, claims=claims)
        user.sso_mfa = services.mfa_satisfied(self.provider, payload)  # type: ignore[attr-defined]
        return user

    def get_user(self, user_id: Any) -> User | None:
        # Django's rule, not the library's: a disabled account's session ends on its next request.
        return ModelBackend.get_user(self, user_id)
