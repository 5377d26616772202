"""The offline dependency vulnerability check (scripts/advisories/check.py) that `make audit` falls back to."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CHECK = REPO / "scripts/advisories/check.py"
SNAPSHOT = REPO / "scripts/advisories/pypa-advisories.json"

_spec = importlib.util.spec_from_file_location("advisory_check", CHECK)
assert _spec
assert _spec.loader
check = importlib.util.module_from_spec(_spec)
sys.modules["advisory_check"] = check
_spec.loader.exec_module(check)


def _db(*advisories: dict[str, object], packages: tuple[str, ...] = ("demo",)) -> dict[str, object]:
    return {
        "source": {"name": "test", "commit": "0" * 40, "commit_date": "2026-01-01"},
        "extracted_packages": list(packages),
        "packages_with_advisories": list(packages),
        "advisories": list(advisories),
    }


def _adv(
    ident: str, events: list[dict[str, str]] | None = None, versions: list[str] | None = None
) -> dict[str, object]:
    affected: dict[str, object] = {"package": {"ecosystem": "PyPI", "name": "Demo"}}
    if events is not None:
        affected["ranges"] = [{"type": "ECOSYSTEM", "events": events}]
    if versions is not None:
        affected["versions"] = versions
    return {"id": ident, "aliases": [f"CVE-{ident}"], "summary": "synthetic", "affected": [affected]}


def _findings(version: str, *advisories: dict[str, object]) -> list[tuple[str, str | None]]:
    findings, uncovered = check.check({"demo": version}, _db(*advisories))
    assert uncovered == []
    return [(f.advisory, f.fixed) for f in findings]


TWO_LINES = [{"introduced": "5.0"}, {"fixed": "5.0.8"}, {"introduced": "4.2"}, {"fixed": "4.2.15"}]


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("4.1.9", []),
        ("4.2", [("A", "4.2.15")]),
        ("4.2.14", [("A", "4.2.15")]),
        ("4.2.15", []),
        ("4.2.16", []),
        ("5.0.7", [("A", "5.0.8")]),
        ("5.0.8", []),
    ],
)
def test_ranges_are_read_with_osv_semantics_whatever_order_the_events_come_in(version, expected):
    assert _findings(version, _adv("A", TWO_LINES)) == expected


def test_a_range_with_no_fix_affects_every_later_version():
    adv = _adv("OPEN", [{"introduced": "0"}])
    assert _findings("0.1", adv) == [("OPEN", None)]
    assert _findings("99.0", adv) == [("OPEN", None)]


def test_last_affected_closes_the_range_after_that_version_and_gives_no_fix():
    adv = _adv("LA", [{"introduced": "1.0"}, {"last_affected": "1.4"}])
    assert _findings("0.9", adv) == []
    assert _findings("1.4", adv) == [("LA", None)]
    assert _findings("1.4.1", adv) == []


def test_an_explicit_versions_list_is_enough_and_reports_the_next_fix():
    listed = _adv("LIST", versions=["2.0", "2.0.1"])
    assert _findings("2.0.1", listed) == [("LIST", None)]
    assert _findings("2.0.2", listed) == []
    # Listed but outside the (incomplete) range: still affected, fixed in the next fix above it.
    both = _adv("BOTH", [{"introduced": "3.0"}, {"fixed": "3.1"}], versions=["2.9", "3.0"])
    assert _findings("2.9", both) == [("BOTH", "3.1")]


def test_withdrawn_advisories_and_other_packages_are_ignored():
    other = _adv("OTHER", [{"introduced": "0"}])
    other["affected"][0]["package"]["name"] = "something-else"  # type: ignore[index]
    gone = {**_adv("GONE", [{"introduced": "0"}]), "withdrawn": "2024-01-01T00:00:00Z"}
    assert _findings("1.0", other, gone) == []


def test_a_pinned_package_with_advisories_that_were_not_extracted_is_reported_uncovered():
    db = _db(packages=("demo",))
    db["packages_with_advisories"] = ["demo", "newpkg"]
    assert check.check({"demo": "1.0", "newpkg": "1.0", "clean": "1.0"}, db) == ([], ["newpkg"])


def test_only_exact_pins_are_accepted():
    assert check.read_pins("# c\nPyYAML==6.0.3\nboolean.py==5.0  # note\n") == {
        "pyyaml": "6.0.3",
        "boolean-py": "5.0",
    }
    for bad in ("Django>=4.2", "Django", "Django==4.*"):
        with pytest.raises(check.PinError):
            check.read_pins(bad)


def _run(constraints: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CHECK), "-r", str(constraints)], capture_output=True, text=True, check=False
    )


def test_the_snapshot_flags_an_old_django_with_advisory_ids_and_fixes(tmp_path):
    pins = tmp_path / "constraints.txt"
    pins.write_text("Django==4.2.0\nwaitress==3.0.2\n")
    out = _run(pins)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "VULNERABLE django==4.2.0: PYSEC-2024-70 (CVE-2024-42005), fixed in 4.2.15:" in out.stdout
    assert "waitress" not in out.stdout.replace("waitress==3.0.2", "")


def test_an_unpinned_line_makes_the_check_fail(tmp_path):
    pins = tmp_path / "constraints.txt"
    pins.write_text("Django>=4.2\n")
    assert _run(pins).returncode == 2


def test_the_real_constraints_pass_the_committed_snapshot():
    out = _run(REPO / "constraints.txt")
    assert out.returncode == 0, out.stdout + out.stderr
    snapshot = json.loads(SNAPSHOT.read_text())
    pinned = set(check.read_pins((REPO / "constraints.txt").read_text()))
    # Every pinned package was extracted, and Django's advisories are there (so the pass is not vacuous).
    assert pinned <= set(snapshot["extracted_packages"])
    assert sum(a["id"].startswith("PYSEC") and "django" in a["path"] for a in snapshot["advisories"]) > 50
