"""The national return (version 2): the child's identity for national linkage, everything else coarsened
and no free text, schema-valid, a logged disclosure, and clear errors for bad input."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command

from misper.analytics.national_return import postcode_district, validate_line
from misper.audit.models import AccessEvent
from misper.people.models import Location, LocationKind
from tests.factories import child_make, episode_make

pytestmark = pytest.mark.django_db
MONTH = "2025-03"
# Never sent: where the child went missing from (a place, not their identity) and free text.
SECRETS = ("DM1 2AB", "DM12AB", "Bramble House", "ran to a friend")


@pytest.fixture
def march(world):  # type: ignore[no-untyped-def]
    home = Location.objects.create(
        force=world.force, kind=LocationKind.PLACEMENT, name="Bramble House", postcode="DM1 2AB"
    )
    child = child_make(
        world.force,
        ref="C-SECRET-1",
        given_name="Zebedee",
        family_name="Uniquename",
        date_of_birth=datetime(2011, 7, 9).date(),
    )
    at = datetime(2025, 3, 10, 14, 37, tzinfo=UTC)
    ep = episode_make(
        child,
        at,
        missing_from=home,
        circumstances="Zebedee ran to a friend",
        found_at=at + timedelta(hours=5),
        harm_disclosed=False,
        status="closed",
    )
    adult = child_make(world.force, ref="A-1", date_of_birth=datetime(1990, 1, 1).date())
    episode_make(adult, datetime(2025, 3, 11, tzinfo=UTC))
    child_make(world.other_force, ref="X-1")
    return ep


def export(tmp_path: Path, *extra: str) -> list[dict[str, object]]:
    out = tmp_path / "return.jsonl"
    call_command(
        "export",
        "national",
        "--period",
        MONTH,
        "--out",
        str(out),
        "--force",
        "test-force",
        *extra,
        stderr=io.StringIO(),
    )
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_one_line_per_child_episode_with_the_identity_linkage_needs(world, march, tmp_path) -> None:
    lines = export(tmp_path)
    assert len(lines) == 1  # the adult's episode is not in a return about children
    text = (tmp_path / "return.jsonl").read_text()
    for secret in SECRETS:
        assert secret not in text, secret
    line = lines[0]
    assert line["return_version"] == "2"
    assert line["source"] == "test-force"
    assert line["format"] == "misper/1"
    child = line["child"]
    assert (child["ref"], child["given_name"], child["family_name"]) == (
        "C-SECRET-1",
        "Zebedee",
        "Uniquename",
    )
    assert child["date_of_birth"] == "2011-07-09"
    assert child["age_band"] == "12-13"
    assert line["episode"]["ref"] == march.reference
    assert line["episode"]["reported_at"] == "2025-03-10T14:37:00+00:00"
    assert line["report"]["reported_at"] == "2025-03-10T14:00:00+00:00"
    assert line["outcome"]["missing_from_district"] == "DM1"
    assert line["outcome"]["duration_hours"] == 6.0  # last seen an hour before the report
    assert validate_line(line) == []


def test_the_home_address_is_sent_for_linkage(world, march, tmp_path) -> None:
    march.child.home_address = Location.objects.create(
        force=world.force,
        kind=LocationKind.HOME,
        address_line="4 Quay Street",
        town="Dunmere",
        postcode="DM4 1ZZ",
    )
    march.child.save()
    assert export(tmp_path)[0]["address"] == {
        "line": "4 Quay Street",
        "town": "Dunmere",
        "postcode": "DM4 1ZZ",
    }


def test_the_export_is_a_logged_disclosure(world, march, tmp_path) -> None:
    export(tmp_path)
    event = AccessEvent.objects.get(action="disclose")
    assert event.record_type == "episode"
    assert event.record_ids == [str(march.pk)]
    assert event.purpose == f"National return {MONTH} for test-force (identifiable, policing purpose)"


@pytest.mark.parametrize("period", ["2025-13", "March", "2025-3", ""])
def test_bad_period_is_a_clear_error(world, march, tmp_path, period) -> None:
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("export", "national", "--period", period, "--out", str(tmp_path / "r.jsonl"), stderr=err)
    assert exit_.value.code == 2
    assert "Enter the period as YYYY-MM" in err.getvalue()
    assert not (tmp_path / "r.jsonl").exists()
    assert not AccessEvent.objects.filter(action="disclose").exists()


@pytest.mark.parametrize(
    ("section", "field"), [("child", "circumstances"), ("report", "circumstances"), ("outcome", "offences")]
)
def test_schema_rejects_free_text(world, march, tmp_path, section, field) -> None:
    line = export(tmp_path)[0]
    line[section][field] = "Zebedee ran to a friend"  # type: ignore[index]
    assert any(field in p for p in validate_line(line))


@pytest.mark.parametrize(
    ("postcode", "district"),
    [("DM1 2AB", "DM1"), ("dm12ab", "DM1"), ("SW1A 1AA", "SW1A"), ("nonsense", None)],
)
def test_postcode_district(postcode, district) -> None:
    assert postcode_district(postcode) == district
