"""``misper incidents import FILE --as USER``: good lines imported, every bad line reported by its number
with the field, nothing half-written, the same file again changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from misper.incidents.imports import incidents_import
from misper.incidents.models import Incident
from misper.incidents.tests.factories import incident_doc

pytestmark = pytest.mark.django_db


def _file(tmp_path: Path) -> Path:
    lines = [
        json.dumps(incident_doc("B-1")),
        json.dumps(incident_doc("B-2", opening_code="NOPE")),
        "",
        json.dumps(incident_doc("B-3", opening_code="THEFT")),
        "{this is not json",
        json.dumps(incident_doc("B-4", caller={"relationship": "cousin"}, free_text="x" * 30_000)),
        json.dumps(incident_doc("B-5", closed_at=timezone.now().isoformat())),
    ]
    path = tmp_path / "incidents.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_good_lines_are_imported_and_each_bad_line_named_with_its_fields(world, tmp_path):
    path = _file(tmp_path)
    result = incidents_import(path=path, acting_user=world.calltaker)
    assert (result.created, result.changed, result.unchanged) == (3, 0, 0)
    assert sorted(Incident.objects.values_list("number", flat=True)) == ["B-1", "B-3", "B-5"]
    rejects = {r.line: r.errors for r in result.rejects}
    assert set(rejects) == {2, 5, 6}
    assert rejects[2][0].startswith("opening_code: ")
    assert rejects[5][0].startswith("body: ")
    assert {e.split(":")[0] for e in rejects[6]} == {"caller.relationship", "free_text"}
    again = incidents_import(path=path, acting_user=world.calltaker)
    assert (again.created, again.changed, again.unchanged) == (0, 0, 3)
    assert Incident.objects.count() == 3
    assert set(Incident.objects.values_list("version", flat=True)) == {1}


def test_the_command_reports_lines_and_exits_2_when_any_is_rejected(world, tmp_path, capsys):
    path = _file(tmp_path)
    with pytest.raises(CommandError) as exc:
        call_command("incidents", "import", str(path), "--as", world.calltaker.username)
    assert exc.value.returncode == 2
    out = capsys.readouterr()
    assert "3 new, 0 changed, 0 unchanged, 3 rejected" in out.out
    assert f"{path}: line 2: opening_code: " in out.err
    assert f"{path}: line 5: body: " in out.err


def test_a_partner_or_an_officer_cannot_import(world, tmp_path):
    path = _file(tmp_path)
    for user in (world.socialworker, world.analyst):
        with pytest.raises(CommandError, match="Only a force's call handlers"):
            call_command("incidents", "import", str(path), "--as", user.username)
    assert not Incident.objects.exists()
