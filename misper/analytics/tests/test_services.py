"""The national return: pseudonymised, keyed-hash stable and key-dependent, schema-valid, a logged
disclosure, and clear errors for bad input."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command

from misper.analytics.national_return import postcode_district, validate_line
from misper.audit.models import AccessEvent
from misper.core.factories import child_make, episode_make
from misper.people.models import Location, LocationKind

pytestmark = pytest.mark.django_db
MONTH = "2025-03"
SECRETS = ("Zebedee", "Uniquename", "C-SECRET-1", "DM1 2AB", "DM12AB", "Bramble House", "ran to a friend")


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


def test_one_pseudonymised_line_per_child_episode(world, march, tmp_path) -> None:
    lines = export(tmp_path)
    assert len(lines) == 1  # the adult's episode is not in a return about children
    text = (tmp_path / "return.jsonl").read_text()
    for secret in SECRETS:
        assert secret not in text, secret
    line = lines[0]
    assert line["return_version"] == "1"
    assert line["source"] == "test-force"
    assert line["format"] == "misper/1"
    assert line["child"]["birth_month"] == "2011-07"
    assert line["child"]["age_band"] == "12-13"
    assert line["report"]["reported_at"] == "2025-03-10T14:00:00+00:00"
    assert line["outcome"]["missing_from_district"] == "DM1"
    assert line["outcome"]["duration_hours"] == 6.0  # last seen an hour before the report
    assert validate_line(line) == []


def test_keyed_hash_is_stable_and_depends_on_the_key(world, march, tmp_path, settings) -> None:
    settings.MISPER_NATIONAL_KEY = "key-one"
    first, again = export(tmp_path)[0], export(tmp_path)[0]
    assert first["child"]["ref"] == again["child"]["ref"]
    assert first["episode_key"] == again["episode_key"]
    settings.MISPER_NATIONAL_KEY = "key-two"
    other = export(tmp_path)[0]
    assert other["child"]["ref"] != first["child"]["ref"]
    assert other["child"]["name_hashes"] != first["child"]["name_hashes"]


def test_the_export_is_a_logged_disclosure(world, march, tmp_path) -> None:
    export(tmp_path)
    event = AccessEvent.objects.get(action="disclose")
    assert event.record_type == "episode"
    assert event.record_ids == [str(march.pk)]
    assert event.purpose == f"National return {MONTH} for test-force"


@pytest.mark.parametrize("period", ["2025-13", "March", "2025-3", ""])
def test_bad_period_is_a_clear_error(world, march, tmp_path, period) -> None:
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("export", "national", "--period", period, "--out", str(tmp_path / "r.jsonl"), stderr=err)
    assert exit_.value.code == 2
    assert "Enter the period as YYYY-MM" in err.getvalue()
    assert not (tmp_path / "r.jsonl").exists()
    assert not AccessEvent.objects.filter(action="disclose").exists()


def test_no_key_outside_demo_mode_is_refused(world, march, tmp_path, settings) -> None:
    settings.DEMO_MODE, settings.MISPER_NATIONAL_KEY = False, ""
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("export", "national", "--period", MONTH, "--force", "test-force", stderr=err)
    assert "MISPER_NATIONAL_KEY" in err.getvalue()


def test_schema_rejects_a_raw_name(world, march, tmp_path) -> None:
    line = export(tmp_path)[0]
    line["child"]["given_name"] = "Zebedee"  # type: ignore[index]
    assert any("given_name" in p for p in validate_line(line))


@pytest.mark.parametrize(
    ("postcode", "district"),
    [("DM1 2AB", "DM1"), ("dm12ab", "DM1"), ("SW1A 1AA", "SW1A"), ("nonsense", None)],
)
def test_postcode_district(postcode, district) -> None:
    assert postcode_district(postcode) == district
