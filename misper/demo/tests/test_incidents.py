"""The demo's incidents arrive through the feed: Tyler's joins his open episode, Jade's waits for a report,
one closed in the control room with no missing record is on the queue, a theft is not."""

from __future__ import annotations

import pytest

from misper.accounts.models import User
from misper.demo import world
from misper.demo.generator import generate_plan
from misper.demo.incidents import incidents_demo
from misper.demo.loader import load_plan
from misper.incidents.models import Incident
from misper.incidents.selectors import incident_status, incidents_without_episode


@pytest.mark.django_db
def test_the_demo_incidents_join_wait_and_are_flagged() -> None:
    load_plan(generate_plan(seed=2016, scale=0.05))
    assert incidents_demo(world.FORCE) == {"incidents": 4}
    tyler = Incident.objects.get(number="DEM-CAD-0001")
    assert tyler.episode is not None
    assert tyler.episode.child.ref == "C-DEMO-2"
    calltaker = User.objects.get(username="demo-calltaker")
    queue = {i.number: incident_status(i)[0] for i in incidents_without_episode(calltaker)}
    assert queue == {"DEM-CAD-0003": "closed_without_report", "DEM-CAD-0002": "awaiting_report"}
