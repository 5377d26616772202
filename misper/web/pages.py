"""The shape every form page shares: a signed-in user (police only where the page says so), and one
service called with its refusals mapped onto the form: field errors to their questions, a conflict to
the form as a whole. Pages stay thin: parse, ``attempt`` one service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.views import View

from misper.accounts.models import User
from misper.accounts.requests import AuthenticatedRequest
from misper.core.errors import ConflictError, InvalidInput
from misper.web.forms import form_errors_from

POLICE_ONLY = "Only police users can do this."


def form_attempt[T](form: forms.Form, action: Callable[[], T]) -> T | None:
    """Call one service; put its refusals on ``form``. The service's result, or None if it refused."""
    try:
        return action()
    except InvalidInput as exc:
        form_errors_from(form, exc)
    except ConflictError as exc:
        form.add_error(None, str(exc))
    return None


class FormPage(LoginRequiredMixin, View):
    """A page for signed-in users. With ``police_only``, anyone else is refused with ``refusal``."""

    request: AuthenticatedRequest
    police_only = False
    refusal = POLICE_ONLY

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if self.police_only and request.user.is_authenticated and not self.user.is_police:
            raise PermissionDenied(self.refusal)
        return super().dispatch(request, *args, **kwargs)

    @property
    def user(self) -> User:
        return self.request.user


def int_or_none(value: Any) -> int | None:
    """A posted or queried whole number, or None when it is missing or not one (the page then decides)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
