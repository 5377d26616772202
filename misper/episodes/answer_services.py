"""Filling a gap: changing a risk question's answer on an open episode once someone finds out, then grading
again on what is on file (the page and ``POST /api/v1/episodes/{id}/answers`` both call this)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from misper.accounts.models import User
from misper.audit.history import history_save
from misper.core.errors import ConflictError, InvalidInput
from misper.core.versions import version_check
from misper.episodes.answers import (
    ANSWER_WORDS,
    NOT_KNOWN,
    YES,
    answer_errors,
    answers_on_file,
    changed_answers,
)
from misper.episodes.documents import assess_on_file, episode_document
from misper.episodes.models import RISK_ORDER
from misper.episodes.selectors import visible_episodes
from misper.episodes.services import GradingOutcome, episode_regrade
from misper.web.templatetags.misper_tags import label

POLICE_ONLY = "Only police users can change a risk question's answer."
OTHER_FORCE = "Only the force that holds the child's record can change its risk answers."
STALE = "Someone else changed this episode after you opened it; reload and try again"
NOT_OPEN = "This episode is no longer open, so its risk answers cannot change."


@dataclass
class AnswersOutcome:
    changed: dict[str, str] = field(default_factory=dict)
    grading: GradingOutcome | None = None  # None when no answer changed


def episode_answers_update(
    *, episode_id: int, answers: dict[str, str], acting_user: User, expected_version: int | None = None
) -> AnswersOutcome:
    """Change the ``answers`` given (``{indicator code: "yes" | "no" | "not_known"}``; questions left out stay as
    they are) on an open episode the police user may see, then grade again: at the engine's new
    recommendation or the grade now, whichever is higher, recorded as the officer's re-grade on new
    information. A lower grade goes through ``episode_regrade`` with a reason, as any grade below the
    recommendation does. Bad answers are field errors naming the question and change nothing; answers that
    are already on file change nothing either (no re-grade)."""
    if not acting_user.is_police:
        raise PermissionDenied(POLICE_ONLY)
    errors = answer_errors(answers)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        episode = visible_episodes(acting_user).select_for_update().filter(pk=episode_id).first()
        if episode is None:
            raise Http404("No such episode")
        # a host force sees it; the answers are the owner's record
        if episode.force_id != acting_user.agency_id:
            raise PermissionDenied(OTHER_FORCE)
        version_check(current=episode.version, expected=expected_version, stale_message=STALE)
        if not episode.is_open:
            raise ConflictError(NOT_OPEN)
        before = answers_on_file(episode.indicators, episode.indicators_not_known)
        changed = changed_answers(before, answers)
        if not changed:
            return AnswersOutcome()
        after = {**before, **changed}
        episode.indicators = sorted(code for code, answer in after.items() if answer == YES)
        episode.indicators_not_known = sorted(code for code, answer in after.items() if answer == NOT_KNOWN)
        episode.version += 1
        history_save(episode, user=acting_user)
        result = assess_on_file(
            episode_document(episode), policy=str(settings.MISPER_RISK_POLICY), now=timezone.now()
        )
        category = "missing" if "missing" in (result["category"], episode.category) else result["category"]
        grade = max(episode.risk, result["risk"], key=lambda r: RISK_ORDER.get(r, -1))
        grading = episode_regrade(
            episode_id=episode.pk,
            category=category,
            risk_grade=grade,
            rationale=_rationale(acting_user, before, changed),
            acting_user=acting_user,
            expected_version=episode.version,
        )
        return AnswersOutcome(changed, grading)


def _rationale(user: User, before: dict[str, str], changed: dict[str, str]) -> str:
    who = user.get_full_name() or user.username
    words = "; ".join(
        f"{label(code).lower()}: {ANSWER_WORDS[answer].lower()} (was {ANSWER_WORDS[before[code]].lower()})"
        for code, answer in sorted(changed.items())
    )
    return f"Risk answers updated by {who}: {words}"
