"""Pages for what people know about a child: flags, people and places of concern, the photo.

Thin views: parse a form, call one service (``people.flags``, ``people.concern``, ``people.photos``,
``partners.cawns``), show its field errors GOV.UK style. The same services serve the API, so a page and
the API can never write different rows. People and places are police only (the services refuse others).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from misper.accounts.models import User
from misper.audit.services import access_record
from misper.partners import cawns
from misper.people import concern, flags, photos
from misper.people.forms import (
    AssociateChangeForm,
    AssociateEndForm,
    AssociateLinkForm,
    CawnFromAdultForm,
    FlagExpireForm,
    FlagForm,
    FlagReviewForm,
    PersonForm,
    PhotoForm,
    PlaceForm,
    PlaceLinkForm,
)
from misper.people.selectors import access_child_by_id
from misper.web.pages import FormPage, form_attempt


def _page(request: HttpRequest, form: forms.Form, **ctx: Any) -> HttpResponse:
    return render(request, "people/form_page.html", {"form": form, "errors": bool(form.errors), **ctx})


def _child_url(child_id: int) -> str:
    return reverse("child", args=[child_id])


class FlagAddView(FormPage):
    """Add a vulnerability flag: police and partners who may see the child."""

    def get(self, request: HttpRequest, child_id: int) -> HttpResponse:
        child = access_child_by_id(self.user, child_id)
        return self.render(child, FlagForm(police=self.user.is_police))

    def post(self, request: HttpRequest, child_id: int) -> HttpResponse:
        user = self.user
        child = access_child_by_id(user, child_id)
        form = FlagForm(request.POST, police=user.is_police)
        if form.is_valid():
            d = form.cleaned_data
            done = form_attempt(
                form,
                lambda: flags.flag_add(
                    child_id=child.pk,
                    acting_user=user,
                    code=d["code"],
                    source=d["source"],
                    notes=d["notes"],
                    review_on=d["review_on"],
                    police_only=d.get("police_only", False),
                ),
            )
            if done is not None:
                messages.success(request, "Flag added. It counts at the child's next report")
                return HttpResponseRedirect(_child_url(child.pk))
        return self.render(child, form)

    def render(self, child: Any, form: forms.Form) -> HttpResponse:
        return _page(
            self.request,
            form,
            page_title="Add a vulnerability flag",
            caption=child.full_name,
            back_url=_child_url(child.pk),
            back_text="Back to the child",
            submit="Add the flag",
        )


class FlagChangeView(FormPage):
    """Review or expire one flag (police, or the agency that raised it)."""

    form_class: type[forms.Form]
    title: str
    submit: str
    done: str

    def get(self, request: HttpRequest, flag_id: int) -> HttpResponse:
        flag = flags.access_flag_by_id(self.user, flag_id)
        return self.render(flag, self.form_class(initial={"version": flag.version}))

    def post(self, request: HttpRequest, flag_id: int) -> HttpResponse:
        user = self.user
        flag = flags.access_flag_by_id(user, flag_id)
        form = self.form_class(request.POST)
        if form.is_valid() and form_attempt(form, lambda: self.perform(user, flag.pk, form.cleaned_data)):
            messages.success(request, self.done)
            return HttpResponseRedirect(_child_url(flag.child_id))
        return self.render(flag, form)

    def perform(self, user: User, flag_id: int, d: dict[str, Any]) -> Any:
        raise NotImplementedError

    def render(self, flag: Any, form: forms.Form) -> HttpResponse:
        return _page(
            self.request,
            form,
            page_title=self.title,
            caption=f"{flag.child.full_name}: {flag.code.replace('_', ' ')}",
            back_url=_child_url(flag.child_id),
            back_text="Back to the child",
            submit=self.submit,
        )


class FlagExpireView(FlagChangeView):
    form_class, title, submit = FlagExpireForm, "Expire a flag", "Expire the flag"
    done = "Flag expired. It no longer counts at the next report"

    def perform(self, user: User, flag_id: int, d: dict[str, Any]) -> Any:
        return flags.flag_expire(
            flag_id=flag_id, reason=d["reason"], acting_user=user, expected_version=d["version"]
        )


class FlagReviewView(FlagChangeView):
    form_class, title, submit = FlagReviewForm, "Review a flag", "It still applies"
    done = "Flag reviewed"

    def perform(self, user: User, flag_id: int, d: dict[str, Any]) -> Any:
        return flags.flag_review(
            flag_id=flag_id, next_review_on=d["review_on"], acting_user=user, expected_version=d["version"]
        )


class PoliceView(FormPage):
    police_only, refusal = True, concern.POLICE_ONLY


class PersonCreateView(PoliceView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(PersonForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PersonForm(request.POST)
        if form.is_valid():
            person = form_attempt(
                form, lambda: concern.person_create(acting_user=self.user, **form.cleaned_data)
            )
            if person is not None:
                messages.success(request, "Person recorded. Link them to a child from the child's page")
                return HttpResponseRedirect(reverse("person", args=[person.pk]))
        return self.render(form)

    def render(self, form: forms.Form) -> HttpResponse:
        return _page(
            self.request,
            form,
            page_title="Record a person of concern",
            lede="An adult or another young person police are concerned about. Police only.",
            back_url=reverse("child-search"),
            back_text="Back",
            submit="Save",
        )


class PersonDetailView(PoliceView):
    """A person of concern and every child linked to them; issue an abduction warning notice here."""

    def get(self, request: HttpRequest, person_id: int) -> HttpResponse:
        return self.render(person_id, None)

    def post(self, request: HttpRequest, person_id: int) -> HttpResponse:
        user = self.user
        person = concern.access_person_by_id(user, person_id)
        form = CawnFromAdultForm(request.POST, children=self.children(user, person))
        if form.is_valid():
            d = form.cleaned_data
            data = cawns.CawnInput(
                associate=str(person.pk),
                issued_on=d["issued_on"],
                expires_on=d["expires_on"],
                follow_up=d["follow_up"],
            )
            if form_attempt(form, lambda: cawns.cawn_issue(child_id=d["child"], data=data, acting_user=user)):
                messages.success(request, "Child abduction warning notice recorded")
                return HttpResponseRedirect(reverse("person", args=[person.pk]))
        return self.render(person_id, form)

    @staticmethod
    def children(user: User, person: Any) -> list[tuple[int, str]]:
        return [(link.child_id, link.child.full_name) for link in concern.person_children(user, person)]

    def render(self, person_id: int, form: CawnFromAdultForm | None) -> HttpResponse:
        user = self.user
        with transaction.atomic():
            person = concern.access_person_by_id(user, person_id)
            links = concern.person_children(user, person)
            access_record(
                user=user,
                action="view",
                record_type="associate",
                record_ids=[person.pk],
                request=self.request,
            )
            if links:
                ids = [link.child_id for link in links]
                access_record(
                    user=user, action="view", record_type="child", record_ids=ids, request=self.request
                )
        form = form or CawnFromAdultForm(
            initial={"issued_on": timezone.localdate()}, children=self.children(user, person)
        )
        ctx = {
            "person": person,
            "links": links,
            "notices": person.cawns.select_related("child").order_by("-issued_on"),
            "form": form,
            "errors": bool(form.errors),
            "page_title": str(person),
        }
        return render(self.request, "people/person.html", ctx)


class AssociateLinkView(PoliceView):
    """Link a person on file, or a new one, to a child, with the relationship and the concern."""

    def get(self, request: HttpRequest, child_id: int) -> HttpResponse:
        child = access_child_by_id(self.user, child_id)
        return self.render(child, self.form(None))

    def form(self, data: Any) -> AssociateLinkForm:
        people = [(p.pk, str(p)) for p in concern.visible_people(self.user).order_by("family_name")[:500]]
        return AssociateLinkForm(data, people=people)

    def post(self, request: HttpRequest, child_id: int) -> HttpResponse:
        user = self.user
        child = access_child_by_id(user, child_id)
        form = self.form(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            if form_attempt(form, lambda: self.link(user, child.pk, d)):
                messages.success(request, "Person linked to the child")
                return HttpResponseRedirect(_child_url(child.pk))
        return self.render(child, form)

    @staticmethod
    def link(user: User, child_id: int, d: dict[str, Any]) -> Any:
        with transaction.atomic():  # a new person and the link are saved together or not at all
            person_id = (
                d["person"]
                or concern.person_create(
                    acting_user=user, given_name=d["new_given_name"], family_name=d["new_family_name"]
                ).pk
            )
            return concern.associate_link(
                acting_user=user,
                child_id=child_id,
                person_id=person_id,
                relationship=d["relationship"],
                concern=d["concern"],
                source=d["source"],
                reliability=d["reliability"],
                notes=d["notes"],
            )

    def render(self, child: Any, form: forms.Form) -> HttpResponse:
        return _page(
            self.request,
            form,
            page_title="Link a person to this child",
            caption=child.full_name,
            back_url=_child_url(child.pk),
            back_text="Back to the child",
            submit="Link the person",
        )


class AssociateChangeView(PoliceView):
    """Change a link's relationship, concern, source and reliability (police only)."""

    form_class: type[forms.Form] = AssociateChangeForm
    title, submit, done = "Change a link to this child", "Save the changes", "Link changed"

    def initial(self, link: Any) -> dict[str, Any]:
        fields = ("relationship", "concern", "source", "reliability", "notes")
        return {"version": link.version, **{f: getattr(link, f) for f in fields}}

    def get(self, request: HttpRequest, child_id: int, link_id: int) -> HttpResponse:
        link = concern.access_link_by_id(self.user, child_id, link_id)
        return self.render(link, self.form_class(initial=self.initial(link)))

    def post(self, request: HttpRequest, child_id: int, link_id: int) -> HttpResponse:
        user = self.user
        link = concern.access_link_by_id(user, child_id, link_id)
        form = self.form_class(request.POST)
        if form.is_valid() and form_attempt(form, lambda: self.perform(user, link, form.cleaned_data)):
            messages.success(request, self.done)
            return HttpResponseRedirect(_child_url(link.child_id))
        return self.render(link, form)

    def perform(self, user: User, link: Any, d: dict[str, Any]) -> Any:
        return concern.associate_link_change(
            acting_user=user,
            child_id=link.child_id,
            link_id=link.pk,
            expected_version=d.pop("version"),
            **d,
        )

    def render(self, link: Any, form: forms.Form) -> HttpResponse:
        return _page(
            self.request,
            form,
            page_title=self.title,
            caption=f"{link.child.full_name} and {link.associate}",
            back_url=_child_url(link.child_id),
            back_text="Back to the child",
            submit=self.submit,
        )


class AssociateEndView(AssociateChangeView):
    """End a link with a reason; it stays on file and no longer counts (police only)."""

    form_class = AssociateEndForm
    title, submit = "End a link to this child", "End the link"
    done = "Link ended. The risk engine no longer counts it at the next report"

    def initial(self, link: Any) -> dict[str, Any]:
        return {"version": link.version}

    def perform(self, user: User, link: Any, d: dict[str, Any]) -> Any:
        return concern.associate_link_end(
            acting_user=user,
            child_id=link.child_id,
            link_id=link.pk,
            reason=d["reason"],
            expected_version=d["version"],
        )


class PlaceCreateView(PoliceView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(PlaceForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PlaceForm(request.POST)
        if form.is_valid():
            place = form_attempt(
                form, lambda: concern.place_create(acting_user=self.user, **form.cleaned_data)
            )
            if place is not None:
                messages.success(request, f"Place recorded: {place}")
                return HttpResponseRedirect(reverse("place-create"))
        return self.render(form)

    def render(self, form: forms.Form) -> HttpResponse:
        return _page(
            self.request,
            form,
            page_title="Record a place of concern",
            lede="A place where children are exploited, or often found. Police only.",
            back_url=reverse("child-search"),
            back_text="Back",
            submit="Save the place",
        )


class PhotoUploadView(FormPage):
    def get(self, request: HttpRequest, child_id: int) -> HttpResponse:
        return self.render(access_child_by_id(self.user, child_id), PhotoForm())

    def post(self, request: HttpRequest, child_id: int) -> HttpResponse:
        user = self.user
        child = access_child_by_id(user, child_id)
        form = PhotoForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["photo"]
            if form_attempt(
                form, lambda: photos.photo_upload_file(child_id=child.pk, upload=upload, acting_user=user)
            ):
                messages.success(request, "Photo saved")
                return HttpResponseRedirect(_child_url(child.pk))
        return self.render(child, form)

    def render(self, child: Any, form: forms.Form) -> HttpResponse:
        return _page(
            self.request,
            form,
            page_title="Upload a photo",
            caption=child.full_name,
            lede="A recent photo helps find the child. It is stored without its location or camera details.",
            back_url=_child_url(child.pk),
            back_text="Back to the child",
            submit="Upload",
            multipart=True,
        )


class PlaceLinkView(PoliceView):
    """Link a place on file to a child: somewhere they go, a place of concern, their school."""

    def form(self, data: Any) -> PlaceLinkForm:
        places = concern.visible_places(self.user).exclude(kind__in=["home", "placement"])
        return PlaceLinkForm(
            data, places=[(p.pk, str(p) or f"Place {p.pk}") for p in places.order_by("name")[:500]]
        )

    def get(self, request: HttpRequest, child_id: int) -> HttpResponse:
        return self.render(access_child_by_id(self.user, child_id), self.form(None))

    def post(self, request: HttpRequest, child_id: int) -> HttpResponse:
        user = self.user
        child = access_child_by_id(user, child_id)
        form = self.form(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            link = form_attempt(
                form,
                lambda: concern.place_link(
                    acting_user=user, child_id=child.pk, place_id=d["place"], kind=d["kind"], notes=d["notes"]
                ),
            )
            if link is not None:
                messages.success(request, "Place linked to the child")
                return HttpResponseRedirect(_child_url(child.pk))
        return self.render(child, form)

    def render(self, child: Any, form: forms.Form) -> HttpResponse:
        return _page(
            self.request,
            form,
            page_title="Link a place to this child",
            caption=child.full_name,
            lede="Record a new place first if it is not on the list.",
            back_url=_child_url(child.pk),
            back_text="Back to the child",
            submit="Link the place",
        )
