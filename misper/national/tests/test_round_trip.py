"""The force-to-national feed end to end (issue 18): two forces each export their national return with
``misper export national``; ``misper national import`` of both files gives the national view with the
children both forces know linked into one person each, and the others kept apart."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command

from misper.accounts.models import Role
from misper.audit.models import AccessEvent
from misper.national.models import NationalRecord
from misper.national.selectors import cross_force_page, national_counts
from misper.people.models import Location, LocationKind
from tests.factories import child_make, episode_make, user_make

pytestmark = pytest.mark.django_db
MONTH = "2026-03"
AT = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)

# (given, family, date of birth, postcode) as each force holds the same child: typing errors, a
# nickname, day and month swapped, a hyphenated surname with one half dropped.
SHARED = [
    (("Jessica", "Marlowe", date(2011, 4, 9), "DM1 4QT"), ("Jess", "Marlowe", date(2011, 4, 9), "DM1 4QT")),
    (("Harriet", "Quenby", date(2012, 2, 3), "DM2 7LB"), ("Hariet", "Quenby", date(2012, 3, 2), "DM2 7LB")),
    (("Tobias", "Achterberg", date(2010, 11, 21), "DM3 1AA"), ("Tobias", "Achterburg", date(2010, 11, 21), "ZZ9 9ZZ")),
    (("Amara", "Okafor-Lewis", date(2013, 6, 14), "DM5 2CD"), ("Amara", "Okafor", date(2013, 6, 14), "DM5 2CD")),
]  # fmt: skip
ONLY_ALPHA = [
    ("Priya", "Raman", date(2011, 1, 30)),
    ("Callum", "Fairweather", date(2009, 8, 2)),
    ("Olivia", "Marlowe", date(2011, 4, 9)),
]  # Jessica's twin: same surname, birthday, address
ONLY_BRAVO = [("Noah", "Bexley", date(2012, 12, 12)), ("Isla", "Penhaligon", date(2010, 5, 5))]  # fmt: skip


def _child(force, ref, given, family, dob, postcode="DM9 9XX", **episode):
    home = Location.objects.create(
        force=force, kind=LocationKind.HOME, address_line=f"{len(family)} Mill Lane", town="Dunmere",
        postcode=postcode,
    )  # fmt: skip
    child = child_make(force, ref=ref, given_name=given, family_name=family, date_of_birth=dob,
                       home_address=home)  # fmt: skip
    return episode_make(child, AT + timedelta(hours=len(ref)), **episode)


@pytest.fixture
def two_forces(world):
    for i, (alpha, bravo) in enumerate(SHARED):
        _child(world.force, f"A-{i}", *alpha, status="closed", found_at=AT + timedelta(hours=30))
        _child(world.other_force, f"B-{i}", *bravo, status="active")  # missing now, in the other force
    for i, (given, family, dob) in enumerate(ONLY_ALPHA):
        _child(world.force, f"A-x{i}", given, family, dob, "DM1 4QT" if family == "Marlowe" else "DM8 8XX")
    for i, (given, family, dob) in enumerate(ONLY_BRAVO):
        _child(world.other_force, f"B-x{i}", given, family, dob)
    return world


def _export(tmp_path, force_code):
    out = tmp_path / f"{force_code}-{MONTH}.jsonl"
    call_command("export", "national", "--period", MONTH, "--force", force_code, "--out", str(out),
                 stderr=io.StringIO())  # fmt: skip
    return out


def test_two_forces_returns_round_trip_into_one_linked_national_view(two_forces, tmp_path):
    files = [_export(tmp_path, "test-force"), _export(tmp_path, "other-force")]
    out = io.StringIO()
    call_command("national", "import", *map(str, files), stdout=out, stderr=io.StringIO())
    assert "0 rejected" in out.getvalue()
    assert NationalRecord.objects.count() == len(SHARED) * 2 + len(ONLY_ALPHA) + len(ONLY_BRAVO)

    national = two_forces.national
    count, people = cross_force_page(national, limit=50, offset=0)
    linked = {tuple(sorted(r.ref for r in p.records)) for p in people}
    assert linked == {(f"A-{i}", f"B-{i}") for i in range(len(SHARED))}
    counts = national_counts(national)
    assert counts.children == len(SHARED) + len(ONLY_ALPHA) + len(ONLY_BRAVO)
    assert counts.missing_now == counts.children  # the shared children are missing now in bravo
    assert counts.in_more_than_one_force == len(SHARED) == count
    # The export is a disclosure by each force; the import a combination by the national side.
    assert AccessEvent.objects.filter(action="disclose", record_type="episode").count() == 2
    assert AccessEvent.objects.filter(action="combine", record_type="national_record").count() == 2


def _lines(tmp_path, force_code):
    return [json.loads(x) for x in _export(tmp_path, force_code).read_text().splitlines()]


def test_a_force_pushes_a_found_child_and_missing_now_changes_at_once(two_forces, tmp_path, api_as):
    files = [_export(tmp_path, "test-force"), _export(tmp_path, "other-force")]
    call_command("national", "import", *map(str, files), stdout=io.StringIO(), stderr=io.StringIO())
    national = two_forces.national
    before = national_counts(national).missing_now
    line = next(x for x in _lines(tmp_path, "other-force") if x["child"]["ref"] == "B-0")
    line["episode"].update(status="found", found_at=(AT + timedelta(hours=40)).isoformat())
    coordinator = user_make(two_forces.other_force, Role.COORDINATOR)
    resp = api_as(coordinator).post_json("/api/v1/national/returns", {"lines": [line]})
    assert resp.status_code == 200, resp.json()
    assert resp.json() == {"created": 0, "updated": 1, "unchanged": 0, "waiting_for_linkage": 0}
    assert national_counts(national).missing_now == before - 1
    assert AccessEvent.objects.filter(action="disclose", record_type="national_record",
                                      username=coordinator.username).exists()  # fmt: skip


def test_a_new_episode_of_a_known_child_takes_its_person_at_once(two_forces, tmp_path, api_as):
    files = [_export(tmp_path, "test-force"), _export(tmp_path, "other-force")]
    call_command("national", "import", *map(str, files), stdout=io.StringIO(), stderr=io.StringIO())
    line = next(x for x in _lines(tmp_path, "other-force") if x["child"]["ref"] == "B-1")
    line["episode"]["ref"] = "NEW-EPISODE-1"
    resp = api_as(user_make(two_forces.other_force, Role.SUPERVISOR)).post_json(
        "/api/v1/national/returns", {"lines": [line]}
    )
    assert resp.json()["created"] == 1
    records = NationalRecord.objects.filter(ref__in=["A-1", "B-1"]).select_related("link")
    assert len({r.link.person_id for r in records}) == 1
    assert records.count() == 3


@pytest.mark.parametrize(
    ("role", "force", "change", "status", "field"),
    [
        # another force's records: a force cannot write into another's part of the national picture
        (Role.COORDINATOR, "other", lambda x: x, 422, "lines[0].source"),
        (Role.CALL_HANDLER, "own", lambda x: x, 403, None),
        (Role.COORDINATOR, "own", lambda x: x.update(child={**x["child"], "notes": "free text"}), 422, "lines[0].child"),
        (Role.COORDINATOR, "own", lambda x: x["episode"].update(status="vanished"), 422, "lines[0].episode.status"),
        (Role.COORDINATOR, "own", lambda x: x["child"].update(given_name="x" * 5000), 422, "lines[0].child.given_name"),
        # well formed but impossible: refused naming the line, never a 500
        (Role.COORDINATOR, "own", lambda x: x["episode"].update(reported_at="2026-13-45T10:00:00+00:00"), 422, "lines[0]"),
    ],
)  # fmt: skip
def test_a_push_that_is_not_the_forces_own_valid_return_stores_nothing(
    two_forces, tmp_path, api_as, role, force, change, status, field
):
    line = _lines(tmp_path, "test-force")[0]
    change(line)
    agency = two_forces.force if force == "own" else two_forces.other_force
    resp = api_as(user_make(agency, role)).post_json("/api/v1/national/returns", {"lines": [line, line]})
    assert resp.status_code == status, resp.json()
    if field:
        assert field in {e["field"] for e in resp.json()["errors"]}
    assert not NationalRecord.objects.exists()


def test_a_partner_cannot_push(two_forces, tmp_path, api_as):
    line = _lines(tmp_path, "test-force")[0]
    resp = api_as(two_forces.socialworker).post_json("/api/v1/national/returns", {"lines": [line]})
    assert resp.status_code == 403
    assert not NationalRecord.objects.exists()


def test_the_same_episode_twice_in_one_push_is_refused(two_forces, tmp_path, api_as):
    line = _lines(tmp_path, "test-force")[0]
    resp = api_as(user_make(two_forces.force, Role.COORDINATOR)).post_json(
        "/api/v1/national/returns", {"lines": [line, line]}
    )
    assert resp.status_code == 422
    assert "lines[1].episode.ref" in {e["field"] for e in resp.json()["errors"]}
    assert not NationalRecord.objects.exists()


def test_a_new_child_pushed_is_linked_by_the_next_relink(two_forces, tmp_path, api_as):
    call_command("national", "import", str(_export(tmp_path, "test-force")), stdout=io.StringIO())
    line = next(x for x in _lines(tmp_path, "other-force") if x["child"]["ref"] == "B-2")
    resp = api_as(user_make(two_forces.other_force, Role.ANALYST)).post_json(
        "/api/v1/national/returns", {"lines": [line]}
    )
    assert resp.json()["waiting_for_linkage"] == 1
    call_command("national", "relink", stdout=io.StringIO())
    records = NationalRecord.objects.filter(ref__in=["A-2", "B-2"]).select_related("link")
    assert len({r.link.person_id for r in records}) == 1
