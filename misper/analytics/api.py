"""API routes for misper.analytics (mounted at /api/v1/): the dashboard's figures as JSON.

``GET /api/v1/dashboard/figures`` takes the same query parameters as the ``/dashboard`` page (and
``figure=<code>``, repeatable, to choose figures) and returns the same figures the page, the CSV and the
XLSX show: one selector feeds all of them.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from ninja import Router

from misper.accounts.requests import AuthenticatedRequest
from misper.analytics import services
from misper.analytics.definitions import force_long_term, force_repeat, national_long_term, national_repeat
from misper.analytics.filters import filters_from

router = Router(tags=["analytics"])


def _definitions() -> dict[str, str]:
    return {
        "force_repeat": force_repeat().label,
        "national_repeat": national_repeat().label,
        "force_long_term": force_long_term().label,
        "national_long_term": national_long_term().label,
    }


@router.get("/dashboard/figures", summary="The outcomes dashboard's figures")
def dashboard_figures(request: AuthenticatedRequest) -> dict[str, Any]:
    """Figures over the episodes the caller may see, filtered like the dashboard page. Bad filters are a
    422 naming each field; roles that may not see the dashboard get a 403."""
    filters = filters_from(request.GET)
    codes = request.GET.getlist("figure") or None
    now = timezone.now()
    figures = services.dashboard_read(
        user=request.user,
        filters=filters,
        codes=codes,
        now=now,
        request=request,
    )
    return {
        "as_of": now.isoformat(),
        "filters": {k: str(v) for k, v in vars(filters).items()},
        "definitions": _definitions(),
        "figures": [f.as_dict() for f in figures],
    }
