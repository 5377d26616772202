"""Pages and downloads of the outcomes dashboard and the problem profile.

Thin: parse the filters (``filters.filters_from``), call one read in ``services``, render or write a file.
The page, the CSV, the XLSX, the PDF pack and the API all get their numbers from the same figures.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from misper.accounts.requests import AuthenticatedRequest
from misper.analytics import exports, services
from misper.analytics.facts import facts_as_of
from misper.analytics.figures import SECTIONS, Figure
from misper.analytics.filters import FiltersForm, default_filters, filters_from, month_filters
from misper.analytics.profile import NETWORK_COLUMNS, TOP_CHOICES, can_see_profile
from misper.core.errors import InvalidInput
from misper.web.pages import FormPage

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEAT_LEVELS = 5
FIGURES_AS_OF = "Figures as of {when}. Figures about who is missing now are live."
FIGURES_NOT_CALCULATED = (
    "The figures have not been calculated yet. They are calculated every minute while the alert worker runs."
)


def _form(request: HttpRequest, exc: InvalidInput | None) -> FiltersForm:
    """The filters form as the user filled it in (bound, so errors show), or with today's defaults."""
    # A period's date is typed in parts (``period_from_day``, ``_month``, ``_year``), or given whole in a link.
    fields = FiltersForm.base_fields
    if any(name in fields or name.rpartition("_")[0] in fields for name in request.GET):
        form = FiltersForm(request.GET)
        form.is_valid()
        if exc is not None:
            for error in exc.errors:
                if error.field in form.fields and error.field not in form.errors:
                    form.add_error(error.field, error.message)
        return form
    d = default_filters(timezone.localdate())
    return FiltersForm(initial={"period_from": d.period_from, "period_to": d.period_to})


def _sections(figures: list[Figure]) -> list[tuple[str, list[Figure]]]:
    grouped: OrderedDict[str, list[Figure]] = OrderedDict((s, []) for s in SECTIONS)
    for f in figures:
        grouped.setdefault(f.section, []).append(f)
    return [(s, fs) for s, fs in grouped.items() if fs]


def _download(content: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def as_of_text(at: datetime | None) -> str:
    """When the figures were calculated, in plain words (Europe/London)."""
    if at is None:
        return FIGURES_NOT_CALCULATED
    return FIGURES_AS_OF.format(when=f"{timezone.localtime(at):%H:%M on %d %B %Y}")


class DashboardView(FormPage):
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        user = self.user
        services.dashboard_check(user)
        try:
            filters = filters_from(request.GET)
        except InvalidInput as exc:
            ctx = {"form": _form(request, exc), "sections": [], "page_title": "Outcomes dashboard"}
            return render(request, "analytics/dashboard.html", ctx, status=400)
        figures = services.dashboard_read(user=user, filters=filters, request=request)
        ctx = {
            "form": _form(request, None),
            "filters": filters,
            "query": request.GET.urlencode(),
            "sections": _sections(figures),
            "pack_month": last_complete_month(filters.period_to, timezone.localdate()),
            "can_see_profile": can_see_profile(user),
            "as_of": as_of_text(facts_as_of()),
            "page_title": "Outcomes dashboard",
        }
        return render(request, "analytics/dashboard.html", ctx)


class FigureDownloadView(FormPage):
    """``/dashboard/figures/<code>.csv`` or ``.xlsx``; ``all`` as the code for every figure (XLSX)."""

    def get(self, request: AuthenticatedRequest, code: str, fmt: str) -> HttpResponse:
        if fmt not in ("csv", "xlsx") or (fmt == "csv" and code == "all"):
            raise Http404("No such download")
        codes = None if code == "all" else [code]
        try:
            filters = filters_from(request.GET)
            figures = services.dashboard_read(
                user=self.user, filters=filters, codes=codes, action="export", request=request
            )
        except InvalidInput as exc:
            return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
        name = f"misper-{code}-{filters.period_from}-{filters.period_to}"
        if fmt == "csv" and codes:
            return _download(exports.figure_csv(figures[0]), "text/csv; charset=utf-8", f"{name}.csv")
        return _download(exports.figures_xlsx(figures, filters), XLSX, f"{name}.xlsx")


def last_complete_month(end: date, today: date) -> date:
    """The first day of the latest month that is over and ends within the period: the board's pack is
    for a whole month, never the one still running."""
    first = end.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    if following - timedelta(days=1) <= end and following <= today:
        return first
    return (first - timedelta(days=1)).replace(day=1)


class PackView(FormPage):
    """The safeguarding board's monthly PDF pack: ``/dashboard/pack.pdf?month=YYYY-MM``."""

    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        user = self.user
        services.dashboard_check(user)
        try:
            filters = month_filters(request.GET.get("month", ""))
        except InvalidInput as exc:
            ctx = {"errors": exc.errors, "page_title": "Monthly pack"}
            return render(request, "analytics/pack_error.html", ctx, status=400)
        figures = services.dashboard_read(user=user, filters=filters, action="export", request=request)
        agency = user.agency.name if user.agency else ""
        pdf = exports.monthly_pack_pdf(figures, filters, agency)
        return _download(pdf, "application/pdf", f"misper-pack-{request.GET['month']}.pdf")


def _heat(figure: Figure) -> list[tuple[str, list[tuple[int, int]]]]:
    """Heat-table rows: (label, [(value, level 0–5)]) with levels relative to the busiest hour."""
    peak = max((v for r in figure.rows for v in r[1:]), default=0) or 1
    return [(r[0], [(v, -(-v * HEAT_LEVELS // peak)) for v in r[1:]]) for r in figure.rows]


class ProfileView(FormPage):
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        user = self.user
        services.profile_check(user)
        try:
            filters = filters_from(request.GET)
        except InvalidInput as exc:
            errors = {"form": _form(request, exc), "page_title": "Problem profile"}
            return render(request, "analytics/profile.html", errors, status=400)
        top_text = request.GET.get("top", "")
        top = int(top_text) if top_text.isdigit() else TOP_CHOICES[0]
        p = services.profile_read(user=user, filters=filters, top=top, request=request)
        top_fig, from_fig, found_fig, heat_fig = p.figures
        ctx: dict[str, Any] = {
            "form": _form(request, None),
            "filters": filters,
            "profile": p,
            "top_fig": top_fig,
            "places": [from_fig, found_fig],
            "heat_fig": heat_fig,
            "heat_rows": _heat(heat_fig),
            "network": p.network,
            "network_columns": NETWORK_COLUMNS,
            "network_data": {"nodes": p.network.nodes, "edges": p.network.edges},
            "place_rows": p.hotspots,
            "map_places": [r for r in p.hotspots if r["lat"] is not None],
            "map_tiles": settings.MISPER_MAP_TILES,
            "map_attribution": settings.MISPER_MAP_ATTRIBUTION,
            "top_choices": TOP_CHOICES,
            "query": request.GET.urlencode(),
            "page_title": "Problem profile",
        }
        return render(request, "analytics/profile.html", ctx)
