"""The trigger plan through the API (issue 19): the page's access rule, service and access events; the
attacks are another force, a partner agency that is not the child's, a partner that sees the child but may
not write its plan, a stale or missing version, and values nothing can store."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from misper.accounts.models import AgencyKind, Role
from misper.audit.models import AccessEvent
from misper.partners import plans
from misper.partners.models import ProposalStatus, TriggerPlan, TriggerPlanProposal
from tests.factories import agency_make, user_make

pytestmark = pytest.mark.django_db
TODAY = date.today()


def _url(child_id: int) -> str:
    return f"/api/v1/children/{child_id}/trigger-plan"


def _body(**kw):  # type: ignore[no-untyped-def]
    base = {
        "minimum_risk": "high",
        "actions": ["Ring the home on 01632 960000", "Check the station"],
        "agreed_by": "A. Officer (police), B. Worker (council)",
        "agreed_on": (TODAY - timedelta(days=1)).isoformat(),
        "review_on": (TODAY + timedelta(days=90)).isoformat(),
        "version": 0,
    }
    return {**base, **kw}


def _fields(resp) -> list[str]:  # type: ignore[no-untyped-def]
    return [e["field"] for e in resp.json()["errors"]]


def _not_found(resp) -> bool:  # type: ignore[no-untyped-def]
    """The API's own 404 (the route exists; the record is not visible), not a missing route."""
    return resp.status_code == 404 and resp.json() == {"detail": "Not found.", "errors": []}


def test_the_placing_authority_writes_a_version_and_police_read_it(pairs, api_as):  # type: ignore[no-untyped-def]
    child = pairs.ours.child
    council = pairs.ours.agencies["placing_authority"]
    resp = api_as(pairs.ours.users["placing_authority"]).post_json(
        _url(child.pk), _body(agencies=[council.pk, pairs.force.pk])
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["version"] == 1
    assert resp.json()["agencies"] == sorted([council.pk, pairs.force.pk])
    read = api_as(pairs.calltaker).get_json(_url(child.pk)).json()
    assert read["version"] == 1
    assert read["current"]["minimum_risk"] == "high"
    assert read["can_change"] is True
    event = AccessEvent.objects.filter(record_type="trigger_plan", action="view").latest("pk")
    assert (event.username, event.record_ids) == ("pair-calltaker", [str(child.pk)])
    assert AccessEvent.objects.filter(record_type="trigger_plan", action="create").count() == 1


def test_a_new_version_adopts_a_proposal_and_supersedes_the_old(pairs, api_as):  # type: ignore[no-untyped-def]
    child = pairs.ours.child
    council = api_as(pairs.ours.users["placing_authority"])
    council.post_json(_url(child.pk), _body())
    proposal = TriggerPlanProposal.objects.create(
        child=child, text="Check the park too", agency=pairs.ours.agencies["return_interview_provider"],
        created_at=pairs.ours.interview.referred_at,
    )  # fmt: skip
    assert [p["id"] for p in council.get_json(_url(child.pk)).json()["proposals"]] == [proposal.pk]
    resp = api_as(pairs.supervisor).post_json(_url(child.pk), _body(version=1, proposals=[proposal.pk]))
    assert resp.status_code == 201, resp.content
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ADOPTED
    read = council.get_json(_url(child.pk)).json()
    assert (read["version"], [p["version"] for p in read["earlier"]]) == (2, [1])


@pytest.mark.parametrize("who", ["theirs_placing", "theirs_host", "other_force"])
def test_an_agency_that_is_not_the_childs_gets_a_404_to_read_and_write(pairs, api_as, who):  # type: ignore[no-untyped-def]
    user = {
        "theirs_placing": pairs.theirs.users["placing_authority"],
        "theirs_host": pairs.theirs.users["host_authority"],
        "other_force": user_make(agency_make(AgencyKind.POLICE_FORCE), Role.SUPERVISOR),
    }[who]
    child = pairs.ours.child
    assert _not_found(api_as(user).get_json(_url(child.pk)))
    assert _not_found(api_as(user).post_json(_url(child.pk), _body()))
    assert not TriggerPlan.objects.exists()


@pytest.mark.parametrize("role", ["care_provider", "return_interview_provider"])
def test_a_partner_that_sees_the_child_reads_but_may_not_write(pairs, api_as, role):  # type: ignore[no-untyped-def]
    client = api_as(pairs.ours.users[role])
    read = client.get_json(_url(pairs.ours.child.pk))
    assert read.status_code == 200
    assert read.json()["can_change"] is False
    resp = client.post_json(_url(pairs.ours.child.pk), _body())
    assert resp.status_code == 403
    assert resp.json()["detail"] == plans.NOT_ALLOWED
    assert not TriggerPlan.objects.exists()


def test_a_stale_version_is_a_409_and_a_missing_one_a_422(pairs, api_as):  # type: ignore[no-untyped-def]
    client = api_as(pairs.ours.users["placing_authority"])
    url = _url(pairs.ours.child.pk)
    assert client.post_json(url, _body()).status_code == 201
    assert client.post_json(url, _body(minimum_risk="low")).status_code == 409  # still says 0
    body = _body()
    del body["version"]
    resp = client.post_json(url, body)
    assert resp.status_code == 422
    assert _fields(resp) == ["version"]
    assert TriggerPlan.objects.get().minimum_risk == "high"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"minimum_risk": "enormous"}, "minimum_risk"),
        ({"actions": []}, "actions"),
        ({"actions": ["x" * 301]}, "actions"),
        ({"actions": ["x" * 5000]}, "actions[0]"),
        ({"actions": ["one"] * 101}, "actions"),
        ({"agreed_by": "  "}, "agreed_by"),
        ({"agreed_on": (TODAY + timedelta(days=2)).isoformat()}, "agreed_on"),
        ({"review_on": (TODAY - timedelta(days=5)).isoformat()}, "review_on"),
        ({"agreed_on": "31/12/2025"}, "agreed_on"),
        ({"agencies": [999_999]}, "agencies"),
        ({"proposals": [999_999]}, "proposals"),
        ({"version": -1}, "version"),
        ({"version": 10**30}, "version"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_saves_nothing(pairs, api_as, change, field):  # type: ignore[no-untyped-def]
    resp = api_as(pairs.supervisor).post_json(_url(pairs.ours.child.pk), _body(**change))
    assert resp.status_code == 422, resp.content
    assert field in _fields(resp), resp.json()
    assert not TriggerPlan.objects.exists()


def test_an_agency_of_another_child_is_refused(pairs, api_as):  # type: ignore[no-untyped-def]
    """The page offers only the child's own agencies; the API refuses any other by name."""
    other = pairs.theirs.agencies["placing_authority"]
    resp = api_as(pairs.supervisor).post_json(_url(pairs.ours.child.pk), _body(agencies=[other.pk]))
    assert resp.status_code == 422
    assert _fields(resp) == ["agencies"]
