"""``misper link`` end to end: CSV shape, rejects, exit codes."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from misper.national.linkage.synthetic import generate

MANAGE = Path(__file__).resolve().parents[3] / "manage.py"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(MANAGE), *args], capture_output=True, text=True, timeout=120)


def test_link_writes_one_row_per_line_and_rejects_only_lines_without_identity(tmp_path):
    docs = [a.document() for a in generate(40, seed=3)]
    docs[5]["child"]["date_of_birth"] = "1967-02-73"
    lines = [json.dumps(d) for d in docs] + ["{broken", json.dumps({"source": "x", "child": {}})]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.csv"
    done = _run("link", str(source), "--out", str(out))
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(out.open()))
    assert rows[0] == ["source", "ref", "person_id"]
    assert [(r[0], r[1]) for r in rows[1:]] == [(d["source"], d["child"]["ref"]) for d in docs]
    assert f"line {len(docs) + 1}: rejected" in done.stderr
    assert f"line {len(docs) + 2}: rejected" in done.stderr
    assert "line 6: kept" in done.stderr
    assert "2 lines rejected" in done.stderr
    rejects = [json.loads(x) for x in Path(f"{out}.rejects.jsonl").read_text().splitlines()]
    assert [(r["line"], r["kept"]) for r in rejects] == [
        (6, True),
        (len(docs) + 1, False),
        (len(docs) + 2, False),
    ]


def test_link_exits_2_on_unusable_input(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("nonsense\n")
    assert _run("link", str(source), "--out", str(tmp_path / "o.csv")).returncode == 2
    assert _run("link", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "o.csv")).returncode == 2
