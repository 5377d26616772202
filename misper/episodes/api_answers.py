"""API route to change an episode's risk answers (yes, no or not known) once someone finds out.

Police only, ``version`` required (a stale one is a 409). Each bad answer is a 422 naming the question
(``answers.suicidal_ideation``). The engine then grades again, never lower than the grade now.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from misper.core.api_schemas import EditVersion, Strict
from misper.episodes.answer_services import episode_answers_update
from misper.episodes.answers import answers_on_file
from misper.episodes.models import Episode
from misper.episodes.schemas import AssessmentOut, assessment_out

router = Router(tags=["episodes"])


class AnswersIn(Strict):
    answers: dict[str, str] = Field(
        ...,
        description='Risk questions by indicator code, each "yes", "no" or "not_known" (for example '
        '{"suicidal_ideation": "no"}); questions left out keep their answer',
    )
    version: EditVersion


class AnswersOut(Schema):
    status: Literal["unchanged", "applied", "pending_approval"]
    version: int = Field(description="The episode's version after this write: name it in your next edit")
    answers: dict[str, str] = Field(description="Every risk question's answer now")
    assessment: AssessmentOut | None = Field(None, description="The new grading, when an answer changed")


@router.post("/{episode_id}/answers", response=AnswersOut)
def update_answers(request: HttpRequest, episode_id: int, body: AnswersIn) -> AnswersOut:
    """Change risk answers on an open episode; the engine grades again at once (never lower than now)."""
    outcome = episode_answers_update(
        episode_id=episode_id,
        answers=body.answers,
        acting_user=request.user,  # type: ignore[arg-type]
        expected_version=body.version,
    )
    episode = Episode.objects.get(pk=episode_id)
    grading = outcome.grading
    status: Literal["unchanged", "applied", "pending_approval"] = (
        "unchanged" if grading is None else "pending_approval" if grading.pending_approval else "applied"
    )
    return AnswersOut(
        status=status,
        version=episode.version,
        answers=answers_on_file(episode.indicators, episode.indicators_not_known),
        assessment=assessment_out(grading.assessment, request.user) if grading else None,
    )
