"""The UK Missing Persons Unit notice (docs/ukmpu.md): due at the policy's 72-hour point, late after the
allowance, recorded once with what was sent, by whom and how; pages, the API, the export and the dashboard
figure; every access rule attacked (another force, a partner, a call handler, replays, bad values)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.utils import timezone

from misper.accounts.models import Role
from misper.analytics.figures import dashboard_figures
from misper.analytics.filters import default_filters
from misper.core.errors import ConflictError, InvalidInput
from misper.episodes import ukmpu
from misper.episodes.models import Action, UkmpuNotice
from misper.episodes.ukmpu_fields import FIELDS
from tests.factories import child_make, episode_make, user_make

pytestmark = pytest.mark.django_db


def _missing(world: Any, hours: float, **kw: Any) -> Any:
    now = timezone.now()
    child = child_make(world.force, placing_authority=world.la, looked_after=True, **kw)
    return episode_make(
        child, reported_at=now - timedelta(hours=hours - 1), last_seen_at=now - timedelta(hours=hours)
    )


@pytest.fixture
def coordinator(world: Any) -> Any:
    return user_make(world.force, Role.COORDINATOR, username="coordinator")


def _record(episode: Any, user: Any, **kw: Any) -> UkmpuNotice:
    args = {"sent_at": timezone.now() - timedelta(minutes=5), "method": "secure_email"} | kw
    return ukmpu.ukmpu_notice_record(episode_id=episode.pk, acting_user=user, **args)


# --- when it is due, sent and late ---------------------------------------------------------------------


def test_the_notice_falls_due_at_the_policys_point_and_is_late_after_the_allowance(world):
    assert ukmpu.notice_state(_missing(world, 71)).code == "not_due"
    due = ukmpu.notice_state(_missing(world, 73))
    assert due.code == "due"
    assert due.words.startswith("Due since")
    assert ukmpu.notice_state(_missing(world, 72 + 25)).code == "late"


def test_the_allowance_is_a_setting_read_through_thresholds(world, settings):
    episode = _missing(world, 80)
    assert ukmpu.notice_state(episode).code == "due"
    settings.MISPER_UKMPU_NOTICE_ALLOWANCE_HOURS = 4
    assert ukmpu.notice_state(episode).code == "late"


def test_a_force_policy_moves_the_point(world, settings, tmp_path: Path):
    path = tmp_path / "shortshire.toml"
    path.write_text('extends = "national"\nname = "shortshire"\nversion = "t"\n[thresholds]\n'
                    "long_missing_hours = 48\n", "utf-8")  # fmt: skip
    settings.MISPER_RISK_POLICY = str(path)
    assert ukmpu.notice_state(_missing(world, 50)).code == "due"


def test_a_child_found_after_the_point_still_needs_a_notice(world, coordinator):
    episode = _missing(world, 100)
    episode.status, episode.found_at = "found", timezone.now() - timedelta(hours=2)
    episode.save()
    assert ukmpu.notice_state(episode).code == "late"
    assert [e.pk for e, _ in ukmpu.notices_to_send(coordinator)] == [episode.pk]


# --- recording it --------------------------------------------------------------------------------------


def test_recording_keeps_what_was_sent_who_when_how_and_finishes_the_action(world, coordinator):
    episode = _missing(world, 80, given_name="Maya", description="Red coat")
    Action.objects.create(episode=episode, code="notify_ukmpu", title="Tell the unit")
    sent_at = timezone.now() - timedelta(minutes=30)
    notice = _record(episode, coordinator, sent_at=sent_at, ukmpu_reference="UKMPU-123", notes="Spoke to J.")
    assert (notice.sent_at, notice.sent_by, notice.method) == (sent_at, coordinator, "secure_email")
    assert notice.content["name"].startswith("Maya")
    assert notice.content["description"] == "Red coat"
    assert notice.content["force_reference"] == episode.reference
    assert Action.objects.get(episode=episode, code="notify_ukmpu").status == "done"
    episode.refresh_from_db()
    assert ukmpu.notice_state(episode).code == "sent"
    assert ukmpu.notices_to_send(coordinator) == []


def test_a_notice_sent_after_the_allowance_is_recorded_as_sent_late(world, coordinator):
    episode = _missing(world, 120)
    _record(episode, coordinator)
    episode.refresh_from_db()
    state = ukmpu.notice_state(episode)
    assert state.code == "sent_late"
    assert "more than 24 hours after it was due" in state.words


def test_it_is_recorded_once_and_not_before_the_point(world, coordinator):
    with pytest.raises(ConflictError, match="has not been missing 72 hours"):
        _record(_missing(world, 10), coordinator)
    episode = _missing(world, 80)
    _record(episode, coordinator)
    with pytest.raises(ConflictError, match="already recorded as sent"):
        _record(episode, coordinator, method="phone")
    assert UkmpuNotice.objects.count() == 1


def test_bad_values_are_field_errors_and_save_nothing(world, coordinator):
    episode = _missing(world, 80)
    with pytest.raises(InvalidInput) as exc:
        _record(
            episode,
            coordinator,
            sent_at=timezone.now() + timedelta(days=1),
            method="pigeon",
            ukmpu_reference="x" * 41,
            notes="n" * 5001,
        )
    assert {e.field for e in exc.value.errors} == {"sent_at", "method", "ukmpu_reference", "notes"}
    with pytest.raises(InvalidInput) as exc:
        _record(episode, coordinator, sent_at=episode.reported_at - timedelta(days=3))
    assert [e.field for e in exc.value.errors] == ["sent_at"]
    assert not UkmpuNotice.objects.exists()


@pytest.mark.parametrize("who", ["calltaker", "analyst", "socialworker"])
def test_roles_that_may_not_handle_notices_are_refused(world, who):
    episode = _missing(world, 80)
    with pytest.raises(PermissionDenied):
        _record(episode, getattr(world, who))
    assert not UkmpuNotice.objects.exists()


def test_another_forces_coordinator_cannot_see_or_record_the_notice(world):
    episode = _missing(world, 80)
    other = user_make(world.other_force, Role.COORDINATOR)
    with pytest.raises(Http404):
        _record(episode, other)
    assert ukmpu.notices_to_send(other) == []
    assert not UkmpuNotice.objects.exists()


# --- the API -------------------------------------------------------------------------------------------


def test_api_shows_what_to_send_then_records_it(world, coordinator, api_as):
    episode = _missing(world, 80)
    api = api_as(coordinator)
    got = api.get_json(f"/api/v1/episodes/{episode.pk}/ukmpu-notice")
    assert got.status_code == 200, got.content
    body = got.json()
    assert (body["format"], body["status"], body["sent"]) == (ukmpu.EXPORT_FORMAT, "due", None)
    assert [f["key"] for f in body["fields"]] == [k for k, _ in FIELDS]
    listed = api.get_json("/api/v1/ukmpu-notices").json()
    assert [r["episode_id"] for r in listed["to_send"]] == [episode.pk]

    sent = {"sent_at": timezone.now().isoformat(), "method": "online_form", "ukmpu_reference": "U-9"}
    done = api.post_json(f"/api/v1/episodes/{episode.pk}/ukmpu-notice", sent)
    assert done.status_code == 201, done.content
    assert done.json()["sent"]["method"] == "online_form"
    assert done.json()["status"] == "sent"
    again = api.post_json(f"/api/v1/episodes/{episode.pk}/ukmpu-notice", sent)
    assert again.status_code == 409
    assert api.get_json("/api/v1/ukmpu-notices").json()["sent"][0]["episode_id"] == episode.pk


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sent_at": "2026-12-01T10:00:00", "method": "phone"}, "sent_at"),  # no time zone
        ({"sent_at": "not a time", "method": "phone"}, "sent_at"),
        ({"sent_at": "2026-12-01T10:00:00Z", "method": "fax"}, "method"),
        ({"sent_at": "2026-12-01T10:00:00Z", "method": "phone", "notes": "n" * 100_000}, "notes"),
        ({"sent_at": "2026-12-01T10:00:00Z", "method": "phone", "extra": 1}, "extra"),
    ],
)
def test_api_refuses_malformed_and_huge_values_naming_the_field(world, coordinator, api_as, body, field):
    episode = _missing(world, 80)
    r = api_as(coordinator).post_json(f"/api/v1/episodes/{episode.pk}/ukmpu-notice", body)
    assert r.status_code == 422, r.content
    assert field in {e["field"] for e in r.json()["errors"]}
    assert not UkmpuNotice.objects.exists()


def test_api_access_other_force_partner_and_call_handler(world, api_as):
    episode = _missing(world, 80)
    body = {"sent_at": timezone.now().isoformat(), "method": "phone"}
    other = user_make(world.other_force, Role.COORDINATOR)
    path = f"/api/v1/episodes/{episode.pk}/ukmpu-notice"
    assert api_as(other).get_json(path).status_code == 404
    assert api_as(other).post_json(path, body).status_code == 404
    assert api_as(other).get_json("/api/v1/ukmpu-notices").json() == {"to_send": [], "sent": []}
    for user in (world.socialworker, world.calltaker):
        assert api_as(user).get_json(path).status_code == 403
        assert api_as(user).post_json(path, body).status_code == 403
        assert api_as(user).get_json("/api/v1/ukmpu-notices").status_code == 403
    assert api_as(None).get_json(path).status_code == 401
    assert not UkmpuNotice.objects.exists()


# --- pages and the export ------------------------------------------------------------------------------


def _signed_in(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_pages_list_show_record_print_and_export(world, coordinator):
    episode = _missing(world, 80, given_name="Maya")
    c = _signed_in(coordinator)
    listed = c.get("/ukmpu")
    assert listed.status_code == 200
    assert "Maya" in listed.content.decode()
    page = c.get(f"/episodes/{episode.pk}")
    assert "UK Missing Persons Unit" in page.content.decode()
    assert "See what to send and record it" in page.content.decode()
    shown = c.get(f"/episodes/{episode.pk}/ukmpu").content.decode()
    assert "What to send" in shown
    assert episode.reference in shown
    now = timezone.localtime()
    form = {
        "sent_at_day": now.day,
        "sent_at_month": now.month,
        "sent_at_year": now.year,
        "sent_at_time": now.strftime("%H:%M"),
        "method": "phone",
        "ukmpu_reference": "U-77",
    }
    done = c.post(f"/episodes/{episode.pk}/ukmpu", form)
    assert done.status_code == 302, done.content.decode()[:3000]
    assert UkmpuNotice.objects.get().ukmpu_reference == "U-77"
    printed = c.get(f"/episodes/{episode.pk}/ukmpu/print").content.decode()
    assert "Notice to the UK Missing Persons Unit" in printed
    assert "U-77" in printed
    exported = c.get(f"/episodes/{episode.pk}/ukmpu.json")
    assert "attachment" in exported["Content-Disposition"]
    assert json.loads(exported.content)["sent"]["ukmpu_reference"] == "U-77"


def test_the_form_shows_field_errors_and_saves_nothing(world, coordinator):
    episode = _missing(world, 80)
    r = _signed_in(coordinator).post(f"/episodes/{episode.pk}/ukmpu", {"method": ""})
    text = r.content.decode()
    assert r.status_code == 200
    assert "There is a problem" in text
    assert "Enter when the notice was sent" in text
    assert "Select how the notice was sent" in text
    assert "<title>Error: " in text
    assert not UkmpuNotice.objects.exists()


def test_pages_refuse_other_roles_and_forces(world):
    episode = _missing(world, 80)
    assert _signed_in(world.calltaker).get("/ukmpu").status_code == 403
    assert _signed_in(world.socialworker).get(f"/episodes/{episode.pk}/ukmpu").status_code == 403
    other = user_make(world.other_force, Role.COORDINATOR)
    for path in ("", "/print", ".json"):
        assert _signed_in(other).get(f"/episodes/{episode.pk}/ukmpu{path}").status_code == 404
    # the supervisor's page shows the card; a partner's page of the same episode does not
    assert "See what to send" in _signed_in(world.supervisor).get(f"/episodes/{episode.pk}").content.decode()
    partner_page = _signed_in(world.socialworker).get(f"/episodes/{episode.pk}").content.decode()
    assert "UK Missing Persons Unit" not in partner_page


# --- the dashboard -------------------------------------------------------------------------------------


def test_the_dashboard_counts_due_sent_and_late(world, coordinator):
    _missing(world, 80)  # due
    _missing(world, 120)  # late, not sent
    _record(_missing(world, 80), coordinator)  # sent on time
    _record(_missing(world, 130), coordinator)  # sent late
    _missing(world, 5)  # not missing long enough: not counted
    (figure,) = dashboard_figures(
        world.supervisor, default_filters(timezone.localdate()), codes=["response_ukmpu_notices"]
    )
    totals = {row[0]: row[-1] for row in figure.rows}
    assert totals == {
        "Due, not yet sent": 1,
        "Sent on time": 1,
        "Sent late": 1,
        "Late and not yet sent": 1,
    }
    (partner,) = dashboard_figures(
        world.other_socialworker, default_filters(timezone.localdate()), codes=["response_ukmpu_notices"]
    )
    assert sum(row[-1] for row in partner.rows) == 0  # another council's worker counts none of these
