"""The national view and the clerical review queue: parse, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from misper.audit.services import access_record
from misper.core.errors import ConflictError
from misper.national import selectors
from misper.national.models import Decision, ReviewPair
from misper.national.services import review_decide

NATIONAL_TITLE = "National view"
REVIEW_TITLE = "Records to review"
DECIDED_SAME = "Recorded: the same child. Linkage has been re-run."
DECIDED_DIFFERENT = "Recorded: different children. Linkage has been re-run."
CHOOSE_DECISION = "Select whether these are the same child or different children"
CROSS_FORCE_LIMIT = 200
REVIEW_PAGE = 50


class NationalUserMixin(LoginRequiredMixin):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            selectors.national_user_required(request.user)  # type: ignore[arg-type]
        return super().dispatch(request, *args, **kwargs)


class NationalView(NationalUserMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        counts = selectors.national_counts(user)  # type: ignore[arg-type]
        _, people = selectors.cross_force_page(user, limit=CROSS_FORCE_LIMIT, offset=0)  # type: ignore[arg-type]
        missing = list(selectors.missing_now(user))  # type: ignore[arg-type]
        cross_records = [record for person in people for record in person.records]
        with transaction.atomic():
            access_record(user=user, action="national_view", record_type="national_record",
                          record_ids=[r.pk for r in missing + cross_records], request=request)  # fmt: skip
        return render(request, "national/national.html", {
            "page_title": NATIONAL_TITLE, "counts": counts, "missing": missing, "cross_records": cross_records,
        })  # fmt: skip


class ReviewQueueView(NationalUserMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        _, pairs = selectors.review_queue_page(request.user, limit=REVIEW_PAGE, offset=0)  # type: ignore[arg-type]
        with transaction.atomic():
            access_record(user=request.user, action="national_review_list", record_type="review_pair",
                          record_ids=[p.pk for p in pairs], request=request)  # fmt: skip
        return render(request, "national/review_queue.html", {"page_title": REVIEW_TITLE, "pairs": pairs})


class ReviewPairView(NationalUserMixin, View):
    def _pair(self, pk: int) -> ReviewPair:
        return selectors.access_review_pair_by_id(self.request.user, pk)  # type: ignore[arg-type]

    def _render(
        self, request: HttpRequest, pair: ReviewPair, error: str = "", status: int = 422
    ) -> HttpResponse:
        (compared,) = selectors.pairs_compared(request.user, [pair])  # type: ignore[arg-type]
        with transaction.atomic():
            access_record(user=request.user, action="national_review_view", record_type="review_pair",
                          record_ids=[pair.pk], request=request)  # fmt: skip
        return render(request, "national/review_pair.html", {
            "page_title": REVIEW_TITLE, "pair": pair, "left": compared.left, "right": compared.right, "error": error,
            "errors": [error] if error else [],
        }, status=status if error else 200)  # fmt: skip

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, self._pair(pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        pair = self._pair(pk)
        decision = request.POST.get("decision", "")
        if decision not in (Decision.SAME, Decision.DIFFERENT):
            return self._render(request, pair, CHOOSE_DECISION)
        try:
            review_decide(
                pair=pair, decision=decision, acting_user=request.user,  # type: ignore[arg-type]
                decision_seen=request.POST.get("decision_seen", ""),
            )  # fmt: skip
        except ConflictError as exc:
            return self._render(request, self._pair(pk), str(exc), status=409)
        messages.success(request, DECIDED_SAME if decision == Decision.SAME else DECIDED_DIFFERENT)
        return HttpResponseRedirect(reverse("national-review"))
