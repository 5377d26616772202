"""Care homes through the API (issue 19): the care profile and reporting a child missing from the home,
with the care pages' services and access rules. The attacks are another care home, a council that sees
the child, the police writing the profile, a partner reading the control room's queue, and bad values."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from misper.accounts.models import AgencyKind, Role
from misper.audit.models import AccessEvent
from misper.episodes.models import Episode
from misper.notifications.models import Alert
from misper.partners import care
from misper.partners.models import CareProfile, MissingNotification
from tests.factories import agency_make, user_make

pytestmark = pytest.mark.django_db
REPORT = {
    "circumstances": "Went out after tea and did not come back.",
    "reporter_name": "Night manager",
    "reporter_phone": "01632 960000",
}


def _report(**kw):  # type: ignore[no-untyped-def]
    return {**REPORT, "last_seen_at": (timezone.now() - timedelta(hours=1)).isoformat(), **kw}


def _not_found(resp) -> bool:  # type: ignore[no-untyped-def]
    """The API's own 404 (the route exists; the record is not visible), not a missing route."""
    return resp.status_code == 404 and resp.json() == {"detail": "Not found.", "errors": []}


def test_the_care_home_keeps_the_profile_and_others_who_see_the_child_read_it(pairs, api_as):  # type: ignore[no-untyped-def]
    url = f"/api/v1/children/{pairs.ours.child.pk}/care-profile"
    resp = api_as(pairs.ours.users["care_provider"]).post_json(url, {"routines": "Football on Tuesdays"})
    assert resp.status_code == 200, resp.content
    assert CareProfile.objects.get().routines == "Football on Tuesdays"
    read = api_as(pairs.calltaker).get_json(url)
    assert read.json()["routines"] == "Football on Tuesdays"
    assert AccessEvent.objects.filter(record_type="child", action="view", username="pair-calltaker").exists()


@pytest.mark.parametrize("who", ["police", "placing_authority", "host_authority"])
def test_only_the_childs_care_home_writes_the_profile(pairs, api_as, who):  # type: ignore[no-untyped-def]
    user = pairs.supervisor if who == "police" else pairs.ours.users[who]
    url = f"/api/v1/children/{pairs.ours.child.pk}/care-profile"
    resp = api_as(user).post_json(url, {"routines": "Changed by someone else"})
    assert (resp.status_code, resp.json()["detail"]) == (403, care.NOT_CARE_HOME)
    assert not CareProfile.objects.exists()


def test_another_care_home_gets_a_404(pairs, api_as):  # type: ignore[no-untyped-def]
    other = api_as(pairs.theirs.users["care_provider"])
    child = pairs.ours.child.pk
    assert _not_found(other.post_json(f"/api/v1/children/{child}/care-profile", {"routines": "x"}))
    assert _not_found(other.get_json(f"/api/v1/children/{child}/care-profile"))
    assert _not_found(other.post_json(f"/api/v1/children/{child}/care-home-reports", _report()))
    assert not MissingNotification.objects.exists()


def test_the_home_reports_the_child_missing_and_the_force_sees_it(pairs, api_as):  # type: ignore[no-untyped-def]
    resp = api_as(pairs.ours.users["care_provider"]).post_json(
        f"/api/v1/children/{pairs.ours.child.pk}/care-home-reports", _report()
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["status"] == "new"
    assert Alert.objects.filter(event=care.NOTIFICATION_EVENT, recipient_agency=pairs.force).exists()
    queue = api_as(pairs.calltaker).get_json("/api/v1/care-home-reports")
    assert [n["id"] for n in queue.json()] == [resp.json()["id"]]


@pytest.mark.parametrize("role", ["placing_authority", "care_provider"])
def test_partners_do_not_read_the_control_rooms_queue(pairs, api_as, role):  # type: ignore[no-untyped-def]
    assert api_as(pairs.ours.users[role]).get_json("/api/v1/care-home-reports").status_code == 403


def test_a_council_that_sees_the_child_may_not_report_from_the_home(pairs, api_as):  # type: ignore[no-untyped-def]
    url = f"/api/v1/children/{pairs.ours.child.pk}/care-home-reports"
    resp = api_as(pairs.ours.users["placing_authority"]).post_json(url, _report())
    assert resp.status_code == 403
    assert not MissingNotification.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"circumstances": " "}, "circumstances"),
        ({"reporter_phone": ""}, "reporter_phone"),
        ({"last_seen_at": (timezone.now() + timedelta(days=1)).isoformat()}, "last_seen_at"),
        ({"last_seen_at": "2026-01-01T10:00:00"}, "last_seen_at"),
        ({"reporter_name": "x" * 101}, "reporter_name"),
        ({"circumstances": "x" * 10001}, "circumstances"),
        ({"photo": "yes"}, "photo"),
    ],
)
def test_bad_report_input_is_a_422_naming_the_field(pairs, api_as, change, field):  # type: ignore[no-untyped-def]
    url = f"/api/v1/children/{pairs.ours.child.pk}/care-home-reports"
    resp = api_as(pairs.ours.users["care_provider"]).post_json(url, _report(**change))
    assert resp.status_code == 422, resp.content
    assert field in [e["field"] for e in resp.json()["errors"]]
    assert not MissingNotification.objects.exists()


# --- the police report made from a care home's report --------------------------------------------------


def _sent(pairs, api_as):  # type: ignore[no-untyped-def]
    url = f"/api/v1/children/{pairs.ours.child.pk}/care-home-reports"
    return api_as(pairs.ours.users["care_provider"]).post_json(url, _report()).json()["id"]


def _police_report(**kw):  # type: ignore[no-untyped-def]
    now = timezone.now()
    return {
        "reported_at": (now - timedelta(minutes=5)).isoformat(),
        "last_seen_at": (now - timedelta(hours=1)).isoformat(),
        "circumstances": "Went out after tea and did not come back.",
        "reporter_name": "Night manager",
        **kw,
    }


def test_the_control_room_makes_the_report_from_it_once(pairs, api_as):  # type: ignore[no-untyped-def]
    n = _sent(pairs, api_as)
    police = api_as(pairs.calltaker)
    resp = police.post_json(f"/api/v1/care-home-reports/{n}/report", _police_report())
    assert resp.status_code == 201, resp.content
    notification = MissingNotification.objects.get()
    assert (notification.status, notification.episode_id) == ("reported", resp.json()["episode_id"])
    again = police.post_json(f"/api/v1/care-home-reports/{n}/report", _police_report())
    assert (again.status_code, again.json()["detail"]) == (409, care.ALREADY_REPORTED)


def test_the_report_from_it_keeps_a_not_known_answer_as_a_gap(pairs, api_as):  # type: ignore[no-untyped-def]
    n = _sent(pairs, api_as)
    body = _police_report(answers={"suicidal_ideation": "not_known", "bullying": "yes"})
    resp = api_as(pairs.calltaker).post_json(f"/api/v1/care-home-reports/{n}/report", body)
    assert resp.status_code == 201, resp.content
    episode = Episode.objects.get(pk=resp.json()["episode_id"])
    assert (episode.indicators, episode.indicators_not_known) == (["bullying"], ["suicidal_ideation"])


def test_a_partner_may_not_and_another_force_gets_a_404(pairs, api_as):  # type: ignore[no-untyped-def]
    n = _sent(pairs, api_as)
    home = api_as(pairs.ours.users["care_provider"])
    assert home.post_json(f"/api/v1/care-home-reports/{n}/report", _police_report()).status_code == 403
    other = user_make(agency_make(AgencyKind.POLICE_FORCE), Role.SUPERVISOR)
    assert _not_found(api_as(other).post_json(f"/api/v1/care-home-reports/{n}/report", _police_report()))
    assert MissingNotification.objects.get().status == "new"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"indicators": ["not_a_sign"]}, "indicators[0]"),
        ({"answers": {"suicidal_ideation": "maybe"}}, "answers.suicidal_ideation"),
        ({"answers": {"likes_cake": "no"}}, "answers.likes_cake"),
        ({"reported_at": "2026-01-01T10:00:00"}, "reported_at"),
        ({"circumstances": "x" * 10001}, "circumstances"),
        ({"mood": "calm"}, "mood"),
    ],
)
def test_bad_police_report_input_is_a_422_naming_the_field(pairs, api_as, change, field):  # type: ignore[no-untyped-def]
    n = _sent(pairs, api_as)
    resp = api_as(pairs.calltaker).post_json(
        f"/api/v1/care-home-reports/{n}/report", _police_report(**change)
    )
    assert resp.status_code == 422, resp.content
    assert field in [e["field"] for e in resp.json()["errors"]], resp.json()
    assert MissingNotification.objects.get().status == "new"
