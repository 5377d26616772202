"""The national view and review pages: who may see them, what they show, what they log."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from misper.accounts.models import AgencyKind, Role
from misper.audit.models import AccessEvent
from misper.national.models import Decision, ReviewPair
from misper.national.selectors import can_use_national
from misper.national.services import national_import, national_relink
from misper.national.tests.test_services import away, doc
from misper.national.views import CHOOSE_DECISION
from tests.factories import agency_make, user_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(tmp_path):
    path = tmp_path / "r.jsonl"
    docs = [doc("alpha", "1", "Jessica", "Smith", "2011-04-09"), doc("bravo", "9", "Jess", "Smith", "2011-09-04"),
            away(doc("alpha", "3", "Jessica", "Smith", "2010-04-09", found_at="2026-01-03T10:00:00+00:00", status="closed"))]  # fmt: skip
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
    assert b"Portby" in client.get(f"/national/review/{pair.pk}").content
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


def _many(tmp_path, n_children, adults=0):
    """``n_children`` children missing now in two forces, and ``adults`` adults (born 1961)."""
    from misper.national.tests.test_services import doc

    rows = [doc("test-force" if i % 2 else "other-force", f"C{i}", f"Child{i:03d}", "Example", "2013-01-15",
                episode=f"E{i}", reported_at=f"2026-03-{1 + i % 28:02d}T10:00:00+00:00",
                risk="high" if i % 3 == 0 else "medium") for i in range(n_children)]  # fmt: skip
    grown = [
        ("Arthur", "Penrose", "1961-05-01"),
        ("Beatrice", "Okoye", "1958-11-23"),
        ("Cedric", "Vance", "1970-02-14"),
    ]
    rows += [doc("test-force", f"A{i}", *grown[i], episode=f"AE{i}") for i in range(adults)]
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in rows))
    national_import(path=path)
    national_relink()


def test_the_national_view_pages_names_forces_writes_dates_and_keeps_adults_apart(world, tmp_path):
    _many(tmp_path, 60, adults=3)
    client = client_for(world.national)
    first = client.get("/national")
    assert first.context["page"].paginator.count == 60  # children only
    assert len(first.context["records"]) == 25
    text = first.content.decode()
    assert "Testshire Police" in text
    assert "Otherton Police" in text  # names, not codes
    assert "15 January 2013" in text
    assert "2013-01-15" not in text
    assert "Arthur" not in text
    assert "page 1 of 3" in text
    assert 'rel="next"' in text
    third = client.get("/national", {"page": 3})
    assert len(third.context["records"]) == 10
    adults = client.get("/national", {"group": "adults", "list": "all"})
    assert adults.context["page"].paginator.count == 3
    assert "1 May 1961" in adults.content.decode()
    assert first.context["counts"].adults == 3


@pytest.mark.parametrize(
    ("params", "count"),
    [({"force": "test-force"}, 30), ({"risk": "high"}, 20), ({"age_band": "12-13"}, 60),
     ({"age_band": "16-17"}, 0), ({"force": "test-force", "risk": "high"}, 10), ({"page": "999"}, 60),
     ({"list": "nonsense", "group": "<script>", "age_band": "x", "risk": "grave"}, 60)],
)  # fmt: skip
def test_the_national_view_filters(world, tmp_path, params, count):
    _many(tmp_path, 60)
    response = client_for(world.national).get("/national", params)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count


def test_the_review_queue_pages_and_shows_agreement(world, imported):
    client = client_for(world.national)
    queue = client.get("/national/review")
    assert "1 pair to review" in queue.content.decode()
    pair = ReviewPair.objects.get()
    page = client.get(f"/national/review/{pair.pk}").content.decode()
    assert "9 April 2011" in page
    assert "9 April 2010" in page
    assert "The same" in page
    assert "Different" in page


def test_national_staff_find_the_national_view_in_the_menu_and_others_do_not(world):
    assert b'href="/national"' in client_for(world.national).get("/").content
    assert b'href="/national"' not in client_for(world.analyst).get("/").content
