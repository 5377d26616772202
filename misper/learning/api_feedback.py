"""API routes for a child's feedback on how the police treated them: a one-time link for the child, and
the child's answers recorded on their behalf. The feedback pages' services and access rule
(``learning.services``: police or a partner practitioner who sees the episode, once the child is back).
Thin: parse, call one service, shape."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.urls import reverse
from ninja import Router, Schema, Status
from pydantic import Field

from misper.accounts.models import User
from misper.accounts.requests import AuthenticatedRequest
from misper.core.api_schemas import Strict
from misper.learning import services

router = Router(tags=["learning"])
AnswerIn = Literal["yes", "a_bit", "no", "rather_not_say"]


class FeedbackLinkOut(Schema):
    link: str = Field(
        description="Give it to the child once: only its digest is kept, so it cannot be shown again"
    )
    expires_at: datetime


class FeedbackIn(Strict):
    listened: AnswerIn = Field(description="Did the police listen to you?")
    respected: AnswerIn = Field(description="Were you treated with respect?")
    blamed: AnswerIn = Field(description="Did you feel blamed?")
    felt_safe: AnswerIn = Field(description="Did you feel safe with the officer?")
    comment: str = Field("", max_length=2000)


class FeedbackOut(Schema):
    episode_id: int
    recorded: bool


def _user(request: AuthenticatedRequest) -> User:
    return request.user


@router.post("/episodes/{episode_id}/feedback-link", response={201: FeedbackLinkOut})
def feedback_link_create(request: AuthenticatedRequest, episode_id: int) -> Status[FeedbackLinkOut]:
    """A single-use link (valid 30 days) for the child's own feedback form, no sign-in needed."""
    invite, code = services.feedback_invite_create(episode_id=episode_id, acting_user=_user(request))
    link = request.build_absolute_uri(reverse("feedback-give", args=[code]))
    return Status(201, FeedbackLinkOut(link=link, expires_at=invite.expires_at))


@router.post("/episodes/{episode_id}/feedback", response={201: FeedbackOut})
def feedback_create(request: AuthenticatedRequest, episode_id: int, body: FeedbackIn) -> Status[FeedbackOut]:
    """Record the child's answers for them; stored as anonymously as the child's own."""
    services.feedback_record(episode_id=episode_id, answers=body.model_dump(), acting_user=_user(request))
    return Status(201, FeedbackOut(episode_id=episode_id, recorded=True))
