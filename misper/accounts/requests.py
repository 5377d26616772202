"""The request a signed-in user makes, typed: its ``user`` is a misper ``User``.

Pages behind ``LoginRequiredMixin`` and API routes behind the bearer-token or session auth only ever see
a signed-in user; annotate their ``request`` with ``AuthenticatedRequest`` (or read ``FormPage.user``) so
the type checker knows it, instead of an ignore comment at each use.
"""

from __future__ import annotations

from django.http import HttpRequest

from misper.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User  # narrower than HttpRequest's User | AnonymousUser: the auth let only a user through
