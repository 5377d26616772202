"""Reading the dashboard and the problem profile, with the access log written in the same transaction.

The dashboard shows counts, but some figures name children by reference and the profile names adults of
concern, so every read (page, download, API call) is an access event: ``view`` for a page or API read,
``export`` for a download. Figures come only from ``misper.analytics.figures``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone

from misper.accounts.models import Role, User
from misper.analytics import profile
from misper.analytics.figures import Context, Figure, dashboard_figures, figure_codes_for
from misper.analytics.filters import Filters
from misper.audit.services import access_record
from misper.core.errors import FieldError, InvalidInput

DASHBOARD_ROLES = frozenset(
    {Role.SUPERVISOR, Role.DUTY_INSPECTOR, Role.COORDINATOR, Role.ANALYST, Role.PARTNER_PRACTITIONER}
)
DASHBOARD_FORBIDDEN = (
    "The outcomes dashboard is for supervisors, missing person coordinators, analysts and partner agencies."
)
UNKNOWN_FIGURE = "There is no figure with this name"


def can_see_dashboard(user: User) -> bool:
    return bool(user.is_authenticated and user.agency_id and user.role in DASHBOARD_ROLES)


def dashboard_check(user: User) -> None:
    """403 unless ``user``'s role may see the dashboard."""
    if not can_see_dashboard(user):
        raise PermissionDenied(DASHBOARD_FORBIDDEN)


def profile_check(user: User) -> None:
    """404 unless ``user`` is police in a role that may see the problem profile (no existence leak)."""
    if not profile.can_see_profile(user):
        raise Http404("No problem profile")


def dashboard_read(
    *,
    user: User,
    filters: Filters,
    codes: list[str] | None = None,
    action: str = "view",
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> list[Figure]:
    """The dashboard's figures for ``user`` (403 if their role may not see it; 422 naming ``figure`` if a
    code is unknown), logged as one access event in the same transaction as the reads."""
    dashboard_check(user)
    # A figure the user may not see is, to them, no figure at all (projections.figure_visible).
    unknown = [c for c in codes or [] if c not in figure_codes_for(user)]
    if unknown:
        raise InvalidInput(FieldError("figure", f"{UNKNOWN_FIGURE}: {', '.join(unknown)}"))
    with transaction.atomic():
        figures = dashboard_figures(user, filters, now=now or timezone.now(), codes=codes)
        access_record(
            user=user, action=action, record_type="dashboard", purpose=filters.describe(), request=request
        )
    return figures


@dataclass
class ProblemProfile:
    figures: list[Figure]
    network: profile.Network
    top: int
    hotspots: list[dict[str, Any]] = field(default_factory=list)


def profile_read(
    *,
    user: User,
    filters: Filters,
    top: int = 10,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> ProblemProfile:
    """The problem profile for a police user (404 for anyone else: it holds police intelligence), logged
    as a view of the children it names."""
    profile_check(user)
    top = top if top in profile.TOP_CHOICES else profile.TOP_CHOICES[0]
    ctx = Context(user=user, filters=filters, now=now or timezone.now())
    with transaction.atomic():
        figures = [
            profile.top_children(ctx, top),
            profile.missing_from_places(ctx),
            profile.found_places(ctx),
            profile.times_heat(ctx),
        ]
        network = profile.shared_adults(ctx)
        hotspots = profile.hotspots(ctx)
        access_record(
            user=user,
            action="view",
            record_type="child",
            record_ids=profile.profile_ids(figures, network, ctx),
            purpose=f"Problem profile: {filters.describe()}",
            request=request,
        )
    return ProblemProfile(figures=figures, network=network, top=top, hotspots=hotspots)
