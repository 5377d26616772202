"""Refresh pypa-advisories.json from a git copy of the PyPA advisory database (github.com/pypa/advisory-database).

    git clone --bare https://github.com/pypa/advisory-database /tmp/advisory-database.git
    .venv/bin/python scripts/advisories/refresh.py /tmp/advisory-database.git [--rev HEAD]

Reads vulns/*/*.yaml at the given revision straight from git (a bare clone is enough), keeps the advisories
for every package pinned in constraints.txt (matched on the OSV package name, PEP 503-normalized), and
records the commit, its date and the names of all packages the database has advisories for, so that
check.py can tell "no advisory" from "not extracted". Withdrawn advisories are dropped.
"""

# ruff: noqa: T201, S603, S607 (a command-line tool that runs git on a path it is given)
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import yaml
from check import DEFAULT_CONSTRAINTS, DEFAULT_DB, normalize, read_pins  # type: ignore[import-not-found]

KEEP = ("id", "aliases", "summary", "details", "modified", "published", "affected", "withdrawn")


def _git(git_dir: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), *args], check=True, capture_output=True, text=True
    ).stdout


def _blobs(git_dir: Path, rev: str) -> list[tuple[str, str]]:
    """(path, text) of every vulns/**/*.yaml at rev, read in one git cat-file --batch."""
    listing = _git(git_dir, "ls-tree", "-r", rev, "--", "vulns").splitlines()
    entries = [(line.split()[2], line.split("\t", 1)[1]) for line in listing if line.endswith(".yaml")]
    proc = subprocess.run(
        ["git", "--git-dir", str(git_dir), "cat-file", "--batch"],
        input="".join(f"{sha}\n" for sha, _ in entries).encode(),
        capture_output=True,
        check=True,
    )
    out, pos, blobs = proc.stdout, 0, []
    for _, path in entries:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split()[2])
        blobs.append((path, out[header_end + 1 : header_end + 1 + size].decode()))
        pos = header_end + 1 + size + 1
    return blobs


def _dump(data: dict[str, object]) -> str:
    """Pretty header, one advisory a line: small, and a refresh's diff reads advisory by advisory."""
    compact = {"separators": (",", ":"), "default": str}
    head = {k: v for k, v in data.items() if k != "advisories"}
    lines = [json.dumps(a, **compact) for a in data["advisories"]]  # type: ignore[attr-defined]
    body = json.dumps(head, indent=1)[:-2]
    return body + ',\n "advisories": [\n' + ",\n".join(lines) + "\n ]\n}\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("git_dir", type=Path, help="a clone (bare or not) of pypa/advisory-database")
    ap.add_argument("--rev", default="HEAD")
    ap.add_argument("-r", "--requirements", type=Path, default=DEFAULT_CONSTRAINTS)
    ap.add_argument("-o", "--output", type=Path, default=DEFAULT_DB)
    args = ap.parse_args(argv)
    git_dir = args.git_dir / ".git" if (args.git_dir / ".git").is_dir() else args.git_dir
    commit = _git(git_dir, "rev-parse", args.rev).strip()
    commit_date = _git(git_dir, "show", "-s", "--format=%cI", commit).strip()
    pins = read_pins(args.requirements.read_text())
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    all_names: set[str] = set()
    kept = []
    for path, text in _blobs(git_dir, commit):
        doc = yaml.load(text, Loader=loader)  # noqa: S506 - SafeLoader (C or Python)
        names = {
            normalize(a["package"]["name"])
            for a in doc.get("affected", [])
            if a.get("package", {}).get("ecosystem") == "PyPI"
        }
        all_names |= names
        if doc.get("withdrawn") or not names & set(pins):
            continue
        record = {k: doc[k] for k in KEEP if k in doc}
        if "details" in record:
            record["details"] = str(record["details"])[:200]
        record["path"] = path
        kept.append(record)
    kept.sort(key=lambda a: a["id"])
    data = {
        "source": {
            "name": "pypa/advisory-database",
            "url": "https://github.com/pypa/advisory-database",
            "commit": commit,
            "commit_date": commit_date,
            "extracted_at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
        "extracted_packages": sorted(pins),
        "packages_with_advisories": sorted(all_names),
        "advisories": kept,
    }
    args.output.write_text(_dump(data))
    print(
        f"{args.output}: {len(kept)} advisories for {len(set(pins) & all_names)} of {len(pins)} pinned packages"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
