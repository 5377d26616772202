"""The national view and the clerical review queue: parse, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from misper.accounts.requests import AuthenticatedRequest
from misper.audit.services import access_record
from misper.core.errors import ConflictError
from misper.episodes.models import Risk
from misper.national import selectors
from misper.national.compare import fields_compared
from misper.national.models import Decision, ReviewPair
from misper.national.selectors import AGE_BANDS, NationalFilters
from misper.national.services import review_decide

NATIONAL_TITLE = "National view"
REVIEW_TITLE = "Records to review"
DECIDED_SAME = "Recorded: the same child. Linkage has been re-run."
DECIDED_DIFFERENT = "Recorded: different children. Linkage has been re-run."
CHOOSE_DECISION = "Select whether these are the same child or different children"
PAGE_SIZE = 25
REVIEW_PAGE = 25
LIST_TITLES = {
    "missing": "Missing now",
    "cross": "Missing in more than one force area",
    "all": "Everyone in the returns",
}
GROUP_TITLES = {"children": "Children", "adults": "Adults"}


class NationalUserMixin(LoginRequiredMixin):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            selectors.national_user_required(request.user)  # type: ignore[arg-type]
        return super().dispatch(request, *args, **kwargs)


def _filters(request: HttpRequest) -> NationalFilters:
    """The list filters from the query string; anything unknown falls back to the default."""
    q = request.GET
    list_ = q.get("list", "missing")
    group = q.get("group", "children")
    return NationalFilters(
        list=list_ if list_ in LIST_TITLES else "missing",
        group=group if group in GROUP_TITLES else "children",
        force=q.get("force", "")[:60],
        age_band=q.get("age_band", "") if q.get("age_band", "") in AGE_BANDS else "",
        risk=q.get("risk", "") if q.get("risk", "") in Risk.values else "",
    )


def _page(request: HttpRequest, items: Any, size: int) -> Any:
    return Paginator(items, size).get_page(request.GET.get("page"))


def _page_links(request: HttpRequest, page: Any) -> dict[str, Any]:
    """Previous and next links that keep the filters (GOV.UK pagination)."""

    def url(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return f"?{query.urlencode()}"

    return {
        "previous": url(page.previous_page_number()) if page.has_previous() else "",
        "next": url(page.next_page_number()) if page.has_next() else "",
        "numbers": [(n, url(n)) for n in page.paginator.get_elided_page_range(page.number, on_each_side=1)
                    if isinstance(n, int)],
    }  # fmt: skip


class NationalView(NationalUserMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        filters = _filters(request)
        counts = selectors.national_counts(user)  # type: ignore[arg-type]
        page = _page(request, selectors.national_records(user, filters), PAGE_SIZE)  # type: ignore[arg-type]
        records = list(page.object_list)
        with transaction.atomic():
            access_record(user=user, action="national_view", record_type="national_record",
                          record_ids=[r.pk for r in records], request=request)  # fmt: skip
        forces = selectors.sending_forces(user)  # type: ignore[arg-type]
        return render(request, "national/national.html", {
            "page_title": NATIONAL_TITLE, "counts": counts, "records": records, "page": page,
            "links": _page_links(request, page), "filters": filters, "forces": forces,
            "names": dict(forces), "list_titles": LIST_TITLES, "group_titles": GROUP_TITLES,
            "age_bands": list(AGE_BANDS), "risks": list(Risk.choices),
            "heading": f"{GROUP_TITLES[filters.group]}: {LIST_TITLES[filters.list].lower()}",
        })  # fmt: skip


class ReviewQueueView(NationalUserMixin, View):
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        page = _page(request, selectors.review_queue(request.user), REVIEW_PAGE)
        pairs = list(page.object_list)
        with transaction.atomic():
            access_record(user=request.user, action="national_review_list", record_type="review_pair",
                          record_ids=[p.pk for p in pairs], request=request)  # fmt: skip
        return render(request, "national/review_queue.html", {
            "page_title": REVIEW_TITLE, "pairs": pairs, "page": page, "links": _page_links(request, page),
            "names": dict(selectors.sending_forces(request.user)),
        })  # fmt: skip


class ReviewPairView(NationalUserMixin, View):
    def _pair(self, pk: int) -> ReviewPair:
        return selectors.access_review_pair_by_id(self.request.user, pk)  # type: ignore[arg-type]

    def _render(
        self, request: AuthenticatedRequest, pair: ReviewPair, error: str = "", status: int = 422
    ) -> HttpResponse:
        (compared,) = selectors.pairs_compared(request.user, [pair])
        with transaction.atomic():
            access_record(user=request.user, action="national_review_view", record_type="review_pair",
                          record_ids=[pair.pk], request=request)  # fmt: skip
        return render(request, "national/review_pair.html", {
            "page_title": REVIEW_TITLE, "pair": pair, "left": compared.left, "right": compared.right, "error": error,
            "errors": [error] if error else [], "fields": fields_compared(compared.left, compared.right),
            "names": dict(selectors.sending_forces(request.user)),
        }, status=status if error else 200)  # fmt: skip

    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        return self._render(request, self._pair(pk))

    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        pair = self._pair(pk)
        decision = request.POST.get("decision", "")
        if decision not in (Decision.SAME, Decision.DIFFERENT):
            return self._render(request, pair, CHOOSE_DECISION)
        try:
            review_decide(
                pair=pair, decision=decision, acting_user=request.user,
                decision_seen=request.POST.get("decision_seen", ""),
            )  # fmt: skip
        except ConflictError as exc:
            return self._render(request, self._pair(pk), str(exc), status=409)
        messages.success(request, DECIDED_SAME if decision == Decision.SAME else DECIDED_DIFFERENT)
        return HttpResponseRedirect(reverse("national-review"))
