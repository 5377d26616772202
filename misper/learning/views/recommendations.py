"""The recommendations tracker pages: list, one recommendation, forms to add and change, exports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from misper.accounts.requests import AuthenticatedRequest
from misper.audit.services import access_record
from misper.core.errors import InvalidInput
from misper.learning import exports, selectors, services
from misper.learning.forms import ActionForm, EvidenceForm, ProgressForm, RecommendationForm
from misper.learning.models import Recommendation
from misper.learning.permissions import can_edit_tracker, require_tracker_editor
from misper.web.forms import form_errors_from

SAVED = "Saved"


def _rec_url(rec: Recommendation) -> str:
    return reverse("recommendation", args=[rec.pk])


class RecommendationListView(LoginRequiredMixin, View):
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        recs = selectors.visible_recommendations(request.user).prefetch_related("actions")
        ctx = {
            "recs": recs,
            "can_edit": can_edit_tracker(request.user),
            "page_title": "Recommendations tracker",
        }  # type: ignore[arg-type]
        return render(request, "learning/recommendations.html", ctx)


class RecommendationDetailView(LoginRequiredMixin, View):
    def get(self, request: AuthenticatedRequest, rec_id: int) -> HttpResponse:
        rec = selectors.access_recommendation_by_id(request.user, rec_id)
        ctx = {
            "rec": rec,
            "can_edit": can_edit_tracker(request.user),
            "page_title": f"{rec.reference}: {rec.source}",
        }  # type: ignore[arg-type]
        return render(request, "learning/recommendation.html", ctx)


class TrackerFormView(LoginRequiredMixin, View):
    """A tracker form: editors only. Subclasses set ``form_class``, ``title`` and ``save``."""

    form_class: type[forms.Form]
    title: str

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            require_tracker_editor(request.user)  # type: ignore[arg-type]
        return super().dispatch(request, *args, **kwargs)

    def context(self, **kwargs: Any) -> dict[str, Any]:
        rec_id = kwargs.get("rec_id")
        return {"rec": selectors.access_recommendation_by_id(self.request.user, rec_id) if rec_id else None}  # type: ignore[arg-type]

    def initial(self, ctx: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {}

    def save(self, form: Any, ctx: dict[str, Any], **kwargs: Any) -> Recommendation:
        raise NotImplementedError

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        ctx = self.context(**kwargs)
        return self.render(self.form_class(initial=self.initial(ctx, **kwargs)), ctx)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        ctx = self.context(**kwargs)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                rec = self.save(form, ctx, **kwargs)
                messages.success(request, SAVED)
                return HttpResponseRedirect(_rec_url(rec))
            except InvalidInput as exc:
                form_errors_from(form, exc)
        return self.render(form, ctx)

    def render(self, form: Any, ctx: dict[str, Any]) -> HttpResponse:
        radios = [n for n, f in form.fields.items() if isinstance(f.widget, forms.RadioSelect)]
        context = {**ctx, "form": form, "radios": radios, "page_title": self.title}
        return render(self.request, "learning/tracker_form.html", context)


class RecommendationCreateView(TrackerFormView):
    form_class = RecommendationForm
    title = "Add a recommendation"

    def initial(self, ctx: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {"kind": "recommendation", "status": "not_started"}

    def save(self, form: Any, ctx: dict[str, Any], **kwargs: Any) -> Recommendation:
        return services.recommendation_save(acting_user=self.request.user, **form.cleaned_data)  # type: ignore[arg-type]


class RecommendationEditView(TrackerFormView):
    form_class = RecommendationForm
    title = "Change a recommendation"

    def initial(self, ctx: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        rec = ctx["rec"]
        return {f: getattr(rec, f) for f in RecommendationForm.base_fields}

    def save(self, form: Any, ctx: dict[str, Any], **kwargs: Any) -> Recommendation:
        return services.recommendation_save(
            acting_user=self.request.user,
            recommendation=ctx["rec"],
            **form.cleaned_data,  # type: ignore[arg-type]
        )


class ActionCreateView(TrackerFormView):
    form_class = ActionForm
    title = "Add an action"

    def initial(self, ctx: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {"status": "not_started"}

    def save(self, form: Any, ctx: dict[str, Any], **kwargs: Any) -> Recommendation:
        rec = ctx["rec"]
        services.recommendation_action_save(
            acting_user=self.request.user, recommendation=rec, **form.cleaned_data
        )  # type: ignore[arg-type]
        return rec


class ActionEditView(TrackerFormView):
    form_class = ActionForm
    title = "Change an action"

    def context(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().context(**kwargs)
        ctx["action"] = get_object_or_404(ctx["rec"].actions, pk=kwargs["action_id"])
        return ctx

    def initial(self, ctx: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {f: getattr(ctx["action"], f) for f in ActionForm.base_fields}

    def save(self, form: Any, ctx: dict[str, Any], **kwargs: Any) -> Recommendation:
        services.recommendation_action_save(
            acting_user=self.request.user,
            recommendation=ctx["rec"],
            action=ctx["action"],
            **form.cleaned_data,  # type: ignore[arg-type]
        )
        return ctx["rec"]


class ProgressCreateView(TrackerFormView):
    form_class = ProgressForm
    title = "Add a progress update"

    def save(self, form: Any, ctx: dict[str, Any], **kwargs: Any) -> Recommendation:
        d = form.cleaned_data
        services.progress_update_add(
            acting_user=self.request.user, recommendation=ctx["rec"], text=d["text"], on=d["on"]
        )  # type: ignore[arg-type]
        return ctx["rec"]


class EvidenceCreateView(TrackerFormView):
    form_class = EvidenceForm
    title = "Add an evidence link"

    def save(self, form: Any, ctx: dict[str, Any], **kwargs: Any) -> Recommendation:
        d = form.cleaned_data
        services.evidence_link_add(
            acting_user=self.request.user, recommendation=ctx["rec"], label=d["label"], url=d["url"]
        )  # type: ignore[arg-type]
        return ctx["rec"]


class RecommendationExportView(LoginRequiredMixin, View):
    """The tracker for the scrutiny panel, as CSV or PDF. The export is logged."""

    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        user = request.user
        with transaction.atomic():
            recs = selectors.recommendations_for_export(user)  # type: ignore[arg-type]
            access_record(
                user=user,
                action="export",
                record_type="recommendation",
                record_ids=[r.pk for r in recs],
                request=request,
            )
        stamp = timezone.localdate().isoformat()
        if fmt == "csv":
            response = HttpResponse(exports.recommendations_csv(recs), content_type="text/csv; charset=utf-8")
        else:
            title = f"{user.agency}: inspection recommendations and actions"  # type: ignore[union-attr]
            response = HttpResponse(
                exports.recommendations_pdf(recs, title=title), content_type="application/pdf"
            )
        response["Content-Disposition"] = f'attachment; filename="recommendations-{stamp}.{fmt}"'
        return response
