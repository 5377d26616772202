"""Pages for incidents from command and control: the control room's queue of missing-person incidents with
no episode, one incident (with the children it may be about, to start the report or add it to the open
episode), and the action that adds it. Thin: each calls one selector or service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from misper.accounts.models import User
from misper.audit.services import access_record
from misper.core.errors import ConflictError
from misper.episodes.services import open_episode_for
from misper.incidents.codes import code_words, is_missing_person
from misper.incidents.selectors import (
    access_incident_by_id,
    child_candidates,
    incident_status,
    incidents_without_episode,
)
from misper.incidents.services import incident_add_to_episode

ADDED = "Incident {number} added to episode {reference}"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


class IncidentQueueView(LoginRequiredMixin, View):
    """Missing-person incidents with no episode: closed in the control room with no missing record first."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = _user(request)
        with transaction.atomic():
            rows = incidents_without_episode(user)
            access_record(user=user, action="list", record_type="incident", record_ids=[i.pk for i in rows])
        ctx = {
            "rows": [(i, *incident_status(i)) for i in rows],
            "closed": sum(1 for i in rows if i.closed_at is not None),
            "page_title": "Missing-person incidents without a report",
        }
        return render(request, "incidents/queue.html", ctx)


class IncidentDetailView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, incident_id: int) -> HttpResponse:
        user = _user(request)
        with transaction.atomic():
            incident = access_incident_by_id(user, incident_id)
            access_record(user=user, action="view", record_type="incident", record_ids=[incident.pk])
        status, words = incident_status(incident)
        waiting = status in ("awaiting_report", "closed_without_report")
        candidates = [(c, open_episode_for(c)) for c in child_candidates(incident)] if waiting else []
        ctx = {
            "incident": incident,
            "status": status,
            "status_words": words,
            "code_words": code_words(incident.opening_code),
            "missing_person": is_missing_person(incident.opening_code),
            "waiting": waiting,
            "candidates": candidates,
            "page_title": f"Incident {incident.number}",
        }
        return render(request, "incidents/detail.html", ctx)


class IncidentAddView(LoginRequiredMixin, View):
    """Add a waiting incident to the child's open episode (a button on the incident page)."""

    def post(self, request: HttpRequest, incident_id: int) -> HttpResponse:
        try:
            episode_id = int(request.POST.get("episode_id", ""))
        except ValueError:
            episode_id = 0
        try:
            incident = incident_add_to_episode(
                incident_id=incident_id, episode_id=episode_id, acting_user=_user(request)
            )
        except ConflictError as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(reverse("incident", args=[incident_id]))
        assert incident.episode is not None
        messages.success(request, ADDED.format(number=incident.number, reference=incident.episode.reference))
        return HttpResponseRedirect(reverse("episode", args=[incident.episode.pk]))
