"""Return home interviews through the API (issue 19): the provider records the outcome and findings from
its own system. The page's access rule, projection and service; the attacks are another agency of the
same kind, the police and a partner that sees the child recording it, a partner or the police reading the
child's own account, a stale or missing version, and values nothing can store."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from misper.accounts.models import AgencyKind, Role
from misper.audit.models import AccessEvent
from misper.partners import interviews
from misper.partners.models import InterviewStatus, TriggerPlanProposal
from tests.factories import agency_make, user_make

pytestmark = pytest.mark.django_db
ACCOUNT = "I went to my friend's because it was loud at home"


def _url(interview) -> str:  # type: ignore[no-untyped-def]
    return f"/api/v1/return-interviews/{interview.pk}"


def _completed(**kw):  # type: ignore[no-untyped-def]
    return {
        "status": "completed",
        "at": timezone.now().isoformat(),
        "interviewer_name": "Sam Okafor",
        "child_account": ACCOUNT,
        "push_factors": "Arguments at home",
        "version": 1,
        **kw,
    }


def _fields(resp) -> list[str]:  # type: ignore[no-untyped-def]
    return [e["field"] for e in resp.json()["errors"]]


def _not_found(resp) -> bool:  # type: ignore[no-untyped-def]
    """The API's own 404 (the route exists; the record is not visible), not a missing route."""
    return resp.status_code == 404 and resp.json() == {"detail": "Not found.", "errors": []}


def test_the_provider_records_the_interview_and_a_proposal_reaches_the_plan(pairs, api_as):  # type: ignore[no-untyped-def]
    ri = pairs.ours.interview
    provider = api_as(pairs.ours.users["return_interview_provider"])
    resp = provider.post_json(_url(ri), _completed(proposed_trigger_plan_change="Check the park"))
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert (body["status"], body["version"], body["child_account"]) == ("completed", 2, ACCOUNT)
    assert TriggerPlanProposal.objects.get().text == "Check the park"
    assert AccessEvent.objects.filter(record_type="return_interview", action="change").count() == 1


def test_the_queue_is_the_pages_rows_and_is_logged(pairs, api_as):  # type: ignore[no-untyped-def]
    body = api_as(pairs.ours.users["return_interview_provider"]).get_json("/api/v1/return-interviews").json()
    assert [row["id"] for row in body["items"]] == [pairs.ours.interview.pk]
    assert body["items"][0]["child_ref"] == pairs.ours.child.ref
    event = AccessEvent.objects.filter(record_type="return_interview", action="list").latest("pk")
    assert event.record_ids == [str(pairs.ours.interview.pk)]


def _recorded(pairs, api_as):  # type: ignore[no-untyped-def]
    ri = pairs.ours.interview
    api_as(pairs.ours.users["return_interview_provider"]).post_json(_url(ri), _completed())
    return ri


@pytest.mark.parametrize("role", ["return_interview_provider", "placing_authority"])
def test_the_interviews_own_agencies_read_the_childs_account(pairs, api_as, role):  # type: ignore[no-untyped-def]
    ri = _recorded(pairs, api_as)
    body = api_as(pairs.ours.users[role]).get_json(_url(ri)).json()
    assert body["child_account"] == ACCOUNT
    assert body["push_factors"] == "Arguments at home"


@pytest.mark.parametrize("who", ["police", "host_authority", "care_provider"])
def test_others_who_see_the_child_read_the_findings_but_never_the_account(pairs, api_as, who):  # type: ignore[no-untyped-def]
    ri = _recorded(pairs, api_as)
    user = pairs.calltaker if who == "police" else pairs.ours.users[who]
    resp = api_as(user).get_json(_url(ri))
    assert resp.status_code == 200
    body = resp.json()
    assert "child_account" not in body
    assert ACCOUNT not in resp.content.decode()
    assert body["push_factors"] == "Arguments at home"  # the agreed findings are shared
    event = AccessEvent.objects.filter(record_type="return_interview", action="view").latest("pk")
    assert event.record_ids == [str(ri.pk)]


@pytest.mark.parametrize("who", ["theirs_provider", "theirs_placing", "other_force"])
def test_an_agency_that_is_not_the_childs_gets_a_404(pairs, api_as, who):  # type: ignore[no-untyped-def]
    user = {
        "theirs_provider": pairs.theirs.users["return_interview_provider"],
        "theirs_placing": pairs.theirs.users["placing_authority"],
        "other_force": user_make(agency_make(AgencyKind.POLICE_FORCE), Role.SUPERVISOR),
    }[who]
    ri = pairs.ours.interview
    assert _not_found(api_as(user).get_json(_url(ri)))
    assert _not_found(api_as(user).post_json(_url(ri), _completed()))
    ri.refresh_from_db()
    assert ri.status == InterviewStatus.REFERRED


@pytest.mark.parametrize("who", ["police", "host_authority", "care_provider"])
def test_who_sees_the_child_but_did_not_do_the_interview_may_not_record_it(pairs, api_as, who):  # type: ignore[no-untyped-def]
    user = pairs.supervisor if who == "police" else pairs.ours.users[who]
    resp = api_as(user).post_json(_url(pairs.ours.interview), _completed())
    assert resp.status_code == 403
    assert resp.json()["detail"] == interviews.NOT_YOURS
    pairs.ours.interview.refresh_from_db()
    assert pairs.ours.interview.status == InterviewStatus.REFERRED


def test_a_stale_version_is_a_409_a_missing_one_a_422_and_a_finished_one_stays(pairs, api_as):  # type: ignore[no-untyped-def]
    ri = pairs.ours.interview
    provider = api_as(pairs.ours.users["return_interview_provider"])
    assert provider.post_json(_url(ri), {**_completed(status="offered"), "version": 1}).status_code == 200
    assert provider.post_json(_url(ri), _completed(version=1)).status_code == 409
    body = _completed()
    del body["version"]
    resp = provider.post_json(_url(ri), body)
    assert (resp.status_code, _fields(resp)) == (422, ["version"])
    assert provider.post_json(_url(ri), _completed(version=2)).status_code == 200
    again = provider.post_json(_url(ri), _completed(status="declined", version=3))
    assert again.status_code == 409
    ri.refresh_from_db()
    assert ri.status == InterviewStatus.COMPLETED


NOW = timezone.now()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"status": "referred"}, "status"),
        ({"status": "lost"}, "status"),
        ({"at": (NOW + timedelta(days=2)).isoformat()}, "at"),
        ({"at": (NOW - timedelta(days=30)).isoformat()}, "at"),
        ({"at": NOW.replace(tzinfo=None).isoformat()}, "at"),
        ({"at": "yesterday"}, "at"),
        ({"child_account": "  "}, "child_account"),
        ({"interviewer_name": ""}, "interviewer_name"),
        ({"interviewer_name": "x" * 101}, "interviewer_name"),
        ({"child_account": "x" * 10001}, "child_account"),
        ({"version": 0}, "version"),
        ({"secret": "yes"}, "secret"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_saves_nothing(pairs, api_as, change, field):  # type: ignore[no-untyped-def]
    ri = pairs.ours.interview
    resp = api_as(pairs.ours.users["return_interview_provider"]).post_json(_url(ri), _completed(**change))
    assert resp.status_code == 422, resp.content
    assert field in _fields(resp), resp.json()
    ri.refresh_from_db()
    assert (ri.status, ri.version) == (InterviewStatus.REFERRED, 1)
