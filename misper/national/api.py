"""API routes for misper.national (mounted at /api/v1/national): the national view as JSON.

The same selectors feed these routes and the ``/national`` pages, under the same access rule
(``selectors.can_use_national``: national bodies' staff and police analysts; others get 403). Every route
writes an access event; see ``docs/linkage.md`` ("API"). ``POST /returns`` is the other direction: a
police force pushing its own changed episodes (``feed.national_push``).
"""

from __future__ import annotations

from django.db import transaction
from ninja import Query, Router

from misper.accounts.requests import AuthenticatedRequest
from misper.audit.services import access_record
from misper.core.api_schemas import Page
from misper.national import selectors
from misper.national.feed import national_push
from misper.national.schemas import (
    CrossForceListOut,
    CrossForcePersonOut,
    DecisionIn,
    DecisionOut,
    PairListOut,
    PairOut,
    PushIn,
    PushOut,
    RecordListOut,
    RecordOut,
    SummaryOut,
)
from misper.national.services import review_decide_once

router = Router(tags=["national"])


@router.get("/summary", response=SummaryOut, summary="The national figures")
def national_summary(request: AuthenticatedRequest) -> SummaryOut:
    """Distinct children, episodes, children missing now and children missing in more than one force
    area: the figures the national view shows."""
    with transaction.atomic():
        counts = selectors.national_counts(request.user)
        access_record(user=request.user, action="national_summary", record_type="national_record",
                      request=request)  # fmt: skip
    return SummaryOut.from_counts(counts)


@router.get("/missing-now", response=RecordListOut, summary="Episodes open now, across all forces")
def national_missing_now(request: AuthenticatedRequest, page: Query[Page]) -> RecordListOut:
    """Episodes open now in every force's return, oldest report first, each with its linked person."""
    with transaction.atomic():
        count, items = selectors.missing_now_page(request.user, limit=page.limit, offset=page.offset)
        access_record(user=request.user, action="national_missing_now", record_type="national_record",
                      record_ids=[r.pk for r in items], request=request)  # fmt: skip
    return RecordListOut(count=count, items=[RecordOut.from_model(r) for r in items])


@router.get("/multi-force", response=CrossForceListOut, summary="Children in more than one force area")
def national_multi_force(request: AuthenticatedRequest, page: Query[Page]) -> CrossForceListOut:
    """People (national person ids) with episodes in two or more force areas, by person id, each with
    their records."""
    with transaction.atomic():
        count, people = selectors.cross_force_page(request.user, limit=page.limit, offset=page.offset)
        access_record(user=request.user, action="national_multi_force", record_type="national_record",
                      record_ids=[r.pk for p in people for r in p.records], request=request)  # fmt: skip
    return CrossForceListOut(count=count, items=[CrossForcePersonOut.from_person(p) for p in people])


@router.get("/review", response=PairListOut, summary="The clerical review queue")
def national_review_queue(request: AuthenticatedRequest, page: Query[Page]) -> PairListOut:
    """Undecided pairs, most likely match first, each with both children's latest details side by side."""
    user = request.user
    with transaction.atomic():
        count, pairs = selectors.review_queue_page(user, limit=page.limit, offset=page.offset)
        compared = selectors.pairs_compared(user, pairs)
        access_record(user=user, action="national_review_list", record_type="review_pair",
                      record_ids=[p.pk for p in pairs], request=request)  # fmt: skip
    return PairListOut(count=count, items=[PairOut.from_compared(c) for c in compared])


@router.get("/review/{pair_id}", response=PairOut, summary="One review pair, side by side")
def national_review_pair(request: AuthenticatedRequest, pair_id: int) -> PairOut:
    user = request.user
    with transaction.atomic():
        pair = selectors.access_review_pair_by_id(user, pair_id)
        (compared,) = selectors.pairs_compared(user, [pair])
        access_record(user=user, action="national_review_view", record_type="review_pair",
                      record_ids=[pair.pk], request=request)  # fmt: skip
    return PairOut.from_compared(compared)


@router.post("/review/{pair_id}/decision", response=DecisionOut, summary="Decide a review pair")
def national_review_decide(request: AuthenticatedRequest, pair_id: int, body: DecisionIn) -> DecisionOut:
    """Record 'same' or 'different' and re-link so it takes effect; kept and reused on every later run.
    Repeating the recorded decision changes nothing (200, ``changed: false``); a different decision on a
    decided pair is a 409 (change it on the review page)."""
    user = request.user
    pair = selectors.access_review_pair_by_id(user, pair_id)
    pair, changed = review_decide_once(pair_id=pair.pk, decision=body.decision, acting_user=user)
    (compared,) = selectors.pairs_compared(user, [pair])
    return DecisionOut(changed=changed, pair=PairOut.from_compared(compared))


@router.post("/returns", response=PushOut, summary="Push your force's changed national-return lines")
def national_returns_push(request: AuthenticatedRequest, body: PushIn) -> PushOut:
    """A police force's coordinator, supervisor or analyst (or its system, with their token) sends
    national-return lines (version 2) as episodes change, so "missing now" is live. All stored or none;
    a line from another force, an invalid line or one episode twice is a 422 naming ``lines[i]…``."""
    result = national_push(lines=body.lines, acting_user=request.user)
    return PushOut(created=result.created, updated=result.updated, unchanged=result.unchanged,
                   waiting_for_linkage=result.waiting_for_linkage)  # fmt: skip
