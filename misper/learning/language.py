"""Language that does not blame: a pure check of free text against the maintained term list.

``language_check(text, child_age=...)`` needs only a string and promises a list of ``Finding`` in the
order the terms appear in the text (one per term; the first occurrence). No Django, no database: the
term list is ``terms.toml`` beside this module, read once.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TERMS_FILE = Path(__file__).with_name("terms.toml")


@dataclass(frozen=True)
class Term:
    code: str
    label: str
    pattern: re.Pattern[str]
    reason: str
    suggestion: str
    sources: tuple[str, ...]
    under_age: int | None = None

    def applies_to_age(self, child_age: int | None) -> bool:
        """An age-limited term applies below that age, and when the age is not known (safer to ask)."""
        return self.under_age is None or child_age is None or child_age < self.under_age


@dataclass(frozen=True)
class Finding:
    code: str
    label: str
    matched: str
    reason: str
    suggestion: str
    start: int


@dataclass(frozen=True)
class TermList:
    version: str
    terms: tuple[Term, ...]
    sources: dict[str, dict[str, str]]


def parse_terms(data: dict) -> TermList:  # type: ignore[type-arg]
    """Build a term list from the TOML document; raises ValueError naming a bad term."""
    sources = data.get("sources", {})
    terms = []
    for raw in data.get("term", []):
        code = raw.get("code", "?")
        missing = [s for s in raw.get("sources", []) if s not in sources]
        if missing or not raw.get("sources"):
            raise ValueError(f"term {code}: unknown or no sources {missing}")
        try:
            pattern = re.compile(raw["pattern"], re.IGNORECASE)
        except (KeyError, re.error) as exc:
            raise ValueError(f"term {code}: bad pattern ({exc})") from exc
        terms.append(
            Term(
                code=code,
                label=raw["label"],
                pattern=pattern,
                reason=raw["reason"],
                suggestion=raw["suggestion"],
                sources=tuple(raw["sources"]),
                under_age=raw.get("under_age"),
            )
        )
    codes = [t.code for t in terms]
    if len(set(codes)) != len(codes):
        raise ValueError("term codes must be unique")
    return TermList(version=str(data.get("version", "")), terms=tuple(terms), sources=sources)


@cache
def term_list() -> TermList:
    with TERMS_FILE.open("rb") as f:
        return parse_terms(tomllib.load(f))


def language_check(text: str, *, child_age: int | None = None) -> list[Finding]:
    """Every listed term found in ``text`` (first occurrence each), in the order they appear."""
    findings = []
    for term in term_list().terms:
        if not term.applies_to_age(child_age):
            continue
        match = term.pattern.search(text or "")
        if match:
            findings.append(
                Finding(term.code, term.label, match.group(0), term.reason, term.suggestion, match.start())
            )
    return sorted(findings, key=lambda f: f.start)
