"""``misper national demo`` goes through the services a force and the national body use (issue 18): the
demo force's file is exactly what ``misper export national`` writes for each month, every neighbour line
is a valid national return (version 2), and ``misper national import`` loads them all. The demo force
sends its last three months (``demo.MONTHS``): every month would take minutes."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command

from misper.analytics.national_return import validate_line
from misper.audit.models import AccessEvent
from misper.national import demo
from misper.national.models import NationalRecord
from tests.factories import child_make, episode_make

pytestmark = pytest.mark.django_db
MONTHS = ("2026-01", "2026-02", "2026-03")


@pytest.fixture
def demo_force(world, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(demo, "FORCE", world.force.code)
    monkeypatch.setattr(demo, "OWN_CHILDREN", 30)
    earlier = child_make(world.force, ref="C-old", given_name="Earlier", family_name="Example")
    episode_make(earlier, datetime(2025, 12, 1, 10, tzinfo=UTC), status="closed")  # before the last 3 months
    for n in range(12):
        child = child_make(world.force, ref=f"C-{n}", given_name=f"Child{chr(65 + n)}", family_name="Example",
                           date_of_birth=date(2011, 1 + n % 12, 1 + n))  # fmt: skip
        at = datetime(2026, 1 + n % 3, 3 + n, 10, tzinfo=UTC)
        episode_make(child, at, status="closed", found_at=at + timedelta(hours=5))
    return world


def test_the_demo_force_file_is_its_export_and_every_file_imports(demo_force, tmp_path):
    out = io.StringIO()
    call_command("national", "demo", "--out", str(tmp_path / "demo"), stdout=out, stderr=io.StringIO())
    exported = ""
    for month in MONTHS:
        target = tmp_path / f"{month}.jsonl"
        call_command("export", "national", "--period", month, "--force", demo_force.force.code,
                     "--out", str(target), stderr=io.StringIO())  # fmt: skip
        exported += target.read_text()
    files = {p.stem: p.read_text().splitlines() for p in (tmp_path / "demo").glob("*.jsonl")}
    assert "\n".join(files[demo_force.force.code]) + "\n" == exported
    lines = [line for text in files.values() for line in text]
    assert not [p for line in lines for p in validate_line(json.loads(line))]
    assert NationalRecord.objects.count() == len(lines)
    assert set(NationalRecord.objects.values_list("source", flat=True)) == {
        demo_force.force.code,
        *demo.NEIGHBOUR_FORCES,
    }
    assert "0 rejected" in out.getvalue()
    assert AccessEvent.objects.filter(action="disclose", record_type="episode").exists()


def test_if_empty_writes_nothing_when_the_national_view_holds_records(demo_force, tmp_path):
    """``make run`` calls ``misper national demo --if-empty`` on every start: the second start adds nothing."""
    call_command("national", "demo", "--if-empty", "--out", str(tmp_path / "a"), stdout=io.StringIO(),
                 stderr=io.StringIO())  # fmt: skip
    held = NationalRecord.objects.count()
    assert held > 0
    out = io.StringIO()
    call_command(
        "national", "demo", "--if-empty", "--out", str(tmp_path / "b"), stdout=out, stderr=io.StringIO()
    )
    assert NationalRecord.objects.count() == held
    assert "nothing to do" in out.getvalue()
    assert not (tmp_path / "b").exists()
