"""Request and response shapes of the national API (``misper/national/api.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from misper.core.api_schemas import Strict
from misper.national.compare import fields_compared
from misper.national.models import NationalRecord
from misper.national.selectors import CrossForcePerson, NationalCounts, PairRecords


class SummaryOut(Schema):
    """The national view's figures: the same selector feeds the page."""

    children: int = Field(description="Distinct children, as linkage counts them")
    episodes: int = Field(description="Episodes in all forces' returns")
    missing_now: int = Field(description="Distinct children with an episode open now")
    in_more_than_one_force: int = Field(description="Children with episodes in two or more force areas")
    forces: int = Field(description="Forces sending returns")
    adults: int = Field(description="Distinct adults (18 or over when reported), counted apart from children")

    @staticmethod
    def from_counts(c: NationalCounts) -> SummaryOut:
        return SummaryOut(
            children=c.children,
            episodes=c.episodes,
            missing_now=c.missing_now,
            in_more_than_one_force=c.in_more_than_one_force,
            forces=c.forces,
            adults=c.adults,
        )


def _person_id(record: NationalRecord) -> str | None:
    link = getattr(record, "link", None)  # a record not linked yet has none
    return link.person_id if link is not None else None


class RecordOut(Schema):
    """One episode of one child in one force's return."""

    id: int
    person_id: str | None = Field(description="The linked person; null until linkage has run")
    source: str = Field(description="The sending force's code")
    ref: str = Field(description="The force's reference for the child")
    episode_key: str
    given_name: str
    family_name: str
    date_of_birth: str
    sex: str
    reported_at: datetime | None
    found_at: datetime | None
    risk: str
    category: str
    status: str
    missing_now: bool

    @staticmethod
    def from_model(r: NationalRecord) -> RecordOut:
        return RecordOut(
            id=r.pk,
            person_id=_person_id(r),
            source=r.source,
            ref=r.ref,
            episode_key=r.episode_key,
            given_name=r.given_name,
            family_name=r.family_name,
            date_of_birth=r.date_of_birth,
            sex=r.sex,
            reported_at=r.reported_at,
            found_at=r.found_at,
            risk=r.risk,
            category=r.category,
            status=r.status,
            missing_now=r.is_missing_now,
        )


class RecordListOut(Schema):
    count: int
    items: list[RecordOut]


class CrossForcePersonOut(Schema):
    person_id: str
    forces: list[str] = Field(description="The force codes the person has episodes in (two or more)")
    records: list[RecordOut]

    @staticmethod
    def from_person(p: CrossForcePerson) -> CrossForcePersonOut:
        return CrossForcePersonOut(
            person_id=p.person_id, forces=p.forces, records=[RecordOut.from_model(r) for r in p.records]
        )


class CrossForceListOut(Schema):
    count: int = Field(description="People with episodes in more than one force area")
    items: list[CrossForcePersonOut]


class ComparedOut(Schema):
    """The details linkage compared, from the child's latest record."""

    given_name: str
    family_name: str
    date_of_birth: str
    sex: str
    address_line: str
    town: str
    postcode: str


class SideOut(Schema):
    source: str
    ref: str
    latest: ComparedOut | None = Field(description="Null if the child's records are no longer imported")


def _side(source: str, ref: str, r: NationalRecord | None) -> SideOut:
    latest = None
    if r is not None:
        latest = ComparedOut(
            given_name=r.given_name,
            family_name=r.family_name,
            date_of_birth=r.date_of_birth,
            sex=r.sex,
            address_line=r.address_line,
            town=r.town,
            postcode=r.postcode,
        )
    return SideOut(source=source, ref=ref, latest=latest)


class FieldOut(Schema):
    """One field linkage compares, on both records, and whether it agrees."""

    label: str
    left: str
    right: str
    agreement: Literal["agree", "close", "differ", "unknown"]
    verdict: str = Field(description="The agreement in words, as the review page shows it")


class PairOut(Schema):
    """Two children's records linkage was unsure about, side by side, and what a reviewer decided."""

    id: int
    probability: float = Field(description="Linkage's match probability")
    weight: int = Field(description="Record pairs a 'same' decision would join: the queue is heaviest first")
    fields: list[FieldOut] = Field(description="Each compared field on both records; empty if one is gone")
    decision: Literal["", "same", "different"] = Field(description="'' until a reviewer decides")
    decided_by: str | None
    decided_at: datetime | None
    left: SideOut
    right: SideOut

    @staticmethod
    def from_compared(c: PairRecords) -> PairOut:
        p = c.pair
        return PairOut(
            id=p.pk,
            probability=p.probability,
            weight=p.weight,
            fields=[
                FieldOut(label=f.label, left=f.left, right=f.right, agreement=f.kind, verdict=f.verdict)  # type: ignore[arg-type]
                for f in fields_compared(c.left, c.right)
            ],
            decision=p.decision,  # type: ignore[arg-type]
            decided_by=p.decided_by.username if p.decided_by else None,
            decided_at=p.decided_at,
            left=_side(p.left_source, p.left_ref, c.left),
            right=_side(p.right_source, p.right_ref, c.right),
        )


class PairListOut(Schema):
    count: int = Field(description="Pairs waiting for a decision")
    items: list[PairOut]


class DecisionIn(Strict):
    decision: Literal["same", "different"] = Field(
        description="'same': the same child; 'different': different children"
    )


class DecisionOut(Schema):
    changed: bool = Field(description="False when this decision was already recorded (nothing changed)")
    pair: PairOut


class PushIn(Strict):
    lines: list[dict[str, Any]] = Field(
        min_length=1,
        max_length=500,
        description="National return lines (version 2, as `misper export national` writes them) of your own force",
    )


class PushOut(Schema):
    created: int = Field(description="Episodes new to the national side")
    updated: int = Field(
        description="Episodes already there whose details changed (found, closed, regraded…)"
    )
    unchanged: int
    waiting_for_linkage: int = Field(
        description="Records of children new to the national side: linked by the next national relink"
    )
