"""Reads for API tokens, with the access rule built in: a user sees their own tokens; an administrator
also sees the tokens of their own agency's users (to revoke them). Nobody else's."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from misper.accounts.models import ApiToken, Role, User

TOKEN_NOT_YOURS = "You can revoke only your own API tokens, or your agency's if you are its administrator."


def visible_api_tokens(user: User) -> QuerySet[ApiToken]:
    """The tokens ``user`` may see and revoke, newest first."""
    if not (user.is_authenticated and user.is_active):
        return ApiToken.objects.none()
    q = Q(user=user)
    if user.role == Role.ADMINISTRATOR and user.agency_id is not None:
        q |= Q(user__agency_id=user.agency_id)
    return ApiToken.objects.filter(q).select_related("user").order_by("-created_at", "-pk")


def can_manage_api_token(user: User, token: ApiToken) -> bool:
    return visible_api_tokens(user).filter(pk=token.pk).exists()


def access_api_token_by_id(user: User, token_id: int) -> ApiToken:
    """The token if ``user`` may see it; otherwise 404 (an invisible token is never confirmed to exist)."""
    token = visible_api_tokens(user).filter(pk=token_id).first()
    if token is None:
        raise Http404("No such API token")
    return token
