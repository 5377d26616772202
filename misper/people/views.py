"""Pages for finding a child, creating a new child record, and the child page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db import transaction
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from misper.accounts.requests import AuthenticatedRequest
from misper.audit.services import access_record
from misper.core.errors import InvalidInput
from misper.people import selectors
from misper.people.concern import child_place_rows
from misper.people.forms import ChildCreateForm, ChildSearchForm
from misper.people.photos import photo_response
from misper.people.services import child_create
from misper.web.forms import form_errors_from
from misper.web.pages import FormPage

NO_MATCH = gettext_noop("No child on file matches your search")
SEARCH_PURPOSE = "Find a child (no reason given)"
SEARCHED_NAME = "misper_child_search_name"


class ChildSearchWithPurposeForm(ChildSearchForm):
    """The search, with why the user is searching (recorded on the access event, not required)."""

    purpose = forms.CharField(
        label=gettext_lazy("Why are you searching? (optional)"),
        max_length=150,
        required=False,
        help_text=gettext_lazy("For example: call from a care home about a missing child. This is recorded."),
    )


class ChildSearchView(FormPage):
    """Find a child. The search is a POST (with CSRF) so names and dates of birth never appear in a URL,
    in browser history or in server logs; the results page keeps the values entered. Searching writes a
    ``search`` event with the ids found and the purpose given."""

    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        return self.render(ChildSearchWithPurposeForm(), results=None)

    def post(self, request: AuthenticatedRequest) -> HttpResponse:
        user = self.user
        form = ChildSearchWithPurposeForm(request.POST)
        if not form.is_valid():
            return self.render(form, results=None)
        d = form.cleaned_data
        with transaction.atomic():
            results = selectors.child_search(
                user, name=d["name"], dob=d["dob"], age=d["age"], place=d["place"]
            )
            access_record(
                user=user,
                action="search",
                record_type="child",
                record_ids=[m.child.pk for m in results],
                purpose=f"stated: {d['purpose']}" if d["purpose"] else SEARCH_PURPOSE,
                request=request,
            )
        request.session[SEARCHED_NAME] = d["name"]  # offered to "Create a new record", not put in its URL
        return self.render(form, results=results)

    def render(self, form: ChildSearchForm, *, results: list[Any] | None) -> HttpResponse:
        ctx = {
            "form": form,
            "results": results,
            "no_match": NO_MATCH,
            "today": timezone.localdate(),
            "can_create": self.user.is_police,
            "page_title": gettext("Find a child"),
        }
        return render(self.request, "people/search.html", ctx)


class ChildCreateView(FormPage):
    police_only, refusal = True, "Only police users can create a child record."

    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        name = str(request.session.pop(SEARCHED_NAME, "")).split()
        initial = {"given_name": name[0] if name else "", "family_name": " ".join(name[1:])}
        return self.render(ChildCreateForm(initial=initial))

    def post(self, request: AuthenticatedRequest) -> HttpResponse:
        form = ChildCreateForm(request.POST)
        if form.is_valid():
            try:
                child = child_create(acting_user=self.user, **form.cleaned_data)
                return HttpResponseRedirect(reverse("episode-report", args=[child.pk]))
            except InvalidInput as exc:
                form_errors_from(form, exc)
        return self.render(form)

    def render(self, form: ChildCreateForm) -> HttpResponse:
        return render(
            self.request, "people/create.html", {"form": form, "page_title": "Create a new child record"}
        )


class ChildDetailView(FormPage):
    def get(self, request: AuthenticatedRequest, child_id: int) -> HttpResponse:
        user = self.user
        with transaction.atomic():
            child = selectors.access_child_by_id(user, child_id)
            profile = selectors.child_profile(user, child, timezone.now())
            access_record(
                user=user, action="view", record_type="child", record_ids=[child.pk], request=request
            )
        rows = child_place_rows(profile.child, profile.places, profile.found_before)
        ctx = {
            "p": profile,
            "child": profile.child,
            "today": timezone.localdate(),
            "can_report": user.is_police,
            "page_title": profile.child.full_name,
            "place_rows": rows,
            "map_places": [r for r in rows if r["lat"] is not None],
            "map_tiles": settings.MISPER_MAP_TILES,
            "map_attribution": settings.MISPER_MAP_ATTRIBUTION,
        }
        return render(request, "people/detail.html", ctx)


class ChildPhotoView(FormPage):
    """The child's photo, through the access rule (photos are never served as public media)."""

    def get(self, request: AuthenticatedRequest, child_id: int) -> FileResponse:
        return photo_response(request, child_id)
