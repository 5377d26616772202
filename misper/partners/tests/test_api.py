"""The partners API: the agency directory, webhook subscriptions (strictly validated) and the inbox."""

from __future__ import annotations

import pytest

from misper.accounts.models import Role
from misper.audit.models import AccessEvent
from misper.notifications.alerts import alerts_for_event
from misper.notifications.models import Alert, Subscription
from tests.factories import child_make, episode_make, user_make

pytestmark = pytest.mark.django_db

GOOD = {
    "url": "http://127.0.0.1:8123/hooks",
    "secret": "a-secret-of-at-least-16",
    "events": ["episode.reported"],
}


def _errors(resp) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {e["field"]: e["message"] for e in resp.json()["errors"]}


def test_agencies_are_listed_with_id_code_name_and_kind(world, api_as):
    resp = api_as(world.socialworker).get_json("/api/v1/agencies")
    assert resp.status_code == 200
    body = resp.json()
    assert isinstance(body, list)
    assert {"id": world.la.pk, "code": "test-la", "name": world.la.name, "kind": "local_authority"} in body
    assert all(set(a) == {"id", "code", "name", "kind"} for a in body)


def test_agencies_need_sign_in(api_as):
    assert api_as(None).get_json("/api/v1/agencies").status_code == 401


def test_a_partner_subscribes_for_its_own_agency(world, api_as):
    resp = api_as(world.socialworker).post_json("/api/v1/subscriptions", {"agency": world.la.pk, **GOOD})
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body == {
        "id": body["id"],
        "agency": world.la.pk,
        "url": GOOD["url"],
        "events": ["episode.reported"],
    }
    sub = Subscription.objects.get(pk=body["id"])
    assert (sub.secret, sub.created_by) == (GOOD["secret"], world.socialworker)
    assert "secret" not in body


def test_a_force_coordinator_subscribes_for_an_agency_in_its_area(world, api_as):
    coordinator = user_make(world.force, Role.COORDINATOR)
    resp = api_as(coordinator).post_json("/api/v1/subscriptions", {"agency": world.la.pk, **GOOD})
    assert resp.status_code == 201, resp.content


@pytest.mark.parametrize(
    "who",
    ["other_socialworker", "calltaker", "other_force_officer"],
)
def test_others_may_not_subscribe_for_an_agency(world, api_as, who):
    resp = api_as(getattr(world, who)).post_json("/api/v1/subscriptions", {"agency": world.la.pk, **GOOD})
    assert resp.status_code == 403
    assert not Subscription.objects.exists()


def test_coordinator_of_another_force_may_not_subscribe(world, api_as):
    coordinator = user_make(world.other_force, Role.COORDINATOR)
    resp = api_as(coordinator).post_json("/api/v1/subscriptions", {"agency": world.la.pk, **GOOD})
    assert resp.status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"url": "ftp://127.0.0.1/hooks"}, "url"),
        ({"url": "file:///etc/passwd"}, "url"),
        ({"url": "http://10.0.0.5/hooks"}, "url"),
        ({"url": "http://192.168.1.10:8080/"}, "url"),
        ({"url": "http://169.254.169.254/latest/meta-data"}, "url"),
        ({"url": "http://user:pw@127.0.0.1/"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"events": ["episode.reported", "episode.exploded"]}, "events"),
        ({"events": []}, "events"),
        ({"agency": 999999}, "agency"),
        ({"agency": "la"}, "agency"),
        ({"secret": "short"}, "secret"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_subscriptions_are_refused_naming_the_field(world, api_as, change, field):
    body = {"agency": world.la.pk, **GOOD, **change}
    resp = api_as(world.socialworker).post_json("/api/v1/subscriptions", body)
    assert resp.status_code == 422, resp.content
    assert field in _errors(resp), resp.json()
    assert not Subscription.objects.exists()


def test_missing_fields_are_named(world, api_as):
    resp = api_as(world.socialworker).post_json("/api/v1/subscriptions", {"agency": world.la.pk})
    assert resp.status_code == 422
    assert {"url", "secret", "events"} <= set(_errors(resp))


def test_internal_address_is_accepted_only_when_allow_listed(world, api_as, settings):
    settings.MISPER_WEBHOOK_ALLOWLIST = ["10.0.0.0/8"]
    body = {"agency": world.la.pk, **GOOD, "url": "http://10.0.0.5/hooks"}
    assert api_as(world.socialworker).post_json("/api/v1/subscriptions", body).status_code == 201
    body["url"] = GOOD["url"]  # 127.0.0.1 is no longer allowed
    resp = api_as(world.socialworker).post_json("/api/v1/subscriptions", body)
    assert resp.status_code == 422
    assert "internal address" in _errors(resp)["url"]


def test_inbox_lists_own_agency_alerts_newest_first(world, api_as):
    mine = [episode_make(child_make(world.force, placing_authority=world.la)) for _ in range(2)]
    theirs = episode_make(child_make(world.force, placing_authority=world.other_la))
    for episode in [*mine, theirs]:
        alerts_for_event(event="episode.reported", episode=episode)
    resp = api_as(world.socialworker).get_json("/api/v1/alerts")
    assert resp.status_code == 200
    body = resp.json()
    assert body["count"] == 2
    assert [a["episode_id"] for a in body["items"]] == [mine[1].pk, mine[0].pk]
    assert body["items"][0]["event"] == "episode.reported"
    assert AccessEvent.objects.filter(action="list", record_type="alert", username="socialworker").exists()


def test_acknowledge_an_alert_once(world, api_as):
    alerts_for_event(
        event="episode.reported", episode=episode_make(child_make(world.force, placing_authority=world.la))
    )
    alert = Alert.objects.get(recipient_agency=world.la, channel="inbox")
    client = api_as(world.socialworker)
    resp = client.post_json(f"/api/v1/alerts/{alert.pk}/acknowledge", {})
    assert resp.status_code == 200, resp.content
    assert resp.json()["status"] == "acknowledged"
    assert resp.json()["acknowledged_by"] == "socialworker"
    first = resp.json()["acknowledged_at"]
    again = client.post_json(f"/api/v1/alerts/{alert.pk}/acknowledge", {})
    assert again.status_code == 200
    assert again.json()["acknowledged_at"] == first


def test_another_agency_cannot_see_or_acknowledge_an_alert(world, api_as):
    alerts_for_event(
        event="episode.reported", episode=episode_make(child_make(world.force, placing_authority=world.la))
    )
    alert = Alert.objects.get(recipient_agency=world.la, channel="inbox")
    other = api_as(world.other_socialworker)
    assert other.get_json("/api/v1/alerts").json()["count"] == 0
    assert other.post_json(f"/api/v1/alerts/{alert.pk}/acknowledge", {}).status_code == 404
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_only_inbox_alerts_are_in_the_inbox(world, api_as):
    world.la.email = "duty@testshire.example"
    world.la.save()
    alerts_for_event(
        event="episode.reported", episode=episode_make(child_make(world.force, placing_authority=world.la))
    )
    email = Alert.objects.get(recipient_agency=world.la, channel="email")
    client = api_as(world.socialworker)
    assert client.get_json("/api/v1/alerts").json()["count"] == 1
    assert client.post_json(f"/api/v1/alerts/{email.pk}/acknowledge", {}).status_code == 404


@pytest.mark.parametrize("field", ["placing_authority", "host_authority"])
@pytest.mark.parametrize("code", ["no-such-council", "test-force", "retired-la"])
def test_a_report_naming_an_unknown_agency_code_is_a_422_and_stores_nothing(world, api_as, field, code):
    """An attacker (or a typo) names a council that does not exist, a police force as a council, or a
    council no longer active: the partner would never be told, so the report is refused, naming the field."""
    from misper.accounts.models import AgencyKind
    from misper.episodes.models import Episode
    from misper.partners.tests.conftest import report_doc
    from tests.factories import agency_make

    agency_make(AgencyKind.LOCAL_AUTHORITY, code="retired-la", name="Retired Council", active=False)
    doc = report_doc("C-CODE-1")
    doc["child"]["looked_after"] = True
    doc["child"]["placement"] = {"type": "residential_home", field: code}
    resp = api_as(world.calltaker).post_json("/api/v1/episodes", doc)
    assert resp.status_code == 422
    assert f"child.placement.{field}" in _errors(resp)
    assert not Episode.objects.filter(child__ref="C-CODE-1").exists()


def test_a_report_naming_a_known_council_by_code_links_it(world, api_as):
    from misper.episodes.models import Episode
    from misper.partners.tests.conftest import report_doc

    resp = api_as(world.calltaker).post_json(
        "/api/v1/episodes", report_doc("C-CODE-2", placing_authority="test-la")
    )
    assert resp.status_code == 201, resp.json()
    assert Episode.objects.get(pk=resp.json()["id"]).child.placing_authority == world.la
