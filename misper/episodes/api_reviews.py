"""API routes for a supervisor's review of an open episode (notes, an optional re-grade, the next review
time) and for handing an episode over to another officer. The review and handover pages' services
(``services_work.episode_review``, ``episode_handover``) with their access rules: police only; reviews by
supervisors and coordinators; a re-grade below the recommendation or a floor follows the grading rules
(four eyes, the duty inspector's override). Both name the episode ``version`` read (stale: 409).
Free text is checked for language that blames the child, as on the pages (notes in ``language``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.db import transaction
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from misper.accounts.models import User
from misper.accounts.requests import AuthenticatedRequest
from misper.core.api_schemas import EditVersion, Strict
from misper.core.errors import FieldError, InvalidInput
from misper.episodes import action_services, services_work
from misper.episodes.api import LanguageNoteOut
from misper.episodes.forms import police_colleagues
from misper.episodes.models import Action
from misper.learning.services import language_notes_record
from misper.people.models import Child

router = Router(tags=["episodes"])
NOT_A_COLLEAGUE = "Choose an officer in your force"


class RegradeIn(Strict):
    category: Literal["missing", "absent"]
    risk: Literal["no_apparent_risk", "very_low", "low", "medium", "high"]
    rationale: str = Field("", max_length=5000)
    override_reason: str = Field(
        "", max_length=5000, description="A duty inspector's reason for grading below a floor that binds"
    )


class ReviewIn(Strict):
    notes: str = Field(..., max_length=20000, description="What you reviewed and decided")
    regrade: RegradeIn | None = Field(None, description="Leave out to keep the current grade")
    version: EditVersion


class ReviewOut(Schema):
    id: int
    episode_id: int
    version: int = Field(description="The episode's version after this write: name it in your next edit")
    status: str
    risk: str
    reviewed_at: datetime
    next_review_at: datetime | None
    regrade: Literal["none", "applied", "pending_approval"]
    language: list[LanguageNoteOut] = Field(default_factory=list)


class HandoverIn(Strict):
    new_owner: str = Field(..., max_length=150, description="Username of a police officer in your force")
    note: str = Field(..., max_length=20000, description="What has been done, what is outstanding")
    version: EditVersion


class HandoverOut(Schema):
    episode_id: int
    version: int
    owner: str
    language: list[LanguageNoteOut] = Field(default_factory=list)


def _user(request: AuthenticatedRequest) -> User:
    return request.user


def _age(episode_id: int) -> int | None:
    """The child's age today, for terms that apply only to younger children (docs/language.md)."""
    return Child.objects.only("date_of_birth").get(episodes__pk=episode_id).age_on(timezone.localdate())


@router.post("/{episode_id}/reviews", response={201: ReviewOut})
def review_record(request: AuthenticatedRequest, episode_id: int, body: ReviewIn) -> Status[ReviewOut]:
    """Record a supervisor's review. The first review moves a reported episode to an investigation."""
    user = _user(request)
    with transaction.atomic():
        outcome = services_work.episode_review(
            episode_id=episode_id,
            notes=body.notes,
            regrade=body.regrade.model_dump() if body.regrade else None,
            acting_user=user,
            expected_version=body.version,
        )
        review, grading = outcome.review, outcome.grading
        texts = {"notes": (body.notes, ("review", review.pk))}
        if grading and body.regrade:
            texts["rationale"] = (body.regrade.rationale, ("risk_assessment", grading.assessment.pk))
        language = language_notes_record(texts=texts, child_age=_age(episode_id), acting_user=user)
    episode = review.episode
    episode.refresh_from_db()
    regrade: Literal["none", "applied", "pending_approval"] = "none"
    if grading:
        regrade = "pending_approval" if grading.pending_approval else "applied"
    return Status(
        201,
        ReviewOut(
            id=review.pk,
            episode_id=episode.pk,
            version=episode.version,
            status=episode.status,
            risk=episode.risk,
            reviewed_at=review.reviewed_at,
            next_review_at=review.next_review_at,
            regrade=regrade,
            language=[LanguageNoteOut(**n) for n in language],
        ),
    )


@router.post("/{episode_id}/handover", response=HandoverOut)
def handover(request: AuthenticatedRequest, episode_id: int, body: HandoverIn) -> HandoverOut:
    """Hand the episode to another officer of your force; kept as a finished action with the note."""
    user = _user(request)
    action_services.police_check(user)
    # The page's choices: active police officers of the caller's own force. Any other name (in another
    # force, or none) is the same 422.
    new_owner = police_colleagues(user).filter(username=body.new_owner).first()
    if new_owner is None:
        raise InvalidInput(FieldError("new_owner", NOT_A_COLLEAGUE))
    with transaction.atomic():
        episode = services_work.episode_handover(
            episode_id=episode_id,
            new_owner=new_owner,
            note=body.note,
            acting_user=user,
            expected_version=body.version,
        )
        action = Action.objects.filter(episode=episode, code="handover").latest("pk")
        language = language_notes_record(
            texts={"note": (body.note, ("action", action.pk))}, child_age=_age(episode_id), acting_user=user
        )
    return HandoverOut(
        episode_id=episode.pk,
        version=episode.version,
        owner=new_owner.username,
        language=[LanguageNoteOut(**n) for n in language],
    )
