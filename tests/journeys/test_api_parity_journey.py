"""The seeded demo through the API (issue 19, part 3): what the demo's people do on the pages, a partner's
case system does with a bearer token (``misper token demo-socialcare``) — the council reads its child and
writes the trigger plan, records a return interview, the police read the plan back and review an episode.
The same seeded world `make run` serves (``demo.demo_load``, small scale)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from misper.accounts.models import User
from misper.accounts.services import api_token_create
from misper.conftest import ApiClient
from misper.episodes.models import Episode
from misper.partners import interviews
from misper.partners.selectors import interview_queue
from misper.people.selectors import visible_children
from tests.journeys.demo import demo_load

pytestmark = pytest.mark.django_db


def _client(username: str) -> tuple[User, ApiClient]:
    user = User.objects.get(username=username)
    return user, ApiClient(api_token_create(user=user))


def test_a_councils_case_system_and_the_police_work_the_demo_through_the_api():
    demo_load()
    council_user, council = _client("demo-socialcare")
    child = (
        visible_children(council_user).filter(placing_authority=council_user.agency).order_by("pk").first()
    )
    assert child is not None

    record = council.get_json(f"/api/v1/children/{child.pk}")
    assert record.status_code == 200, record.content
    assert "associates" not in record.json()  # the council's projection, as on the page
    plan = council.get_json(f"/api/v1/children/{child.pk}/trigger-plan").json()
    assert plan["can_change"] is True
    body = {
        "minimum_risk": "high",
        "actions": ["Ring the home", "Check the bus station"],
        "agreed_by": "Demo council and Demoshire Police",
        "agreed_on": timezone.localdate().isoformat(),
        "version": plan["version"],
    }
    written = council.post_json(f"/api/v1/children/{child.pk}/trigger-plan", body)
    assert written.status_code == 201, written.content

    officer_user, officer = _client("demo-officer")
    assert (
        officer.get_json(f"/api/v1/children/{child.pk}").json()["trigger_plan"]["version"]
        == plan["version"] + 1
    )

    open_interview = interview_queue(council_user).exclude(status__in=interviews.FINISHED).first()
    if open_interview is not None:  # the demo refers interviews to the council; record the offer
        at = max(timezone.now() - timedelta(minutes=1), open_interview.referred_at)
        offer = {"status": "offered", "at": at.isoformat(), "version": open_interview.version}
        resp = council.post_json(f"/api/v1/return-interviews/{open_interview.pk}", offer)
        assert resp.status_code == 200, resp.content

    _, supervisor = _client("demo-supervisor")
    episode = Episode.objects.filter(force=officer_user.agency, status__in=["reported", "active"]).first()
    assert episode is not None
    review = {"notes": "Checked the enquiries with the night shift.", "version": episode.version}
    resp = supervisor.post_json(f"/api/v1/episodes/{episode.pk}/reviews", review)
    assert resp.status_code == 201, resp.content
