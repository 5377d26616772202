"""API routes for misper.learning (mounted at /api/v1/): the feedback and language figures.
Thin: call one selector, shape the output. Figures are by month, area and team, never by child."""

from __future__ import annotations

from datetime import date

from ninja import Router, Schema

from misper.accounts.requests import AuthenticatedRequest
from misper.learning import selectors

router = Router(tags=["learning"])


class AnswerCounts(Schema):
    question: str
    counts: dict[str, int] | None


class FeedbackCellOut(Schema):
    period: str
    area: str
    team: str
    responses: int
    suppressed: bool
    answers: list[AnswerCounts]


class FeedbackSummaryOut(Schema):
    small_number: int
    cells: list[FeedbackCellOut]


class LanguageRowOut(Schema):
    period: str
    team: str
    term: str
    count: int


def _cell_out(c: selectors.FeedbackCell) -> FeedbackCellOut:
    answers = [
        AnswerCounts(question=q, counts=None if c.suppressed else c.counts.get(q, {}))
        for q in selectors.QUESTION_KEYS
    ]
    return FeedbackCellOut(
        period=c.period.strftime("%Y-%m"), area=c.area, team=c.team, responses=c.responses,
        suppressed=c.suppressed, answers=answers,
    )  # fmt: skip


@router.get("/feedback/summary", response=FeedbackSummaryOut)
def feedback_summary(request: AuthenticatedRequest, since: date | None = None) -> FeedbackSummaryOut:
    """Children's feedback by month, area and team. A cell with fewer than ``small_number`` responses
    gives its count but not its answers."""
    cells = selectors.feedback_summary(request.user, since=since)
    return FeedbackSummaryOut(small_number=selectors.SMALL_NUMBER, cells=[_cell_out(c) for c in cells])


@router.get("/language/summary", response=list[LanguageRowOut])
def language_summary(request: AuthenticatedRequest) -> list[LanguageRowOut]:
    """How often each listed term reached a saved record, by month and team."""
    rows = selectors.language_summary(request.user)
    return [
        LanguageRowOut(period=r.period.strftime("%Y-%m"), team=r.team, term=r.term, count=r.count)
        for r in rows
    ]
