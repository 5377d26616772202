"""Every read of a child's record is logged by construction (``audit/reveal.py``, ``audit/middleware.py``).

The attack on the old design: a page that forgot to call the access log (the supervisor's decision page
showed the child, the rationale and the engine's reasons) left no trace. Now any shown response that
loaded a child writes an event for it, unless an event of the request already named it."""

from __future__ import annotations

import pytest
from django.test import Client

from misper.accounts.tests.matrix_world import matrix_world_build
from misper.audit.models import AccessEvent

pytestmark = pytest.mark.django_db


def _events_for(client: Client, path: str) -> list[AccessEvent]:
    before = AccessEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    client.get(path)
    return list(AccessEvent.objects.filter(pk__gt=before))


def test_the_supervisors_decision_page_logs_the_child_it_shows():
    w = matrix_world_build()
    c = Client()
    c.force_login(w.users["supervisor"])
    assessment = w.episode.assessments.get()
    events = _events_for(c, f"/assessments/{assessment.pk}/decide")
    assert w.child.full_name in c.get(f"/assessments/{assessment.pk}/decide").content.decode()
    assert [(e.action, e.record_type, e.record_ids) for e in events] == [("view", "child", [str(w.child.pk)])]
    assert events[0].username == "mx-supervisor"


def test_a_page_that_logs_its_own_event_is_not_logged_twice():
    w = matrix_world_build()
    c = Client()
    c.force_login(w.users["supervisor"])
    events = _events_for(c, f"/episodes/{w.episode.pk}")
    assert [(e.record_type, e.record_ids) for e in events] == [("episode", [str(w.episode.pk)])]


def test_a_refused_request_reveals_nothing_and_logs_nothing():
    w = matrix_world_build()
    c = Client()
    c.force_login(w.users["auditor"])
    assert _events_for(c, f"/children/{w.child.pk}") == []
