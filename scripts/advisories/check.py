"""Offline vulnerability check of the pinned dependencies against a dated advisory snapshot.

    .venv/bin/python scripts/advisories/check.py [-r constraints.txt] [--db scripts/advisories/pypa-advisories.json]

The snapshot (pypa-advisories.json beside this file, written by refresh.py) holds the PyPA advisory
database's entries (OSV format) for every package pinned in constraints.txt, plus the names of all packages
the database has any advisory for. A pinned version is affected when it is listed in an advisory's explicit
``versions`` or falls in one of its ECOSYSTEM ranges (OSV semantics: ``introduced``, ``fixed``,
``last_affected`` events). Exit status: 0 clean; 1 some pinned version is affected (each is printed with the
advisory id, aliases and the fixed version); 2 the check could not be made (a line is not an exact ``==``
pin, or a pinned package has advisories that the snapshot did not extract: run refresh.py).
"""

# ruff: noqa: T201 (a command-line tool: it prints its report)
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

HERE = Path(__file__).resolve().parent
DEFAULT_DB = HERE / "pypa-advisories.json"
DEFAULT_CONSTRAINTS = HERE.parent.parent / "constraints.txt"


def normalize(name: str) -> str:
    """PEP 503 name: 'PyYAML' and 'pyyaml', 'boolean.py' and 'boolean-py' are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


class PinError(ValueError):
    pass


def read_pins(text: str) -> dict[str, str]:
    """``name==version`` lines → {normalized name: version}; anything else that is not a comment is an error."""
    pins: dict[str, str] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*==\s*([^\s;]+)(\s*;.*)?", line)
        if not m or "*" in m.group(3):
            raise PinError(f"line {n}: {raw.strip()!r} is not an exact pin (name==version)")
        pins[normalize(m.group(1))] = m.group(3)
    return pins


def _v(s: str) -> Version | None:
    try:
        return Version(s)
    except InvalidVersion:
        return None


def _in_range(version: Version, events: list[dict[str, str]]) -> tuple[bool, str | None]:
    """OSV ECOSYSTEM range evaluation (the spec's algorithm over events sorted by version).

    Returns (affected, the ``fixed`` version that closes its interval, when there is one)."""
    order = {"introduced": 0, "fixed": 1, "last_affected": 2}
    parsed: list[tuple[Version | None, str, str]] = []
    for event in events:
        for kind, value in event.items():
            if kind not in order:  # 'limit' is only meaningful for GIT ranges
                continue
            at = None if (kind == "introduced" and value == "0") else _v(value)
            if at is None and not (kind == "introduced" and value == "0"):
                continue  # a version PEP 440 cannot order: leave the event out rather than guess
            parsed.append((at, kind, value))
    parsed.sort(key=lambda e: (e[0] is not None, e[0] or Version("0"), order[e[1]]))
    affected = False
    for at, kind, _ in parsed:
        if kind == "introduced" and (at is None or version >= at):
            affected = True
        elif at is not None and (
            (kind == "fixed" and version >= at) or (kind == "last_affected" and version > at)
        ):
            affected = False
    if not affected:
        return False, None
    # The event that closes the interval the version is in: a 'fixed' gives the fix; 'last_affected' (or
    # nothing at all) means this line has no fixed release.
    for at, kind, value in parsed:
        if at is not None and (at > version or (kind == "last_affected" and at == version)):
            return True, (value if kind == "fixed" else None)
    return True, None


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    advisory: str
    aliases: tuple[str, ...]
    fixed: str | None
    summary: str

    def line(self) -> str:
        also = f" ({', '.join(self.aliases)})" if self.aliases else ""
        fix = f"fixed in {self.fixed}" if self.fixed else "no fixed version"
        return f"{self.package}=={self.version}: {self.advisory}{also}, {fix}: {self.summary}"


def affected_by(pkg: str, version: str, advisory: dict[str, Any]) -> Finding | None:
    """The finding when ``pkg==version`` is affected by this OSV advisory, else None."""
    v = _v(version)
    hit = False
    fixes: list[Version] = []
    for entry in advisory.get("affected", []):
        package = entry.get("package", {})
        if package.get("ecosystem") != "PyPI" or normalize(package.get("name", "")) != pkg:
            continue
        listed = entry.get("versions", [])
        entry_hit = version in listed or (v is not None and any(_v(s) == v for s in listed))
        later_fixes: list[Version] = []
        for rng in entry.get("ranges", []):
            if rng.get("type") not in ("ECOSYSTEM", "SEMVER") or v is None:
                continue
            in_range, fix = _in_range(v, rng.get("events", []))
            if in_range:
                entry_hit = True
                if fix and (fv := _v(fix)):
                    fixes.append(fv)
            later_fixes += [fv for e in rng.get("events", []) if (fv := _v(e.get("fixed", ""))) and v < fv]
        if entry_hit and not fixes and later_fixes:
            fixes.append(min(later_fixes))  # listed explicitly, outside every range: the next fix above it
        hit = hit or entry_hit
    if not hit:
        return None
    summary = (advisory.get("summary") or advisory.get("details") or "").strip().splitlines()
    return Finding(
        package=pkg,
        version=version,
        advisory=advisory["id"],
        aliases=tuple(advisory.get("aliases", [])),
        fixed=str(min(fixes)) if fixes else None,
        summary=(summary[0][:120] if summary else ""),
    )


def check(pins: dict[str, str], db: dict[str, Any]) -> tuple[list[Finding], list[str]]:
    """(findings, packages the snapshot cannot answer for)."""
    extracted = set(db["extracted_packages"])
    with_advisories = set(db["packages_with_advisories"])
    uncovered = sorted(p for p in pins if p in with_advisories and p not in extracted)
    findings = []
    for advisory in db["advisories"]:
        if advisory.get("withdrawn"):
            continue
        for pkg in sorted({normalize(a["package"]["name"]) for a in advisory.get("affected", [])}):
            if pkg in pins and (f := affected_by(pkg, pins[pkg], advisory)):
                findings.append(f)
    findings.sort(key=lambda f: (f.package, f.advisory))
    return findings, uncovered


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-r", "--requirements", type=Path, default=DEFAULT_CONSTRAINTS)
    ap.add_argument("--db", type=Path, default=DEFAULT_DB)
    args = ap.parse_args(argv)
    db = json.loads(args.db.read_text())
    try:
        pins = read_pins(args.requirements.read_text())
    except PinError as exc:
        print(f"{args.requirements}: {exc}", file=sys.stderr)
        return 2
    findings, uncovered = check(pins, db)
    src = db["source"]
    print(
        f"offline advisory check: {len(pins)} pins in {args.requirements.name} against {src['name']} "
        f"at {src['commit'][:12]} ({src['commit_date']}), {len(db['advisories'])} advisories"
    )
    for f in findings:
        print(f"VULNERABLE {f.line()}")
    if uncovered:
        print(
            f"not covered by the snapshot (refresh it: scripts/advisories/refresh.py): {', '.join(uncovered)}",
            file=sys.stderr,
        )
    if findings:
        print(f"{len(findings)} known vulnerabilities in pinned dependencies", file=sys.stderr)
        return 1
    if uncovered:
        return 2
    print("no known vulnerabilities in the snapshot for the pinned versions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
