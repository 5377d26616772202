"""The "think again" prompt for free-text fields on episode forms, as a Django form mixin.

A form that mixes in ``LanguageCheckMixin`` and names its ``language_fields`` is held back once when
those fields contain a listed term: ``is_valid()`` is False with no errors, and the page shows the prompt
(``learning/_language_prompt.html``) with the reason and a suggested phrasing. It never blocks an urgent
save: ticking "Save anyway", or simply submitting the same text again (the page carries a digest of the
text it warned about), saves. ``record_language_flags`` then stores one ``LanguageFlag`` per term that
reached the saved record, inside the caller's transaction.
"""

from __future__ import annotations

import hashlib
from typing import Any

from misper.learning.language import Finding, language_check

SAVE_ANYWAY = "language_save_anyway"
SEEN = "language_seen"
PROMPT_HEADING = "Think again about the words you have used"
PROMPT_INTRO = (
    "Some words here can read as blaming the child or playing down the harm. "
    "Change them, or save anyway if they are right."
)
SAVE_ANYWAY_LABEL = "Save anyway: I have thought again and want to keep these words"


def prompt_line(field_label: str, finding: Finding) -> str:
    """The sentence shown for one finding: the words, why they matter, what to try."""
    return (
        f"Think again about the words “{finding.matched}” ({field_label}): {finding.reason} "
        f"Try: {finding.suggestion}"
    )


class LanguageCheckMixin:
    """Mix into a Django form before ``forms.Form``; set ``language_fields`` and, when known,
    ``child_age`` (for terms that apply only to younger children)."""

    language_fields: tuple[str, ...] = ()
    language_words = {"heading": PROMPT_HEADING, "intro": PROMPT_INTRO, "save_anyway": SAVE_ANYWAY_LABEL}
    fields: dict[str, Any]
    data: Any
    cleaned_data: dict[str, Any]

    def __init__(self, *args: Any, child_age: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.child_age = child_age
        self.language_findings: list[tuple[str, Finding]] = []

    def is_valid(self) -> bool:
        if not super().is_valid():  # type: ignore[misc]
            return False
        self.language_findings = [
            (name, finding)
            for name in self.language_fields
            for finding in language_check(self.cleaned_data.get(name) or "", child_age=self.child_age)
        ]
        return not self.language_held

    @property
    def language_digest(self) -> str:
        texts = [" ".join(str(self.cleaned_data.get(n) or "").split()) for n in self.language_fields]
        return hashlib.sha256("\x1f".join(texts).encode()).hexdigest()[:32]

    @property
    def language_held(self) -> bool:
        if not self.language_findings or self.data.get(SAVE_ANYWAY) == "yes":
            return False
        return self.data.get(SEEN) != self.language_digest

    def language_prompt(self) -> list[dict[str, str]]:
        return [
            {"field_id": f"id_{name}", "text": prompt_line(str(self.fields[name].label), f)}
            for name, f in self.language_findings
        ]


def record_language_flags(form: Any, *, records: dict[str, tuple[str, int]], acting_user: Any) -> int:
    """Store a flag for each finding whose field was saved to ``records[field] = (record_type, id)``.
    Call inside the transaction that saved the record. Returns the number of flags stored."""
    from misper.learning.services import language_flags_record

    findings = [
        (records[name], f.code, name) for name, f in getattr(form, "language_findings", []) if name in records
    ]
    return language_flags_record(findings=findings, acting_user=acting_user)
