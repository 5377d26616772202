"""The national view and review pages: who may see them, what they show, what they log."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from misper.accounts.models import AgencyKind, Role
from misper.audit.models import AccessEvent
from misper.core.factories import agency_make, user_make
from misper.national.models import Decision, ReviewPair
from misper.national.selectors import can_use_national
from misper.national.services import national_import, national_relink
from misper.national.tests.test_services import doc
from misper.national.views import CHOOSE_DECISION

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(tmp_path):
    path = tmp_path / "r.jsonl"
    docs = [doc("alpha", "1", "Jessica", "Smith", "2011-04-09"), doc("bravo", "9", "Jess", "Smith", "2011-09-04"),
            doc("alpha", "3", "Olivia", "Smith", "2011-04-09", found_at="2026-01-03T10:00:00+00:00", status="closed")]  # fmt: skip
    path.write_text("".join(json.dumps(d) + "\n" for d in docs))
    national_import(path=path)
    national_relink()


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_access_rule(world):
    national = user_make(agency_make(AgencyKind.NATIONAL), Role.ANALYST)
    assert can_use_national(world.national)
    assert can_use_national(national)
    assert not can_use_national(world.calltaker)
    assert not can_use_national(world.supervisor)
    assert not can_use_national(user_make(world.la, Role.ANALYST))
    # A force's analyst would see identifiable children of every other force: refused (issue 18).
    assert not can_use_national(world.analyst)


def test_national_view_shows_cross_force_children_and_logs(world, imported):
    response = client_for(world.national).get("/national")
    assert response.status_code == 200
    counts = response.context["counts"]
    assert (counts.children, counts.episodes, counts.missing_now, counts.in_more_than_one_force) == (
        2,
        3,
        1,
        1,
    )
    assert b"bravo" in response.content
    assert AccessEvent.objects.filter(action="national_view", username="national").exists()


@pytest.mark.parametrize("persona", ["calltaker", "supervisor", "socialworker", "analyst"])
def test_others_are_refused(world, imported, persona):
    assert client_for(getattr(world, persona)).get("/national").status_code == 403
    assert client_for(getattr(world, persona)).get("/national/review").status_code == 403


def test_review_decision_is_recorded_and_applied(world, imported):
    pair = ReviewPair.objects.get(left_ref="1", right_ref="3")
    client = client_for(world.national)
    assert b"Olivia" in client.get(f"/national/review/{pair.pk}").content
    bad = client.post(f"/national/review/{pair.pk}", {"decision": "maybe"})
    assert bad.status_code == 422
    assert CHOOSE_DECISION.encode() in bad.content
    assert client.post(f"/national/review/{pair.pk}", {"decision": "same"}).status_code == 302
    pair.refresh_from_db()
    assert (pair.decision, pair.decided_by) == (Decision.SAME, world.national)
    assert client.get("/national").context["counts"].children == 1


def test_a_second_reviewer_working_from_a_stale_page_is_told_and_changes_nothing(world, imported):
    pair = ReviewPair.objects.get(left_ref="1", right_ref="3")
    first, second = (
        client_for(world.national),
        client_for(user_make(agency_make(AgencyKind.NATIONAL), Role.ANALYST, username="national-reviewer")),
    )
    page = second.get(f"/national/review/{pair.pk}").content.decode()
    assert 'name="decision_seen" value=""' in page  # the second reviewer opened it undecided
    ok = first.post(f"/national/review/{pair.pk}", {"decision": "same", "decision_seen": ""})
    assert ok.status_code == 302
    stale = second.post(f"/national/review/{pair.pk}", {"decision": "different", "decision_seen": ""})
    assert stale.status_code == 409
    assert b"Someone else recorded a decision" in stale.content
    pair.refresh_from_db()
    assert (pair.decision, pair.decided_by) == (Decision.SAME, world.national)
    # From the fresh page (which shows "same"), the second reviewer may change it on purpose.
    assert 'name="decision_seen" value="same"' in second.get(f"/national/review/{pair.pk}").content.decode()
    changed = second.post(f"/national/review/{pair.pk}", {"decision": "different", "decision_seen": "same"})
    assert changed.status_code == 302
    pair.refresh_from_db()
    assert pair.decision == Decision.DIFFERENT
