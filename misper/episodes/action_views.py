"""Pages for an episode's actions as work: add one, reassign it, cancel it with the reason.

Police only (actions are police information: misper.partners.projections). Thin: parse, call one
service, go back to the episode's actions.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View

from misper.accounts.models import User
from misper.core.errors import ConflictError, InvalidInput
from misper.episodes import action_services, selectors, services_work
from misper.episodes.forms import ActionAddForm, ActionAssignForm, ActionCancelForm
from misper.episodes.models import Action, Episode
from misper.web.forms import form_errors_from

POLICE_ONLY = "Only police officers can work on an episode's actions."


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def actions_url(episode_id: int) -> str:
    return reverse("episode", args=[episode_id]) + "#actions"


class PoliceActionView(LoginRequiredMixin, View):
    """A page about one episode's actions, for police of the episode's force only."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not _user(request).is_police:
            raise PermissionDenied(POLICE_ONLY)
        return super().dispatch(request, *args, **kwargs)

    def episode(self, episode_id: int) -> Episode:
        return selectors.access_episode_by_id(_user(self.request), episode_id)

    def action(self, episode_id: int, action_id: int) -> Action:
        return get_object_or_404(Action, pk=action_id, episode=self.episode(episode_id))


class ActionAddView(PoliceActionView):
    def get(self, request: HttpRequest, episode_id: int) -> HttpResponse:
        return self.render(self.episode(episode_id), ActionAddForm(user=_user(request)))

    def post(self, request: HttpRequest, episode_id: int) -> HttpResponse:
        episode = self.episode(episode_id)
        form = ActionAddForm(request.POST, user=_user(request))
        if form.is_valid():
            try:
                action = action_services.action_add(
                    episode_id=episode.pk,
                    title=form.cleaned_data["title"],
                    assignee=form.cleaned_data["assigned_to"],
                    due_at=form.cleaned_data["due_at"],
                    acting_user=_user(request),
                )
                messages.success(request, f"Action added: {action.title}")
                return HttpResponseRedirect(actions_url(episode.pk))
            except InvalidInput as exc:
                form_errors_from(form, exc)
            except ConflictError as exc:
                form.add_error(None, str(exc))
        return self.render(episode, form)

    def render(self, episode: Episode, form: ActionAddForm) -> HttpResponse:
        ctx = {"episode": episode, "form": form, "page_title": "Add an action"}
        return render(self.request, "episodes/action_add.html", ctx)


class ActionReassignView(PoliceActionView):
    def get(self, request: HttpRequest, episode_id: int, action_id: int) -> HttpResponse:
        action = self.action(episode_id, action_id)
        initial = {"action_version": action.version, "assigned_to": action.assigned_to_id}
        return self.render(action, ActionAssignForm(initial=initial, user=_user(request)))

    def post(self, request: HttpRequest, episode_id: int, action_id: int) -> HttpResponse:
        action = self.action(episode_id, action_id)
        form = ActionAssignForm(request.POST, user=_user(request))
        if form.is_valid():
            try:
                done = services_work.action_assign(
                    action_id=action.pk,
                    acting_user=_user(request),
                    assignee=form.cleaned_data["assigned_to"],
                    expected_version=form.cleaned_data["action_version"],
                )
                assert done.assigned_to is not None
                messages.success(request, f"{done.title}: assigned to {done.assigned_to.get_full_name()}")
                return HttpResponseRedirect(actions_url(episode_id))
            except InvalidInput as exc:
                form_errors_from(form, exc)
            except ConflictError as exc:
                form.add_error(None, str(exc))
        return self.render(action, form)

    def render(self, action: Action, form: ActionAssignForm) -> HttpResponse:
        ctx = {"action": action, "episode": action.episode, "form": form, "page_title": "Assign an action"}
        return render(self.request, "episodes/action_assign.html", ctx)


class ActionCancelView(PoliceActionView):
    def get(self, request: HttpRequest, episode_id: int, action_id: int) -> HttpResponse:
        action = self.action(episode_id, action_id)
        return self.render(action, ActionCancelForm(initial={"action_version": action.version}))

    def post(self, request: HttpRequest, episode_id: int, action_id: int) -> HttpResponse:
        action = self.action(episode_id, action_id)
        form = ActionCancelForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    action_services.action_cancel(
                        action_id=action.pk,
                        reason=form.cleaned_data["reason"],
                        acting_user=_user(request),
                        expected_version=form.cleaned_data["action_version"],
                    )
                messages.success(request, f"Action cancelled: {action.title}")
                return HttpResponseRedirect(actions_url(episode_id))
            except InvalidInput as exc:
                form_errors_from(form, exc)
            except ConflictError as exc:
                form.add_error(None, str(exc))
        return self.render(action, form)

    def render(self, action: Action, form: ActionCancelForm) -> HttpResponse:
        ctx = {"action": action, "episode": action.episode, "form": form, "page_title": "Cancel an action"}
        return render(self.request, "episodes/action_cancel.html", ctx)
