"""Rules for a person's grading beside the engine's: floors that bind people too, the senior review that
blaming language needs, and the words that refuse them (issue 16).

- A grading below a binding floor (``misper.risk.binding``: trigger plan, age, exploitation, and under the
  national policy "never absent") is refused for everyone but a duty inspector, with a message naming the
  floor. A duty inspector may go below it only with a reason; that is a named override, applied at once,
  shown on the board, told to the force's missing person coordinators and counted on the dashboard.
- A grading below the recommendation whose rationale uses blaming language (the learning app's term list)
  waits for a duty inspector, not any supervisor.
Pure checks: the services in ``services.py`` call them inside their transaction.
"""

from __future__ import annotations

from typing import Any

from misper.accounts.models import User
from misper.core.errors import FieldError, InvalidInput
from misper.learning.language import language_check
from misper.risk.binding import floors_broken

SENIOR_REVIEW_NEEDED = (
    "The rationale uses words that can blame the child ({terms}), so a duty inspector must decide on "
    "this grading."
)
ONLY_INSPECTOR_DECIDES = "A duty inspector must decide on this grading: its rationale uses blaming language."


def _joined(floors: list[dict[str, Any]]) -> str:
    texts = [f["text"] for f in floors]
    return texts[0] if len(texts) == 1 else "; ".join(texts[:-1]) + " and " + texts[-1]


def floor_field(floors: list[dict[str, Any]], category: str) -> str:
    """The form field a floor refusal belongs to: the category when "absent" is what breaks it."""
    return "category" if category == "absent" else "risk"


def floor_refusal(floors: list[dict[str, Any]]) -> str:
    return (
        f"You cannot grade below {_joined(floors)}. Only a duty inspector can grade below a floor, "
        "with a reason that is recorded with their name."
    )


def floors_check(
    *,
    result: dict[str, Any],
    category: str,
    risk_grade: str,
    acting_user: User,
    override_reason: str,
    prefix: str = "",
) -> list[dict[str, Any]]:
    """The binding floors this grading goes below, when the user may go below them; otherwise InvalidInput
    naming the floor (and ``override_reason`` when a duty inspector gave none). Empty when none is broken."""
    broken = floors_broken(result, category, risk_grade)
    if not broken:
        return []
    if not acting_user.can_override_floor:
        raise InvalidInput(FieldError(prefix + floor_field(broken, category), floor_refusal(broken)))
    if not override_reason.strip():
        raise InvalidInput(
            FieldError(
                "override_reason",
                f"Give your reason for going below {_joined(broken)}. It is recorded with your name and "
                "the missing person coordinator is told.",
            )
        )
    return broken


def blaming_terms(rationale: str, child_age: int | None) -> list[str]:
    """The blaming terms in a rationale (labels, in the order they appear)."""
    return [f.label for f in language_check(rationale, child_age=child_age)]
