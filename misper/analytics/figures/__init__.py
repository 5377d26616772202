"""Every figure of the outcomes dashboard, as small named functions over the ORM.

Each figure function takes a ``Context`` (the user, the ``Filters``, the moment "now") and returns a
``Figure``: a table the page's chart and table, the CSV, the XLSX, the PDF pack and the API all show
unchanged, so the numbers cannot differ between them. Every figure reads only ``visible_episodes(user)``
(the one access rule): a partner sees figures about their own children only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

from misper.accounts.models import User
from misper.analytics.figures import definitions, demand, grading, now, outcomes, response, volume
from misper.analytics.figures.base import SEGMENT_LABELS, Context, Figure
from misper.analytics.filters import Filters
from misper.partners.field_access import Group
from misper.partners.projections import figure_visible

FigureFunction = Callable[[Context], Figure]

REGISTRY: dict[str, FigureFunction] = {
    fn.__name__: fn
    for module in (now, volume, response, grading, outcomes, demand, definitions)
    for fn in module.FIGURES
}
# Each figure's field group (``misper.partners.field_access.Group``), as its module declares it. There is no
# default: a figure its module does not declare is a KeyError here, at import, never a shared figure.
FIELD_GROUPS: dict[str, Group] = {
    code: module.FIELD_GROUPS[code]
    for module in (now, volume, response, grading, outcomes, demand, definitions)
    for code in (fn.__name__ for fn in module.FIGURES)
}
SECTIONS = [
    now.SECTION,
    volume.SECTION,
    response.SECTION,
    grading.SECTION,
    outcomes.SECTION,
    demand.SECTION,
    definitions.SECTION,
]


def dashboard_figures(
    user: User, filters: Filters, *, now: datetime | None = None, codes: list[str] | None = None
) -> list[Figure]:
    """The figures named in ``codes`` (all, in dashboard order, when None) for what ``user`` may see:
    figures of a field group the user may not see (``projections.figure_visible``) are left out, on
    every surface (page, API, CSV, XLSX, PDF pack).

    Needs codes from ``REGISTRY`` (an unknown code raises KeyError; callers check first)."""
    ctx = Context(user=user, filters=filters, now=now or timezone.now())
    wanted = codes or list(REGISTRY)
    return [REGISTRY[code](ctx) for code in wanted if figure_visible(user, FIELD_GROUPS[code])]


def figure_codes_for(user: User) -> list[str]:
    """The codes of the figures ``user`` may see, in dashboard order."""
    return [code for code in REGISTRY if figure_visible(user, FIELD_GROUPS[code])]


__all__ = [
    "FIELD_GROUPS",
    "REGISTRY",
    "SECTIONS",
    "SEGMENT_LABELS",
    "Context",
    "Figure",
    "dashboard_figures",
    "figure_codes_for",
]
