"""Reads for API tokens and an agency's users, with the access rule built in: a user sees their own
tokens; an administrator also sees the tokens and the accounts of their own agency's users (to revoke a
token or reset an authenticator). Nobody else's."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
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


ADMINISTRATORS_ONLY = "Only your agency's administrators can manage its users."


def visible_agency_users(admin: User) -> QuerySet[User]:
    """The active users of ``admin``'s agency, by name. Refused (403) to anyone but an administrator."""
    if not (admin.is_authenticated and admin.role == Role.ADMINISTRATOR and admin.agency_id is not None):
        raise PermissionDenied(ADMINISTRATORS_ONLY)
    return User.objects.filter(agency_id=admin.agency_id, is_active=True).order_by("last_name", "first_name")


def access_agency_user_by_id(admin: User, user_id: int) -> User:
    """One user of ``admin``'s agency; 404 for anyone else's."""
    user = visible_agency_users(admin).filter(pk=user_id).first()
    if user is None:
        raise Http404("No such user in your agency")
    return user
