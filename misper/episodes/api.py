"""API routes for episodes. Thin: parse, call one selector or service, shape the output."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from misper.accounts.requests import AuthenticatedRequest
from misper.audit.services import access_record
from misper.core.api_schemas import EditVersion, Page, Strict
from misper.core.http import IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_MAX, json_body
from misper.episodes import services
from misper.episodes.confirmations import suggestion_confirm
from misper.episodes.models import Episode
from misper.episodes.schemas import AssessmentOut, assessment_out
from misper.episodes.selectors import access_episode_by_id, episode_detail, episode_list
from misper.learning.services import language_notes_record
from misper.partners.projections import episode_view_for
from misper.people.flags import police_only_codes
from misper.people.models import Child
from misper.risk import load_schema

router = Router(tags=["episodes"])


def _child_age(episode_id: int) -> int | None:
    """The child's age today, for terms that apply only to younger children (docs/language.md)."""
    child = Child.objects.only("date_of_birth").get(episodes__pk=episode_id)
    return child.age_on(timezone.localdate())


class ChildSummaryOut(Schema):
    id: int
    ref: str
    given_name: str
    family_name: str


class EpisodeSummaryOut(Schema):
    id: int
    reference: str
    status: str
    category: str
    risk: str
    version: int
    reported_at: datetime
    last_seen_at: datetime | None
    found_at: datetime | None
    closed_at: datetime | None
    next_review_at: datetime | None
    child: ChildSummaryOut

    @staticmethod
    def from_model(e: Episode) -> EpisodeSummaryOut:
        c = e.child
        return EpisodeSummaryOut(
            id=e.pk,
            reference=e.reference,
            status=e.status,
            category=e.category,
            risk=e.risk,
            version=e.version,
            reported_at=e.reported_at,
            last_seen_at=e.last_seen_at,
            found_at=e.found_at,
            closed_at=e.closed_at,
            next_review_at=e.next_review_at,
            child=ChildSummaryOut(id=c.pk, ref=c.ref, given_name=c.given_name, family_name=c.family_name),
        )


class EpisodeListOut(Schema):
    count: int
    items: list[EpisodeSummaryOut]


class ReportOut(Schema):
    id: int
    reference: str
    status: str
    category: str
    risk: str
    version: int
    child: ChildSummaryOut
    assessment: AssessmentOut
    replayed: bool = False


class GradingIn(Strict):
    category: Literal["missing", "absent"]
    risk: Literal["no_apparent_risk", "very_low", "low", "medium", "high"]
    rationale: str = Field("", max_length=5000)
    override_reason: str = Field(
        "",
        max_length=5000,
        description="A duty inspector's reason for grading below a floor that binds people",
    )
    version: EditVersion


class LanguageNoteOut(Schema):
    """Words that can read as blaming the child: the write was saved; think again and amend if wrong."""

    field: str
    words: str
    reason: str
    suggestion: str


class GradingOut(Schema):
    status: Literal["applied", "pending_approval"]
    version: int = Field(description="The episode's version after this write: name it in your next edit")
    assessment: AssessmentOut
    language: list[LanguageNoteOut] = Field(
        default_factory=list, description="Blame-language notes on the rationale (docs/language.md)"
    )


class FoundIn(Strict):
    found_at: datetime
    place: str = Field("", max_length=200)
    town: str = Field("", max_length=100)
    postcode: str = Field("", max_length=10)
    found_with: str = Field("", max_length=200)
    found_with_person_id: int | None = Field(
        None, ge=1, description="A person on file (POST /api/v1/people) the child was found with"
    )
    found_place_id: int | None = Field(None, ge=1, description="A place on file (POST /api/v1/places)")
    return_method: Literal["self_returned", "found_by_police", "found_by_carer", "other", ""] = ""
    version: EditVersion


class SafeAndWellIn(Strict):
    conducted_at: datetime | None = None
    conducted_by_name: str = Field("", max_length=100)
    child_account: str = Field("", max_length=20000)
    harm_disclosed: bool = False
    harm_details: str = Field("", max_length=20000)
    offences_to_investigate: str = Field("", max_length=5000)
    push_factors: str = Field("", max_length=5000)
    pull_factors: str = Field("", max_length=5000)
    child_wishes: str = Field("", max_length=5000)
    returned_to: Literal["same_place", "elsewhere", ""] = ""
    safe_to_return: bool | None = None
    safety_decision: str = Field("", max_length=5000)
    version: EditVersion


class CloseIn(Strict):
    reason_no_check: str = Field("", max_length=5000, description="Why no safe-and-well check was done")
    summary: str = Field("", max_length=20000)
    version: EditVersion


@router.get("", response=EpisodeListOut)
def list_episodes(request: AuthenticatedRequest, page: Query[Page]) -> EpisodeListOut:
    with transaction.atomic():
        count, items = episode_list(request.user, limit=page.limit, offset=page.offset)
        ids = [e.pk for e in items]
        access_record(
            user=request.user, action="list", record_type="episode", record_ids=ids, request=request
        )
    return EpisodeListOut(count=count, items=[EpisodeSummaryOut.from_model(e) for e in items])


@router.post(
    "",
    response={201: ReportOut, 200: ReportOut},
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": load_schema()}}},
        "parameters": [
            {
                "name": IDEMPOTENCY_KEY_HEADER,
                "in": "header",
                "required": False,
                "description": "Retry safely: the same key and the same body answer the first episode again "
                "(200); the same key with a different body is a 422 naming the key.",
                "schema": {"type": "string", "pattern": f"^[\\x21-\\x7e]{{1,{IDEMPOTENCY_KEY_MAX}}}$"},
            }
        ],
    },
)
def report_episode(request: AuthenticatedRequest) -> Status[ReportOut]:
    """Record a missing report from a misper/1 document. Matches the child by ``child.ref`` or creates it."""
    key = request.headers.get(IDEMPOTENCY_KEY_HEADER)  # checked whole by the service, never cut
    outcome = services.episode_report(doc=json_body(request), acting_user=request.user, idempotency_key=key)
    e = outcome.episode
    c = e.child
    body = ReportOut(
        id=e.pk,
        reference=e.reference,
        status=e.status,
        category=e.category,
        risk=e.risk,
        version=e.version,
        child=ChildSummaryOut(id=c.pk, ref=c.ref, given_name=c.given_name, family_name=c.family_name),
        assessment=assessment_out(outcome.assessment, request.user),
        replayed=outcome.replayed,
    )
    return Status(200 if outcome.replayed else 201, body)


@router.get("/{episode_id}")
def get_episode(request: AuthenticatedRequest, episode_id: int) -> dict[str, Any]:
    with transaction.atomic():
        episode = access_episode_by_id(request.user, episode_id)
        # Partners see the partner projection: no police-only fields (misper.partners.projections).
        hidden = police_only_codes(episode.child_id)
        view = episode_view_for(request.user, episode_detail(episode), episode.child, hidden)
        # Logged last in the transaction: the access log's chain lock is held until commit, so taking it
        # before the detail's queries serialised every concurrent case view behind them.
        access_record(
            user=request.user, action="view", record_type="episode", record_ids=[episode.pk], request=request
        )
        return view


@router.post("/{episode_id}/grading", response={200: GradingOut, 202: GradingOut})
def grade_episode(request: AuthenticatedRequest, episode_id: int, body: GradingIn) -> Status[GradingOut]:
    with transaction.atomic():
        outcome = services.episode_regrade(
            episode_id=episode_id,
            category=body.category,
            risk_grade=body.risk,
            rationale=body.rationale,
            acting_user=request.user,
            expected_version=body.version,
            override_reason=body.override_reason,
        )
        language = language_notes_record(
            texts={"rationale": (body.rationale, ("risk_assessment", outcome.assessment.pk))},
            child_age=_child_age(episode_id),
            acting_user=request.user,
        )
    status: Literal["applied", "pending_approval"] = (
        "pending_approval" if outcome.pending_approval else "applied"
    )
    return Status(
        202 if outcome.pending_approval else 200,
        GradingOut(
            status=status,
            version=outcome.assessment.episode.version,
            assessment=assessment_out(outcome.assessment, request.user),
            language=[LanguageNoteOut(**note) for note in language],
        ),
    )


class SignConfirmIn(Strict):
    code: str = Field(..., max_length=40, description="The code of a suggestion in the latest assessment")
    version: EditVersion


@router.post("/{episode_id}/suggestions/confirm", response={200: GradingOut, 202: GradingOut})
def confirm_sign(request: AuthenticatedRequest, episode_id: int, body: SignConfirmIn) -> Status[GradingOut]:
    """Confirm a sign the engine read in the circumstances: it becomes an indicator (or a flag on the
    child) and the engine grades again; the new grading is recorded as the confirming officer's."""
    outcome = suggestion_confirm(
        episode_id=episode_id,
        code=body.code,
        acting_user=request.user,
        expected_version=body.version,
    )
    status: Literal["applied", "pending_approval"] = (
        "pending_approval" if outcome.pending_approval else "applied"
    )
    return Status(
        202 if outcome.pending_approval else 200,
        GradingOut(
            status=status,
            version=outcome.assessment.episode.version,
            assessment=assessment_out(outcome.assessment, request.user),
        ),
    )


@router.post("/{episode_id}/found", response=EpisodeSummaryOut)
def found(request: AuthenticatedRequest, episode_id: int, body: FoundIn) -> EpisodeSummaryOut:
    episode = services.episode_found(
        episode_id=episode_id,
        acting_user=request.user,
        **body.model_dump(exclude={"version"}),
        expected_version=body.version,
    )
    return EpisodeSummaryOut.from_model(episode)


@router.post("/{episode_id}/safe-and-well", response={201: dict[str, Any]})
def safe_and_well(
    request: AuthenticatedRequest, episode_id: int, body: SafeAndWellIn
) -> Status[dict[str, Any]]:
    data = body.model_dump(exclude={"version"})
    if data["conducted_at"] is None:
        data.pop("conducted_at")
    check = services.safe_and_well_record(
        episode_id=episode_id,
        acting_user=request.user,
        data=data,
        expected_version=body.version,
    )
    return Status(
        201,
        {
            "id": check.pk,
            "episode_id": episode_id,
            "conducted_at": check.conducted_at.isoformat(),
            "version": check.episode.version,
        },
    )


@router.post("/{episode_id}/close")
def close(request: AuthenticatedRequest, episode_id: int, body: CloseIn) -> dict[str, Any]:
    with transaction.atomic():
        outcome = services.episode_close(
            episode_id=episode_id,
            acting_user=request.user,
            reason_no_check=body.reason_no_check,
            summary=body.summary,
            expected_version=body.version,
        )
        record = ("episode", outcome.episode.pk)
        language = language_notes_record(
            texts={"summary": (body.summary, record), "reason_no_check": (body.reason_no_check, record)},
            child_age=_child_age(episode_id),
            acting_user=request.user,
        )
    ri = outcome.return_interview
    return {
        "id": outcome.episode.pk,
        "status": outcome.episode.status,
        "version": outcome.episode.version,
        "return_interview": {
            "id": ri.pk,
            "responsible_agency": ri.responsible_agency.code,
            "status": ri.status,
            "due_at": ri.due_at.isoformat(),
        },
        "prompts": outcome.prompts,
        "language": language,
    }
