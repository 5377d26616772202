"""Who may read and change what in misper.learning, in one place."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from misper.accounts.models import SUPERVISING_ROLES, Role, User

TRACKER_READ_ONLY = "Only coordinators and supervisors can change the recommendations tracker."
FIGURES_FORBIDDEN = "Only analysts, supervisors and coordinators can see these figures."
TRACKER_FORBIDDEN = "Only analysts, supervisors and coordinators can see the recommendations tracker."

READERS = frozenset({*SUPERVISING_ROLES, Role.ANALYST})


def can_read_learning(user: User) -> bool:
    """Police analysts, supervisors and coordinators read the figures and the tracker of their force."""
    return bool(user.is_authenticated and user.is_police and user.role in READERS)


def can_edit_tracker(user: User) -> bool:
    return bool(user.is_authenticated and user.can_supervise)


def require_learning_reader(user: User, message: str = FIGURES_FORBIDDEN) -> None:
    if not can_read_learning(user):
        raise PermissionDenied(message)


def require_tracker_editor(user: User) -> None:
    if not can_edit_tracker(user):
        raise PermissionDenied(TRACKER_READ_ONLY)
