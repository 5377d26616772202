"""The risk questions' answers on an episode: yes, no or not known.

An episode keeps the questions answered yes in ``indicators`` and those answered "not known" in
``indicators_not_known``; any other question is no (migration 0007: every report made before answers existed
means exactly that). "Not known" is a gap to fill: the episode page lists it, and the engine never reads it as
no where the question is a risk factor (``misper.risk.rules.factors.NOT_KNOWN_AS``, docs/risk-rules.md).
"""

from __future__ import annotations

from typing import Any

from misper import risk
from misper.core.errors import FieldError

YES, NO, NOT_KNOWN = "yes", "no", risk.NOT_KNOWN
ANSWER_WORDS = {YES: "Yes", NO: "No", NOT_KNOWN: "Not known"}
NOT_A_QUESTION = "is not a risk question: use an indicator code from the misper/1 schema"
NOT_AN_ANSWER = "Answer yes, no or not_known"
NO_ANSWERS = 'Give at least one answer, such as {"suicidal_ideation": "no"}'


def answers_on_file(indicators: list[str], not_known: list[str]) -> dict[str, str]:
    """Every risk question's answer, by indicator code, from what an episode holds."""
    yes, unknown = set(indicators), set(not_known)
    return {code: YES if code in yes else NOT_KNOWN if code in unknown else NO for code in risk.INDICATORS}


def answer_errors(answers: Any) -> list[FieldError]:
    """Field errors for answers given as ``{indicator code: "yes" | "no" | "not_known"}``, each naming the
    question (``answers.suicidal_ideation``); none when every answer is good."""
    if not isinstance(answers, dict) or not answers:
        return [FieldError("answers", NO_ANSWERS)]
    errors = []
    for code, answer in answers.items():
        if code not in risk.INDICATORS:
            errors.append(FieldError(f"answers.{code}"[:120], NOT_A_QUESTION))
        elif answer not in ANSWER_WORDS:
            errors.append(FieldError(f"answers.{code}", NOT_AN_ANSWER))
    return errors


def changed_answers(before: dict[str, str], given: dict[str, str]) -> dict[str, str]:
    """The answers in ``given`` that differ from ``before``."""
    return {code: answer for code, answer in given.items() if before.get(code) != answer}
