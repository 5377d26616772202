"""Write a generated ``Plan`` to the database: bulk inserts in batches, all in one transaction.

Works on SQLite and PostgreSQL: both return primary keys from bulk inserts, so children, episodes
and assessments can be linked as they are written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Model

from misper.accounts.models import Agency, User
from misper.accounts.services import demo_users_ensure
from misper.demo.plan import AgencyPlan, ChildPlan, EpisodePlan, LocationPlan, Plan
from misper.episodes import models as ep
from misper.partners import models as pt
from misper.people import models as pp
from misper.people.search import child_name_keys_refresh

BATCH = 500


def _bulk[M: Model](model: type[M], rows: Sequence[M]) -> list[M]:
    return model.objects.bulk_create(rows, batch_size=BATCH)


@transaction.atomic
def load_plan(plan: Plan) -> dict[str, Any]:
    """Write ``plan`` and create the demo users for its force and local authority.

    Needs a migrated database in which the plan's child and episode references are not taken.
    Promises all rows or none, and returns the force, its home local authority and the demo users.
    """
    agencies = _agencies(plan.agencies)
    locations = _locations(plan.locations, agencies)
    children = _children(plan, agencies, locations)
    associates = _bulk(
        pp.Associate,
        [
            pp.Associate(
                force=agencies[plan.force],
                given_name=a.given_name,
                family_name=a.family_name,
                date_of_birth=a.date_of_birth,
                sex=a.sex,
                flags=a.flags,
                description=a.description,
                intelligence_notes=a.intelligence_notes,
            )
            for a in plan.associates
        ],
    )
    cawns = _child_links(plan, children, associates)
    _partners(plan, agencies, children, locations)
    episodes = _episodes(plan, agencies, children, locations, associates)
    _episode_details(plan.episodes, episodes, agencies)
    users = demo_users_ensure(force=agencies[plan.force], local_authority=agencies[plan.local_authority])
    _assign_owners(plan.episodes, episodes, {u.username: u for u in users})
    by_name = {u.username: u for u in users}
    _meetings(plan, agencies, children, by_name)
    # The notices were issued by the force's missing person coordinator (once the demo users exist).
    pp.AbductionWarningNotice.objects.filter(pk__in=[c.pk for c in cawns]).update(
        issued_by=by_name.get("demo-coordinator")
    )
    return {"force": agencies[plan.force], "local_authority": agencies[plan.local_authority], "users": users}


def _agencies(plans: list[AgencyPlan]) -> dict[str, Agency]:
    """Create missing agencies (an existing code is reused), then set their links."""
    existing = {a.code: a for a in Agency.objects.filter(code__in=[p.code for p in plans])}
    new = [
        Agency(
            code=p.code,
            name=p.name,
            kind=p.kind,
            email=p.email,
            phone=p.phone,
            out_of_hours_phone=p.out_of_hours_phone,
        )
        for p in plans
        if p.code not in existing
    ]
    agencies = existing | {a.code: a for a in _bulk(Agency, new)}
    for p in plans:
        agency = agencies[p.code]
        agency.police_area = agencies[p.police_area] if p.police_area else None
        agency.commissioned_by = agencies[p.commissioned_by] if p.commissioned_by else None
    Agency.objects.bulk_update(list(agencies.values()), ["police_area", "commissioned_by"])
    return agencies


def _coordinate(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _locations(plans: list[LocationPlan], agencies: dict[str, Agency]) -> list[pp.Location]:
    return _bulk(
        pp.Location,
        [
            pp.Location(
                force=agencies[p.force],
                kind=p.kind,
                name=p.name,
                address_line=p.address_line,
                town=p.town,
                postcode=p.postcode,
                beat=p.beat,
                latitude=_coordinate(p.latitude),
                longitude=_coordinate(p.longitude),
                operated_by=agencies[p.operated_by] if p.operated_by else None,
            )
            for p in plans
        ],
    )


def _child(
    p: ChildPlan, force: Agency, agencies: dict[str, Agency], locations: list[pp.Location]
) -> pp.Child:
    def agency(code: str | None) -> Agency | None:
        return agencies[code] if code else None

    def location(key: int | None) -> pp.Location | None:
        return locations[key] if key is not None else None

    return pp.Child(
        force=force,
        ref=p.ref,
        given_name=p.given_name,
        family_name=p.family_name,
        preferred_name=p.preferred_name,
        date_of_birth=p.date_of_birth,
        sex=p.sex,
        ethnicity=p.ethnicity,
        description=p.description,
        languages=p.languages,
        disabilities=p.disabilities,
        phone=p.phone,
        social_media=p.social_media,
        medical_needs=p.medical_needs,
        looked_after=p.looked_after,
        placement_type=p.placement_type,
        placing_authority=agency(p.placing_authority),
        host_authority=agency(p.host_authority),
        care_provider=agency(p.care_provider),
        placement_address=location(p.placement_location),
        home_address=location(p.home_location),
        out_of_area=p.out_of_area,
        placed_since=p.placed_since,
        social_worker_name=p.social_worker_name,
        social_worker_phone=p.social_worker_phone,
    )


def _children(plan: Plan, agencies: dict[str, Agency], locations: list[pp.Location]) -> list[pp.Child]:
    force = agencies[plan.force]
    children = _bulk(pp.Child, [_child(p, force, agencies, locations) for p in plan.children])
    _bulk(
        pp.ChildAlias,
        [
            pp.ChildAlias(
                child=children[p.key], kind=a.kind, given_name=a.given_name, family_name=a.family_name
            )
            for p in plan.children
            for a in p.aliases
        ],
    )
    # Bulk inserts send no post_save, so build the search index the services' saves would build.
    child_name_keys_refresh(child_ids=[c.pk for c in children])
    _bulk(
        pp.VulnerabilityFlag,
        [
            pp.VulnerabilityFlag(
                child=children[p.key],
                code=f.code,
                source=f.source,
                source_agency=agencies[f.source_agency] if f.source_agency else None,
                noted_on=f.noted_on,
                expires_on=f.expires_on,
                notes=f.notes,
            )
            for p in plan.children
            for f in p.flags
        ],
    )
    _bulk(
        pp.ChildLocation,
        [
            pp.ChildLocation(
                child=children[p.key], location=locations[link.location], kind=link.kind, notes=link.notes
            )
            for p in plan.children
            for link in p.places
        ],
    )
    return children


def _child_links(
    plan: Plan, children: list[pp.Child], associates: list[pp.Associate]
) -> list[pp.AbductionWarningNotice]:
    _bulk(
        pp.ChildAssociate,
        [
            pp.ChildAssociate(
                child=children[link.child],
                associate=associates[link.associate],
                relationship=link.relationship,
                of_concern=link.of_concern,
                noted_on=link.noted_on,
                notes=link.notes,
                concern=link.concern,
                source=link.source,
            )
            for link in plan.links
        ],
    )
    return _bulk(
        pp.AbductionWarningNotice,
        [
            pp.AbductionWarningNotice(
                associate=associates[c.associate],
                child=children[c.child],
                issued_on=c.issued_on,
                expires_on=c.expires_on,
                breaches=c.breaches,
                follow_up=c.follow_up,
            )
            for c in plan.cawns
        ],
    )


def _partners(
    plan: Plan, agencies: dict[str, Agency], children: list[pp.Child], locations: list[pp.Location]
) -> None:
    plans = _bulk(
        pt.TriggerPlan,
        [
            pt.TriggerPlan(
                child=children[t.child],
                version=t.version,
                minimum_risk=t.minimum_risk,
                actions=t.actions,
                agreed_by=t.agreed_by,
                agreed_on=t.agreed_on,
                review_on=t.review_on,
                superseded_at=t.superseded_at,
            )
            for t in plan.trigger_plans
        ],
    )
    through = pt.TriggerPlan.agencies.through
    _bulk(
        through,
        [
            through(triggerplan_id=row.pk, agency_id=agencies[code].pk)
            for row, t in zip(plans, plan.trigger_plans, strict=True)
            for code in dict.fromkeys(t.agencies)
        ],
    )
    _bulk(
        pt.PlacementNotice,
        [
            pt.PlacementNotice(
                child=children[n.child],
                placing_authority=agencies[n.placing_authority],
                host_authority=agencies[n.host_authority] if n.host_authority else None,
                host_force=agencies[n.host_force],
                placement_type=n.placement_type,
                placement=locations[n.placement] if n.placement is not None else None,
                starts_on=n.starts_on,
                ends_on=n.ends_on,
                known_risks=n.known_risks,
                acknowledged_at=n.acknowledged_at,
            )
            for n in plan.placement_notices
        ],
    )


def _episode(
    p: EpisodePlan,
    force: Agency,
    children: list[pp.Child],
    locations: list[pp.Location],
    associates: list[pp.Associate],
) -> ep.Episode:
    def location(key: int | None) -> pp.Location | None:
        return locations[key] if key is not None else None

    return ep.Episode(
        force=force,
        child=children[p.child],
        reference=p.reference,
        status=p.status,
        category=p.category,
        risk=p.risk,
        reported_at=p.reported_at,
        last_seen_at=p.last_seen_at,
        missing_from=location(p.missing_from),
        missing_from_care=p.missing_from_care,
        reporter_type=p.reporter_type,
        reporter_name=p.reporter_name,
        reporter_phone=p.reporter_phone,
        circumstances=p.circumstances,
        indicators=p.indicators,
        beat=p.beat,
        found_at=p.found_at,
        found_location=location(p.found_location),
        found_with=p.found_with,
        found_with_associate=associates[p.found_with_associate]
        if p.found_with_associate is not None
        else None,
        return_method=p.return_method,
        harm_disclosed=p.harm_disclosed,
        offences_identified=p.offences_identified,
        closed_at=p.closed_at,
        closure_summary=p.closure_summary,
        safe_and_well_not_done_reason=p.safe_and_well_not_done_reason,
        next_review_at=p.next_review_at,
        version=len(p.status_changes),
    )


def _episodes(
    plan: Plan,
    agencies: dict[str, Agency],
    children: list[pp.Child],
    locations: list[pp.Location],
    associates: list[pp.Associate],
) -> list[ep.Episode]:
    force = agencies[plan.force]
    rows = _bulk(ep.Episode, [_episode(p, force, children, locations, associates) for p in plan.episodes])
    # created_at is auto_now_add; the record was created when the report was made.
    ep.Episode.objects.filter(pk__in=[r.pk for r in rows]).update(created_at=F("reported_at"))
    return rows


def _episode_details(
    plans: list[EpisodePlan], episodes: list[ep.Episode], agencies: dict[str, Agency]
) -> None:
    """Assessments first (reviews point at them), then everything else that hangs off an episode."""
    assessments = _bulk(
        ep.RiskAssessment,
        [ep.RiskAssessment(episode=episodes[p.key], **vars(a)) for p in plans for a in p.assessments],
    )
    by_episode: dict[int, list[ep.RiskAssessment]] = {}
    for row in assessments:
        by_episode.setdefault(row.episode_id, []).append(row)
    _bulk(
        ep.Review,
        [
            ep.Review(
                episode=episodes[p.key],
                reviewed_at=r.reviewed_at,
                regraded=r.regraded,
                notes=r.notes,
                next_review_at=r.next_review_at,
                assessment=by_episode[episodes[p.key].pk][r.assessment] if r.assessment is not None else None,
            )
            for p in plans
            for r in p.reviews
        ],
    )
    _bulk(ep.Action, [ep.Action(episode=episodes[p.key], **vars(a)) for p in plans for a in p.actions])
    _bulk(
        ep.StatusChange,
        [ep.StatusChange(episode=episodes[p.key], **vars(s)) for p in plans for s in p.status_changes],
    )
    _bulk(
        ep.SafeAndWellCheck,
        [
            ep.SafeAndWellCheck(episode=episodes[p.key], **vars(p.safe_and_well))
            for p in plans
            if p.safe_and_well
        ],
    )
    _bulk(
        pt.ReturnInterview,
        [
            pt.ReturnInterview(
                episode=episodes[p.key],
                **(
                    vars(p.return_interview)
                    | {
                        "responsible_agency": agencies[p.return_interview.responsible_agency],
                        "provider": agencies[p.return_interview.provider]
                        if p.return_interview.provider
                        else None,
                    }
                ),
            )
            for p in plans
            if p.return_interview
        ],
    )


def _assign_owners(plans: list[EpisodePlan], episodes: list[ep.Episode], users: dict[str, User]) -> None:
    """Give open episodes their demo owner, once the demo users exist."""
    for p in plans:
        if p.owner and p.owner in users:
            episodes[p.key].owner = users[p.owner]
    owned = [episodes[p.key] for p in plans if p.owner and p.owner in users]
    ep.Episode.objects.bulk_update(owned, ["owner"], batch_size=BATCH)


def _meetings(
    plan: Plan, agencies: dict[str, Agency], children: list[pp.Child], users: dict[str, User]
) -> None:
    """The monthly panels, recorded by the demo coordinator: meetings, the children discussed, actions."""
    force = agencies[plan.force]
    recorder = users.get("demo-coordinator")
    rows = _bulk(
        pt.Meeting,
        [
            pt.Meeting(
                force=force,
                kind=m.kind,
                held_on=m.held_on,
                attendees=m.attendees,
                decisions=m.decisions,
                created_by=recorder,
                created_at=datetime.combine(m.held_on, time(15, 0), tzinfo=UTC),
            )
            for m in plan.meetings
        ],
    )
    through = pt.Meeting.children.through
    _bulk(
        through,
        [
            through(meeting_id=row.pk, child_id=children[key].pk)
            for row, m in zip(rows, plan.meetings, strict=True)
            for key in dict.fromkeys(m.children)
        ],
    )
    _bulk(
        pt.MeetingAction,
        [
            pt.MeetingAction(
                meeting=row,
                text=a.text,
                owner_agency=agencies[a.owner_agency],
                due_on=a.due_on,
                completed_on=a.completed_on,
                completed_by=recorder if a.completed_on else None,
            )
            for row, m in zip(rows, plan.meetings, strict=True)
            for a in m.actions
        ],
    )
