"""`misper assess`, in process and as `python -m misper.risk`: output, exit codes, one-line errors."""

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from misper.risk import assess
from misper.risk.cli import main
from misper.risk.tests.factories import base_doc, with_

ROOT = Path(__file__).parents[3]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _write(path: Path, doc: Any) -> str:
    path.write_text(json.dumps(doc), "utf-8")
    return str(path)


def test_assess_prints_the_result(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = base_doc(vulnerabilities=["autism"])
    code, out, err = _run([_write(tmp_path / "doc.json", doc)], capsys)
    assert (code, err) == (0, "")
    assert json.loads(out) == assess(doc)


def test_policy_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["--policy", "absent-permitted", _write(tmp_path / "doc.json", base_doc())], capsys)
    result = json.loads(out)
    assert (code, result["category"], result["policy"]["name"]) == (0, "absent", "absent-permitted")


@pytest.mark.parametrize(
    ("argv_tail", "content", "words"),
    [
        (
            [],
            with_(base_doc(), "child.vulnerabilities", ["wizardry"]),
            "child.vulnerabilities[0]: unknown code",
        ),
        ([], "{not json", "$: is not valid JSON"),
        (["--policy", "nonesuch"], base_doc(), "policy: unknown policy 'nonesuch'"),
    ],
)
def test_invalid_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv_tail: list[str], content: Any, words: str
) -> None:
    path = tmp_path / "doc.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    code, out, err = _run([*argv_tail, str(path)], capsys)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert words in err


def test_unreadable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run([str(tmp_path / "missing.json")], capsys)
    assert code == 2
    assert err == f"misper assess: {tmp_path / 'missing.json'}: cannot be read: No such file or directory\n"


def test_usage_error_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run([], capsys)
    assert code == 2
    assert err.count("\n") == 1


def test_batch_streams_results_and_error_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = base_doc()
    lines = [json.dumps(good), "", json.dumps(with_(good, "format", "misper/0")), json.dumps(good), "[oops"]
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    code, out, err = _run(["--batch", str(path)], capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 2
    assert rows[0] == rows[2] == assess(good)
    assert rows[1] == {
        "line": 3,
        "error": {"field": "format", "message": "must be 'misper/1', not 'misper/0'"},
    }
    assert rows[3]["line"] == 5
    assert rows[3]["error"]["field"] == "$"
    assert (
        err == "misper assess: 2 invalid line(s); first: line 3: format: must be 'misper/1', not 'misper/0'\n"
    )


def test_batch_reads_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(
        sys, "stdin", io.StringIO(json.dumps(base_doc()) + "\n" + json.dumps(base_doc()) + "\n")
    )
    code, out, err = _run(["--batch", "-"], capsys)
    assert (code, err, len(out.splitlines())) == (0, "", 2)
    assert not sys.stdin.closed


def test_python_dash_m(tmp_path: Path) -> None:
    path = _write(tmp_path / "doc.json", base_doc(vulnerabilities=["cse_risk"]))
    done = subprocess.run(
        [sys.executable, "-m", "misper.risk", "--policy", "national", path],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout)["risk"] == "high"


def test_python_dash_m_batch_from_stdin_with_an_invalid_line() -> None:
    lines = json.dumps(base_doc()) + "\n" + json.dumps(with_(base_doc(), "report.reported_at", "soon")) + "\n"
    done = subprocess.run(
        [sys.executable, "-m", "misper.risk", "--batch", "-"],
        input=lines, capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert len(done.stdout.splitlines()) == 2
    assert done.stderr.count("\n") == 1
    assert "line 2: report.reported_at:" in done.stderr


def test_engine_imports_no_django() -> None:
    code = "import sys, misper.risk, misper.risk.cli; print(sorted(m for m in sys.modules if m.startswith('django')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"
