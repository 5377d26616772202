"""Pages for finding a child, creating a new child record, and the child page."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from misper.accounts.models import User
from misper.audit.services import access_record
from misper.core.errors import InvalidInput
from misper.episodes.views import form_errors_from
from misper.people import selectors
from misper.people.forms import ChildCreateForm, ChildSearchForm
from misper.people.services import child_create

NO_MATCH = "No child on file matches your search"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


class ChildSearchView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        user = _user(request)
        searched = any(request.GET.get(k) for k in ("name", "dob", "age", "place"))
        form = ChildSearchForm(request.GET if searched else None)
        results = None
        if searched and form.is_valid():
            d = form.cleaned_data
            with transaction.atomic():
                results = selectors.child_search(
                    user, name=d["name"], dob=d["dob"], age=d["age"], place=d["place"]
                )
                ids = [m.child.pk for m in results]
                access_record(
                    user=user, action="search", record_type="child", record_ids=ids, request=request
                )
        ctx = {
            "form": form,
            "results": results,
            "no_match": NO_MATCH,
            "today": timezone.localdate(),
            "can_create": user.is_police,
            "page_title": "Find a child",
        }
        return render(request, "people/search.html", ctx)


class ChildCreateView(LoginRequiredMixin, View):
    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated and not _user(request).is_police:
            raise PermissionDenied("Only police users can create a child record.")
        return super().dispatch(request, *args, **kwargs)  # type: ignore[return-value]

    def get(self, request: HttpRequest) -> HttpResponse:
        name = request.GET.get("name", "").split()
        initial = {"given_name": name[0] if name else "", "family_name": " ".join(name[1:])}
        return self.render(ChildCreateForm(initial=initial))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ChildCreateForm(request.POST)
        if form.is_valid():
            try:
                child = child_create(acting_user=_user(request), **form.cleaned_data)
                return HttpResponseRedirect(reverse("episode-report", args=[child.pk]))
            except InvalidInput as exc:
                form_errors_from(form, exc)
        return self.render(form)

    def render(self, form: ChildCreateForm) -> HttpResponse:
        return render(
            self.request, "people/create.html", {"form": form, "page_title": "Create a new child record"}
        )


class ChildDetailView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, child_id: int) -> HttpResponse:
        user = _user(request)
        with transaction.atomic():
            child = selectors.access_child_by_id(user, child_id)
            profile = selectors.child_profile(user, child, timezone.now())
            access_record(
                user=user, action="view", record_type="child", record_ids=[child.pk], request=request
            )
        ctx = {
            "p": profile,
            "child": profile.child,
            "today": timezone.localdate(),
            "can_report": user.is_police,
            "page_title": profile.child.full_name,
        }
        return render(request, "people/detail.html", ctx)


class ChildPhotoView(LoginRequiredMixin, View):
    """The child's photo, through the access rule (photos are never served as public media)."""

    def get(self, request: HttpRequest, child_id: int) -> FileResponse:
        child = selectors.access_child_by_id(_user(request), child_id)
        if not child.photo:
            raise Http404("No photo")
        return FileResponse(child.photo.open("rb"))
