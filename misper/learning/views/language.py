"""The language figures: how often listed terms reached saved records, by month and team."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import render
from django.views import View

from misper.accounts.requests import AuthenticatedRequest
from misper.learning import selectors
from misper.learning.language import term_list


class LanguageFiguresView(LoginRequiredMixin, View):
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        rows = selectors.language_summary(request.user)
        terms = term_list()
        ctx = {
            "rows": rows,
            "by_team": selectors.language_totals_by_team(rows),
            "labels": {t.code: t.label for t in terms.terms},
            "terms": terms,
            "page_title": "Language in records",
        }
        return render(request, "learning/language_figures.html", ctx)
