"""Pages for an episode's actions as work: add one, assign it (to yourself or another officer), finish it
with its outcome, cancel it with the reason.

Police only (actions are police information: misper.partners.projections); "assign to me" leaves the
check to its service. Thin: parse, call one service, go back to the episode's actions.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from misper.core.errors import ConflictError, InvalidInput
from misper.episodes import action_services, selectors, services_work
from misper.episodes.forms import (
    PAGE_OUT_OF_DATE,
    ActionAddForm,
    ActionAssignForm,
    ActionCancelForm,
    ActionDoneForm,
)
from misper.episodes.models import Action, Episode
from misper.learning.language_forms import record_language_flags
from misper.web.pages import FormPage, form_attempt, int_or_none

POLICE_ONLY = "Only police officers can work on an episode's actions."


def actions_url(episode_id: int) -> str:
    return reverse("episode", args=[episode_id]) + "#actions"


class PoliceActionView(FormPage):
    """A page about one episode's actions, for police of the episode's force only."""

    police_only, refusal = True, POLICE_ONLY

    def episode(self, episode_id: int) -> Episode:
        return selectors.access_episode_by_id(self.user, episode_id)

    def action(self, episode_id: int, action_id: int) -> Action:
        return get_object_or_404(Action, pk=action_id, episode=self.episode(episode_id))


class OneActionView(PoliceActionView):
    """A form about one action: each page names its template and title, and renders the same way."""

    template_name = ""
    page_title = ""

    def render(self, action: Action, form: forms.Form) -> HttpResponse:
        ctx = {"action": action, "episode": action.episode, "form": form, "page_title": self.page_title}
        return render(self.request, self.template_name, ctx)


class ActionAddView(PoliceActionView):
    def get(self, request: HttpRequest, episode_id: int) -> HttpResponse:
        return self.render(self.episode(episode_id), ActionAddForm(user=self.user))

    def post(self, request: HttpRequest, episode_id: int) -> HttpResponse:
        episode = self.episode(episode_id)
        form = ActionAddForm(request.POST, user=self.user)
        if form.is_valid():
            action = form_attempt(
                form,
                lambda: action_services.action_add(
                    episode_id=episode.pk,
                    title=form.cleaned_data["title"],
                    assignee=form.cleaned_data["assigned_to"],
                    due_at=form.cleaned_data["due_at"],
                    acting_user=self.user,
                ),
            )
            if action is not None:
                messages.success(request, f"Action added: {action.title}")
                return HttpResponseRedirect(actions_url(episode.pk))
        return self.render(episode, form)

    def render(self, episode: Episode, form: ActionAddForm) -> HttpResponse:
        ctx = {"episode": episode, "form": form, "page_title": "Add an action"}
        return render(self.request, "episodes/action_add.html", ctx)


class ActionReassignView(OneActionView):
    template_name, page_title = "episodes/action_assign.html", "Assign an action"

    def get(self, request: HttpRequest, episode_id: int, action_id: int) -> HttpResponse:
        action = self.action(episode_id, action_id)
        initial = {"action_version": action.version, "assigned_to": action.assigned_to_id}
        return self.render(action, ActionAssignForm(initial=initial, user=self.user))

    def post(self, request: HttpRequest, episode_id: int, action_id: int) -> HttpResponse:
        action = self.action(episode_id, action_id)
        form = ActionAssignForm(request.POST, user=self.user)
        if form.is_valid():
            done = form_attempt(
                form,
                lambda: services_work.action_assign(
                    action_id=action.pk,
                    acting_user=self.user,
                    assignee=form.cleaned_data["assigned_to"],
                    expected_version=form.cleaned_data["action_version"],
                ),
            )
            if done is not None:
                assert done.assigned_to is not None
                messages.success(request, f"{done.title}: assigned to {done.assigned_to.get_full_name()}")
                return HttpResponseRedirect(actions_url(episode_id))
        return self.render(action, form)


class ActionCancelView(OneActionView):
    template_name, page_title = "episodes/action_cancel.html", "Cancel an action"

    def get(self, request: HttpRequest, episode_id: int, action_id: int) -> HttpResponse:
        action = self.action(episode_id, action_id)
        return self.render(action, ActionCancelForm(initial={"action_version": action.version}))

    def post(self, request: HttpRequest, episode_id: int, action_id: int) -> HttpResponse:
        action = self.action(episode_id, action_id)
        form = ActionCancelForm(request.POST)

        def cancel() -> Action:
            with transaction.atomic():
                return action_services.action_cancel(
                    action_id=action.pk,
                    reason=form.cleaned_data["reason"],
                    acting_user=self.user,
                    expected_version=form.cleaned_data["action_version"],
                )

        if form.is_valid() and form_attempt(form, cancel) is not None:
            messages.success(request, f"Action cancelled: {action.title}")
            return HttpResponseRedirect(actions_url(episode_id))
        return self.render(action, form)


class ActionDoneView(OneActionView):
    template_name, page_title = "episodes/action_done.html", "Finish an action"

    """Mark an action done (or not needed) with its outcome."""

    refusal = FormPage.refusal  # "Only police users can do this.", as this page has always said

    def get(self, request: HttpRequest, episode_id: int, action_id: int) -> HttpResponse:
        action = self.action(episode_id, action_id)
        form = ActionDoneForm(initial={"action_version": action.version, "status": "done"})
        return self.render(action, form)

    def post(self, request: HttpRequest, episode_id: int, action_id: int) -> HttpResponse:
        action = self.action(episode_id, action_id)
        form = ActionDoneForm(request.POST, child_age=action.episode.child.age_on(timezone.localdate()))

        def finish() -> Action:
            with transaction.atomic():
                done = services_work.action_complete(
                    action_id=action.pk,
                    acting_user=self.user,
                    outcome=form.cleaned_data["outcome"],
                    status=form.cleaned_data["status"],
                    expected_version=form.cleaned_data["action_version"],
                )
                records = {"outcome": ("action", action.pk)}
                record_language_flags(form, records=records, acting_user=self.user)
            return done

        if form.is_valid() and form_attempt(form, finish) is not None:
            messages.success(request, f"Action finished: {action.title}")
            return HttpResponseRedirect(actions_url(episode_id))
        return self.render(action, form)


class ActionAssignView(FormPage):
    """ "Assign to me" on the episode's list of actions."""

    def post(self, request: HttpRequest, episode_id: int, action_id: int) -> HttpResponse:
        try:
            services_work.action_assign(
                action_id=action_id,
                acting_user=self.user,
                expected_version=int_or_none(request.POST.get("action_version")),
            )
            messages.success(request, "Action assigned to you")
        except ConflictError as exc:
            messages.error(request, str(exc))
        except InvalidInput:  # no version: a page from before versions, or a hand-made request
            messages.error(request, PAGE_OUT_OF_DATE)
        return HttpResponseRedirect(actions_url(episode_id))
