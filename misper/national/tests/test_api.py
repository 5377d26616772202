"""The national JSON API: the same figures and lists as the national pages, the same access rule, the
review decision's 422/404/409 and idempotent repeat, and an access event for every route."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from misper.accounts.models import AgencyKind, Role
from misper.audit.models import AccessEvent
from misper.national.models import Decision, ReviewPair
from misper.national.services import national_import, national_relink
from misper.national.tests.test_services import away, doc
from tests.factories import agency_make, user_make

pytestmark = pytest.mark.django_db

BASE = "/api/v1/national"
GETS = ("/summary", "/missing-now", "/multi-force", "/review")


@pytest.fixture
def imported(tmp_path):
    """Jessica Smith in forces alpha and bravo (one person, missing now in both); Jessica Smith born a
    year earlier at another address in alpha (found; a doubtful pair with the first Jessica); Tom Brown in charlie (missing now)."""
    docs = [doc("alpha", "1", "Jessica", "Smith", "2011-04-09"),
            doc("bravo", "9", "Jess", "Smith", "2011-09-04", reported_at="2026-01-04T10:00:00+00:00"),
            away(doc("alpha", "3", "Jessica", "Smith", "2010-04-09", found_at="2026-01-03T10:00:00+00:00", status="closed")),
            doc("charlie", "5", "Tom", "Brown", "2012-02-02", reported_at="2026-01-05T10:00:00+00:00")]  # fmt: skip
    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs))
    national_import(path=path)
    national_relink()


@pytest.fixture
def pair(imported):
    return ReviewPair.objects.get(left_ref="1", right_ref="3")


def page_as(user, path="/national"):
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.context


def test_summary_is_the_page_figures(world, imported, api_as):
    response = api_as(world.national).get_json(f"{BASE}/summary")
    assert response.status_code == 200
    counts = page_as(world.national)["counts"]
    assert response.json() == {
        "children": counts.children,
        "episodes": counts.episodes,
        "missing_now": counts.missing_now,
        "in_more_than_one_force": counts.in_more_than_one_force,
        "forces": counts.forces,
        "adults": counts.adults,
    }
    assert response.json() == {
        "children": 3, "episodes": 4, "missing_now": 2, "in_more_than_one_force": 1, "forces": 3, "adults": 0,
    }  # fmt: skip


def test_missing_now_is_the_page_list_paginated(world, imported, api_as):
    api = api_as(world.national)
    body = api.get_json(f"{BASE}/missing-now").json()
    page = page_as(world.national)["records"]
    assert [r["id"] for r in body["items"]] == [r.pk for r in page]
    assert body["count"] == 3
    assert [(r["source"], r["given_name"], r["missing_now"]) for r in body["items"]] == [
        ("alpha", "Jessica", True), ("bravo", "Jess", True), ("charlie", "Tom", True),
    ]  # fmt: skip
    jessica, jess = body["items"][0], body["items"][1]
    assert jessica["person_id"] == jess["person_id"] is not None
    second = api.get_json(f"{BASE}/missing-now", limit=1, offset=1).json()
    assert (second["count"], [r["id"] for r in second["items"]]) == (3, [page[1].pk])


def test_multi_force_is_the_page_list(world, imported, api_as):
    body = api_as(world.national).get_json(f"{BASE}/multi-force").json()
    page = page_as(world.national, "/national?list=cross")["records"]
    assert body["count"] == 1
    (person,) = body["items"]
    assert person["forces"] == ["alpha", "bravo"]
    assert [r["id"] for r in person["records"]] == [r.pk for r in page]
    assert {r["person_id"] for r in person["records"]} == {person["person_id"]}
    empty = api_as(world.national).get_json(f"{BASE}/multi-force", offset=1).json()
    assert (empty["count"], empty["items"]) == (1, [])


def test_review_queue_is_the_page_list_side_by_side(world, pair, api_as):
    body = api_as(world.national).get_json(f"{BASE}/review").json()
    assert [p["id"] for p in body["items"]] == [
        p.pk for p in page_as(world.national, "/national/review")["pairs"]
    ]
    item = next(p for p in body["items"] if p["id"] == pair.pk)
    assert (item["decision"], item["decided_by"]) == ("", None)
    assert (item["left"]["ref"], item["left"]["latest"]["given_name"]) == ("1", "Jessica")
    assert (item["right"]["ref"], item["right"]["latest"]["given_name"]) == ("3", "Jessica")
    assert item["left"]["latest"]["postcode"] == "ZA1 1AA"
    one = api_as(world.national).get_json(f"{BASE}/review/{pair.pk}")
    assert one.json() == item


def test_decision_is_recorded_applied_and_repeatable(world, pair, api_as):
    api = api_as(world.national)
    response = api.post_json(f"{BASE}/review/{pair.pk}/decision", {"decision": "same"})
    assert response.status_code == 200, response.content
    assert (response.json()["changed"], response.json()["pair"]["decision"]) == (True, "same")
    assert response.json()["pair"]["decided_by"] == "national"
    pair.refresh_from_db()
    assert (pair.decision, pair.decided_by) == (Decision.SAME, world.national)
    assert (
        api.get_json(f"{BASE}/summary").json()["children"] == 2
    )  # re-linked: the two Jessicas are one child
    assert pair.pk not in [p["id"] for p in api.get_json(f"{BASE}/review").json()["items"]]

    relinks = AccessEvent.objects.filter(action="combine", record_type="person_link").count()
    again = api.post_json(f"{BASE}/review/{pair.pk}/decision", {"decision": "same"})
    assert again.status_code == 200
    assert again.json()["changed"] is False
    assert (
        AccessEvent.objects.filter(action="combine", record_type="person_link").count() == relinks
    )  # nothing re-run
    decided_at = pair.decided_at
    pair.refresh_from_db()
    assert pair.decided_at == decided_at


def test_the_decision_commits_before_the_relink_runs(world, pair, api_as, monkeypatch):
    """A relink takes minutes at national scale; inside the decision's transaction it would hold the
    access log's chain lock (taken by the decision's access event) and stall every logged request."""
    from misper.national import services

    depth_in_test = len(connection.atomic_blocks)
    seen: list[tuple[int, str]] = []

    def relink(*, acting_user):  # type: ignore[no-untyped-def]
        decided = ReviewPair.objects.get(pk=pair.pk).decision
        seen.append((len(connection.atomic_blocks) - depth_in_test, decided))
        return 0

    monkeypatch.setattr(services, "national_relink", relink)
    response = api_as(world.national).post_json(f"{BASE}/review/{pair.pk}/decision", {"decision": "same"})
    assert response.status_code == 200, response.content
    assert seen == [(0, Decision.SAME)]  # no transaction of the request's left open; decision saved


def test_a_different_decision_on_a_decided_pair_is_a_conflict(world, pair, api_as):
    api = api_as(world.national)
    assert api.post_json(f"{BASE}/review/{pair.pk}/decision", {"decision": "different"}).status_code == 200
    response = api.post_json(f"{BASE}/review/{pair.pk}/decision", {"decision": "same"})
    assert response.status_code == 409
    assert "already been decided: different children" in response.json()["detail"]
    pair.refresh_from_db()
    assert pair.decision == Decision.DIFFERENT


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "maybe"}, "decision"),
        ({}, "decision"),
        ({"decision": "same", "x": 1}, "x"),
        ([], "body"),
    ],
)
def test_bad_decisions_are_422_by_field_and_store_nothing(world, pair, api_as, body, field):
    response = api_as(world.national).post_json(f"{BASE}/review/{pair.pk}/decision", body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    pair.refresh_from_db()
    assert pair.decision == Decision.UNDECIDED
    assert not AccessEvent.objects.filter(action="national_review_decide").exists()


def test_a_body_that_is_not_json_is_400_and_stores_nothing(world, pair, api_as):
    response = api_as(world.national).post_json(f"{BASE}/review/{pair.pk}/decision", "{")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["body"]
    pair.refresh_from_db()
    assert pair.decision == Decision.UNDECIDED


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"limit": "ten"}])
def test_bad_pages_are_422_by_field(world, imported, api_as, params):
    response = api_as(world.national).get_json(f"{BASE}/missing-now", **params)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == list(params)


def test_an_unknown_pair_is_404(world, imported, api_as):
    api = api_as(world.national)
    assert api.get_json(f"{BASE}/review/999999").status_code == 404
    assert api.post_json(f"{BASE}/review/999999/decision", {"decision": "same"}).status_code == 404


def test_national_staff_may_use_it(world, pair, api_as):
    national = user_make(agency_make(AgencyKind.NATIONAL), Role.ANALYST, username="nca")
    api = api_as(national)
    for path in (*GETS, f"/review/{pair.pk}"):
        assert api.get_json(BASE + path).status_code == 200, path
    assert api.post_json(f"{BASE}/review/{pair.pk}/decision", {"decision": "same"}).status_code == 200


@pytest.mark.parametrize(
    "persona", ["calltaker", "supervisor", "socialworker", "other_force_officer", "analyst"]
)
def test_others_are_refused_and_nothing_changes(world, pair, api_as, persona):
    api = api_as(getattr(world, persona))
    for path in (*GETS, f"/review/{pair.pk}"):
        assert api.get_json(BASE + path).status_code == 403, path
    response = api.post_json(f"{BASE}/review/{pair.pk}/decision", {"decision": "same"})
    assert response.status_code == 403
    assert response.json()["detail"] == "National data is only for the staff of a national body."
    pair.refresh_from_db()
    assert pair.decision == Decision.UNDECIDED
    username = getattr(world, persona).username
    assert not AccessEvent.objects.filter(action__startswith="national_", username=username).exists()


def test_anonymous_is_401(imported, api_as):
    for path in GETS:
        assert api_as(None).get_json(BASE + path).status_code == 401


def test_every_route_writes_an_access_event(world, pair, api_as):
    api = api_as(world.national)
    missing = [r["id"] for r in api.get_json(f"{BASE}/missing-now").json()["items"]]
    cross = [r["id"] for r in api.get_json(f"{BASE}/multi-force").json()["items"][0]["records"]]
    queue = [p["id"] for p in api.get_json(f"{BASE}/review").json()["items"]]
    api.get_json(f"{BASE}/summary")
    api.get_json(f"{BASE}/review/{pair.pk}")
    api.post_json(f"{BASE}/review/{pair.pk}/decision", {"decision": "different"})
    api.post_json(f"{BASE}/review/{pair.pk}/decision", {"decision": "different"})
    events = AccessEvent.objects.filter(username="national").order_by("pk")
    got = [(e.action, e.record_ids) for e in events if e.record_type != "person_link"]
    assert got == [
        ("national_missing_now", [str(i) for i in missing]),
        ("national_multi_force", [str(i) for i in cross]),
        ("national_review_list", [str(i) for i in queue]),
        ("national_summary", []),
        ("national_review_view", [str(pair.pk)]),
        ("national_review_decide", [str(pair.pk)]),
        ("national_review_decide", [str(pair.pk)]),
    ]
    assert events.filter(action="national_review_decide").last().purpose == "different (already recorded)"


def test_the_queue_reads_in_the_same_number_of_queries_for_one_pair_or_many(world, pair, api_as):
    for n in range(30):
        ReviewPair.objects.create(left_source="alpha", left_ref="1", right_source="zulu", right_ref=str(n),
                                  probability=0.4)  # fmt: skip
    api = api_as(world.national)

    def queries(limit):
        with CaptureQueriesContext(connection) as ctx:
            body = api.get_json(f"{BASE}/review", limit=limit).json()
        assert len(body["items"]) == min(limit, body["count"])
        assert body["count"] > 30
        return len(ctx.captured_queries)

    api.get_json(f"{BASE}/summary")  # the token's first use is recorded once
    assert queries(1) == queries(50)


def test_a_review_pair_shows_which_fields_agree_and_its_weight(world, pair, api_as):
    body = api_as(world.national).get_json(f"{BASE}/review/{pair.pk}").json()
    assert body["weight"] == 2  # "same" would join Jessica's two records with this one
    fields = {f["label"]: (f["agreement"], f["left"], f["right"]) for f in body["fields"]}
    assert fields["Given name"] == ("agree", "Jessica", "Jessica")
    assert fields["Date of birth"] == ("close", "2011-04-09", "2010-04-09")  # one digit apart
    assert fields["Address"][0] == "differ"
