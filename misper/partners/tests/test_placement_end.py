"""Ending a placement: the service, who may end one, the page, the API, and what the host force keeps."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from misper.accounts.models import Role
from misper.audit.models import AccessEvent, ChangeRecord
from misper.core.errors import ConflictError, InvalidInput
from misper.episodes.selectors import visible_episodes
from misper.notifications.models import Alert
from misper.partners import placement_ending, placements
from misper.partners.models import PlacementNotice
from misper.partners.tests.test_placements import _data, _web, host  # noqa: F401 - the fixture
from misper.people.selectors import visible_children
from tests.factories import user_make

pytestmark = pytest.mark.django_db

REASON = "Moved to a foster placement nearer home."


@pytest.fixture
def placed(pairs, host):  # type: ignore[no-untyped-def]  # noqa: F811
    """The ours-side child placed on the host force's patch from 30 days ago, and the host coordinator."""
    data = _data(host, child_id=pairs.ours.child.pk, starts_on=date.today() - timedelta(days=30))
    notice = placements.placement_notice_create(data=data, acting_user=pairs.ours.users["placing_authority"])
    coordinator = user_make(host["force"], Role.COORDINATOR, username="host-coordinator")
    return {"notice": notice, "coordinator": coordinator, **host}


def _end(notice: PlacementNotice, user: Any, **kw: Any) -> PlacementNotice:
    args = {"ended_on": date.today(), "reason": REASON, "version": notice.version, **kw}
    return placement_ending.placement_end(user=user, notice=notice, **args)


# --- the service -------------------------------------------------------------------------------------


def test_the_placing_authority_ends_a_placement_with_history_access_event_and_alert(pairs, placed):  # type: ignore[no-untyped-def]
    placing = pairs.ours.users["placing_authority"]
    notice = placed["notice"]
    ended = _end(notice, placing, ended_on=date.today() - timedelta(days=1))

    ended.refresh_from_db()
    assert ended.ends_on == date.today() - timedelta(days=1)
    assert ended.end_reason == REASON
    assert ended.ended_by == placing
    assert ended.ended_at is not None
    assert ended.version == notice.version + 1
    change = ChangeRecord.objects.get(record_type="placementnotice", record_id=str(notice.pk))
    assert change.changes["end_reason"] == ["", REASON]
    assert change.user == placing
    assert AccessEvent.objects.filter(
        record_type="placement_notice",
        action="change",
        record_ids=[str(notice.pk)],
        username=placing.username,
    ).exists()
    inbox = Alert.objects.filter(event="placement.ended", channel="inbox")
    assert sorted(a.recipient_agency.code for a in inbox) == ["host-force", "host-la"]
    assert inbox.first().payload["notice_id"] == notice.pk  # type: ignore[union-attr]


def test_the_host_force_coordinator_may_end_it_but_not_other_officers_or_the_host_council(pairs, placed):  # type: ignore[no-untyped-def]
    notice = placed["notice"]
    for refused in (placed["officer"], placed["worker"]):  # they see the notice: 403, not 404
        with pytest.raises(PermissionDenied):
            _end(notice, refused)
    for stranger in (
        pairs.calltaker,
        pairs.theirs.users["placing_authority"],
        pairs.ours.users["care_provider"],
    ):
        with pytest.raises(Http404):
            _end(notice, stranger)
    _end(notice, placed["coordinator"])
    # The coordinator's own agency is not alerted about its own action; the host council and the placing
    # authority (responsible for the child) are.
    assert sorted(
        a.recipient_agency.code for a in Alert.objects.filter(event="placement.ended", channel="inbox")
    ) == ["host-la", "ours-placing"]


@pytest.mark.parametrize(
    ("ended_on", "reason", "field", "message"),
    [
        (None, REASON, "ended_on", placement_ending.ENTER_ENDED_ON),
        (date.today() + timedelta(days=1), REASON, "ended_on", placement_ending.ENDED_IN_FUTURE),
        (date.today() - timedelta(days=31), REASON, "ended_on", "The placement cannot end before it started"),
        (date.today(), "   ", "reason", placement_ending.ENTER_REASON),
    ],
)
def test_bad_end_names_the_field_and_saves_nothing(pairs, placed, ended_on, reason, field, message):  # type: ignore[no-untyped-def]
    notice = placed["notice"]
    with pytest.raises(InvalidInput) as exc:
        _end(notice, pairs.ours.users["placing_authority"], ended_on=ended_on, reason=reason)
    assert [(e.field, e.message[: len(message)]) for e in exc.value.errors] == [(field, message)]
    notice.refresh_from_db()
    assert notice.ends_on is None
    assert notice.ended_at is None
    assert notice.version == 1
    assert not Alert.objects.filter(event="placement.ended").exists()
    assert not ChangeRecord.objects.filter(record_type="placementnotice").exists()


def test_ending_on_the_start_day_is_allowed(pairs, placed):  # type: ignore[no-untyped-def]
    notice = placed["notice"]
    _end(notice, pairs.ours.users["placing_authority"], ended_on=notice.starts_on)
    notice.refresh_from_db()
    assert notice.ends_on == notice.starts_on


def test_a_stale_version_or_a_second_end_is_a_conflict(pairs, placed):  # type: ignore[no-untyped-def]
    notice = placed["notice"]
    placing = pairs.ours.users["placing_authority"]
    with pytest.raises(ConflictError):
        _end(notice, placing, version=notice.version + 5)
    with pytest.raises(InvalidInput):
        _end(notice, placing, version=None)
    _end(notice, placing)
    with pytest.raises(ConflictError):
        _end(notice, placed["coordinator"], version=notice.version + 1)
    assert Alert.objects.filter(event="placement.ended", channel="inbox").count() == 2


def test_an_alert_failure_rolls_the_end_back(pairs, placed, monkeypatch):  # type: ignore[no-untyped-def]
    def boom(**kw: Any) -> int:
        raise RuntimeError("outbox down")

    monkeypatch.setattr(placement_ending, "child_alerts_write", boom)
    with pytest.raises(RuntimeError):
        _end(placed["notice"], pairs.ours.users["placing_authority"])
    placed["notice"].refresh_from_db()
    assert placed["notice"].ended_at is None
    assert not ChangeRecord.objects.filter(record_type="placementnotice").exists()


# --- what the host force keeps -------------------------------------------------------------------------


def test_host_force_keeps_the_child_through_the_last_day_then_loses_child_and_episodes(pairs, placed):  # type: ignore[no-untyped-def]
    """The decision in docs/partners.md: the rule is per child, so the host force's view of the child
    (and every episode on its record) lasts to the end of the last day and no further."""
    officer, child, episode = placed["officer"], pairs.ours.child, pairs.ours.episode
    assert visible_episodes(officer).filter(pk=episode.pk).exists()
    notice = _end(placed["notice"], pairs.ours.users["placing_authority"])  # last day: today
    assert visible_children(officer).filter(pk=child.pk).exists()
    assert visible_episodes(officer).filter(pk=episode.pk).exists()

    PlacementNotice.objects.filter(pk=notice.pk).update(ends_on=date.today() - timedelta(days=1))
    assert not visible_children(officer).filter(pk=child.pk).exists()
    assert not visible_episodes(officer).filter(pk=episode.pk).exists()
    assert _web(officer).get(f"/episodes/{episode.pk}").status_code == 404
    # The placing side keeps everything, and the notice stays on the child's record.
    placing = pairs.ours.users["placing_authority"]
    assert visible_episodes(placing).filter(pk=episode.pk).exists()
    assert list(child.placement_notices.all()) == [notice]
    assert placement_ending.access_notice_by_id(placing, notice.pk) == notice


def test_a_new_current_notice_restores_the_host_forces_view(pairs, placed):  # type: ignore[no-untyped-def]
    officer, child = placed["officer"], pairs.ours.child
    notice = _end(
        placed["notice"], pairs.ours.users["placing_authority"], ended_on=date.today() - timedelta(days=1)
    )
    assert notice.ends_on < date.today()  # type: ignore[operator]
    assert not visible_children(officer).filter(pk=child.pk).exists()
    placements.placement_notice_create(
        data=_data(placed, child_id=child.pk, place_name="Birch House"),
        acting_user=pairs.ours.users["placing_authority"],
    )
    assert visible_children(officer).filter(pk=child.pk).exists()


# --- lists and pages -----------------------------------------------------------------------------------


def test_an_ended_notice_leaves_the_current_list_but_stays_on_the_sent_list_and_notice_page(pairs, placed):  # type: ignore[no-untyped-def]
    notice, worker = placed["notice"], placed["worker"]
    placing = _web(pairs.ours.users["placing_authority"])
    assert f'data-notice-id="{notice.pk}"' in _web(worker).get("/placements").content.decode()
    _end(notice, pairs.ours.users["placing_authority"])

    assert list(placements.current_received_notices(worker)) == []
    assert f'data-notice-id="{notice.pk}"' not in _web(worker).get("/placements").content.decode()
    assert f'data-notice-id="{notice.pk}"' not in _web(placed["officer"]).get("/placements").content.decode()
    sent = placing.get("/placements").content.decode()
    assert f'data-notice-id="{notice.pk}"' in sent
    assert "(ended)" in sent
    page = placing.get(f"/placements/{notice.pk}").content.decode()
    assert 'data-testid="notice-ended"' in page
    assert REASON in page
    assert 'data-testid="end-form"' not in page  # already ended


def test_notice_page_ends_the_placement_and_shows_field_errors(pairs, placed):  # type: ignore[no-untyped-def]
    notice = placed["notice"]
    client = _web(placed["coordinator"])
    page = client.get(f"/placements/{notice.pk}").content.decode()
    assert 'data-testid="end-form"' in page
    assert (
        'data-testid="end-form"'
        not in _web(placed["officer"]).get(f"/placements/{notice.pk}").content.decode()
    )

    def views() -> int:
        return AccessEvent.objects.filter(
            record_type="placement_notice", action="view", record_ids=[str(notice.pk)]
        ).count()

    before = views()
    r = client.post(f"/placements/{notice.pk}/end", {"ended_on": "", "reason": "", "version": notice.version})
    assert r.status_code == 400
    assert views() == before + 1  # the notice was shown again, with the errors: logged as a view
    body = r.content.decode()
    assert "There is a problem" in body
    assert "<title>Error: " in body
    assert placement_ending.ENTER_ENDED_ON in body
    assert placement_ending.ENTER_REASON in body
    stale = {"ended_on": date.today().isoformat(), "reason": REASON, "version": notice.version + 1}
    assert client.post(f"/placements/{notice.pk}/end", stale).status_code == 409
    notice.refresh_from_db()
    assert notice.ended_at is None

    good = {"ended_on": date.today().isoformat(), "reason": REASON, "version": notice.version}
    r = client.post(f"/placements/{notice.pk}/end", good)
    assert r.status_code == 302
    notice.refresh_from_db()
    assert notice.ended_by == placed["coordinator"]
    assert _web(placed["officer"]).post(f"/placements/{notice.pk}/end", good).status_code == 403
    assert _web(pairs.calltaker).get(f"/placements/{notice.pk}").status_code == 404


# --- the API -------------------------------------------------------------------------------------------


def test_api_ends_a_placement_with_field_errors_and_conflicts(pairs, placed, api_as):  # type: ignore[no-untyped-def]
    notice = placed["notice"]
    placing = api_as(pairs.ours.users["placing_authority"])
    url = f"/api/v1/placements/{notice.pk}"
    got = placing.get_json(url).json()
    assert got["version"] == 1
    assert got["current"] is True
    assert got["ends_on"] is None

    bad = placing.post_json(f"{url}/end", {"ended_on": "2999-01-01", "version": 1})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"ended_on", "reason"}
    assert (
        placing.post_json(f"{url}/end", {"ended_on": "not a date", "reason": "x", "version": 1}).status_code
        == 422
    )
    assert placing.post_json(f"{url}/end", {"reason": REASON, "version": 1, "extra": 1}).status_code == 422
    assert (
        placing.post_json(
            f"{url}/end", {"ended_on": date.today().isoformat(), "reason": REASON, "version": 9}
        ).status_code
        == 409
    )
    assert api_as(placed["officer"]).post_json(f"{url}/end", {}).status_code == 403
    assert api_as(pairs.calltaker).post_json(f"{url}/end", {}).status_code == 404

    ok = placing.post_json(
        f"{url}/end", {"ended_on": date.today().isoformat(), "reason": REASON, "version": 1}
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["version"] == 2
    assert ok.json()["end_reason"] == REASON
    assert ok.json()["current"] is False
    assert Alert.objects.filter(event="placement.ended", channel="inbox").count() == 2
