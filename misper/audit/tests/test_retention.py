"""Retention: review dates from the schedule, the review queue, retain decisions and disposal.

Disposal must remove the record and every derived copy (counted model by model), leave an ``erase``
event with ids only, and keep the access log's chain verifying."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.utils import timezone

from misper.accounts.models import Role
from misper.audit.models import AccessEvent, ChangeRecord, RetentionDecision
from misper.audit.retention import services
from misper.audit.retention.selectors import retention_due
from misper.audit.retention.views import DISPOSED
from misper.audit.services import audit_chain_verify
from misper.core.errors import ConflictError, InvalidInput
from misper.episodes.models import Episode
from misper.episodes.services import episode_close, episode_found, episode_report, safe_and_well_record
from misper.episodes.services_work import episode_review
from misper.episodes.tests.test_lifecycle_api import report_doc
from misper.learning.models import LanguageFlag
from misper.learning.services import feedback_invite_create
from misper.national.models import NationalRecord
from misper.partners.models import Meeting, TriggerPlan
from misper.people.models import (
    Associate,
    ChildAlias,
    ChildAssociate,
    ChildLocation,
    Location,
    VulnerabilityFlag,
)
from tests.factories import child_make, episode_version, user_make

pytestmark = pytest.mark.django_db
YEARS_AGO_7 = timedelta(days=7 * 366)


@pytest.fixture
def auditor(world):
    return user_make(world.force, Role.AUDITOR, username="auditor")


def _child_with_history(world, ref: str):
    child = child_make(world.force, ref=ref, looked_after=True, placing_authority=world.la)
    today = timezone.localdate()
    ChildAlias.objects.create(child=child, given_name="Nick")
    VulnerabilityFlag.objects.create(child=child, code="cse_risk", noted_on=today)
    home = Location.objects.create(force=world.force, kind="home", address_line=f"1 {ref} Road")
    ChildLocation.objects.create(child=child, location=home, kind="home")
    adult = Associate.objects.create(force=world.force, given_name="Adult", family_name=ref)
    ChildAssociate.objects.create(child=child, associate=adult)
    TriggerPlan.objects.create(child=child, minimum_risk="high", agreed_on=today)
    meeting = Meeting.objects.create(
        force=world.force, kind="strategy", held_on=today, decisions="Safety plan.", created_at=timezone.now()
    )
    meeting.children.add(child)
    return child


def _closed_episode(world, ref: str, key: str, closed_ago: timedelta = YEARS_AGO_7) -> Episode:
    """An episode taken through every service (report with an idempotency key, review, found, safe and
    well, close, feedback invite), with a language flag and a national-return copy, closed ``closed_ago``."""
    episode = episode_report(doc=report_doc(ref), acting_user=world.calltaker, idempotency_key=key).episode
    episode_review(
        episode_id=episode.pk,
        notes="Reviewed.",
        acting_user=world.supervisor,
        expected_version=episode_version(episode.pk),
    )
    episode_found(
        episode_id=episode.pk,
        acting_user=world.calltaker,
        found_at=timezone.now(),
        expected_version=episode_version(episode.pk),
    )
    data = {"child_account": "I went to a friend's.", "returned_to": "same_place", "safe_to_return": True}
    safe_and_well_record(
        episode_id=episode.pk,
        acting_user=world.calltaker,
        data=data,
        expected_version=episode_version(episode.pk),
    )
    episode_close(
        episode_id=episode.pk,
        acting_user=world.calltaker,
        summary="Home safe.",
        expected_version=episode_version(episode.pk),
    )
    feedback_invite_create(episode_id=episode.pk, acting_user=world.calltaker)
    assessment = episode.assessments.first()
    LanguageFlag.objects.create(
        force=world.force, record_type="risk_assessment", record_id=assessment.pk, field="rationale",
        term="putting-themselves-at-risk", saved_at=timezone.now(),
    )  # fmt: skip
    NationalRecord.objects.create(source=world.force.code, ref=ref, episode_key=episode.reference)
    Episode.objects.filter(pk=episode.pk).update(closed_at=timezone.now() - closed_ago)
    return Episode.objects.get(pk=episode.pk)


# Every model holding an episode's or a child's data, with how to find the rows of one episode / child.
EPISODE_ROWS = {
    "episodes.Episode": lambda e: {"pk": e.pk},
    "episodes.StatusChange": lambda e: {"episode": e.pk},
    "episodes.RiskAssessment": lambda e: {"episode": e.pk},
    "episodes.Review": lambda e: {"episode": e.pk},
    "episodes.Action": lambda e: {"episode": e.pk},
    "episodes.SafeAndWellCheck": lambda e: {"episode": e.pk},
    "episodes.IdempotencyKey": lambda e: {"episode": e.pk},
    "episodes.UkmpuNotice": lambda e: {"episode": e.pk},
    "incidents.Incident": lambda e: {"episode": e.pk},
    "partners.ReturnInterview": lambda e: {"episode": e.pk},
    "notifications.Alert": lambda e: {"episode": e.pk},
    "partners.MissingNotification": lambda e: {"episode": e.pk},
    "learning.FeedbackInvite": lambda e: {"episode": e.pk},
    "national.NationalRecord": lambda e: {"episode_key": e.reference},
    "analytics.EpisodeFact": lambda e: {"episode": e.pk},  # the dashboards' derived copy
}
CHILD_ROWS = {
    "people.Child": lambda c: {"pk": c.pk},
    "people.ChildAlias": lambda c: {"child": c.pk},
    "people.VulnerabilityFlag": lambda c: {"child": c.pk},
    "people.ChildLocation": lambda c: {"child": c.pk},
    "people.ChildAssociate": lambda c: {"child": c.pk},
    "people.AbductionWarningNotice": lambda c: {"child": c.pk},
    "people.ChildNameKey": lambda c: {"child": c.pk},
    "partners.TriggerPlan": lambda c: {"child": c.pk},
    "partners.PlacementNotice": lambda c: {"child": c.pk},
    "notifications.Alert": lambda c: {"child": c.pk},
    "partners.CareProfile": lambda c: {"child": c.pk},
    "partners.MissingNotification": lambda c: {"child": c.pk},
    "partners.TriggerPlanProposal": lambda c: {"child": c.pk},
    "partners.Meeting": lambda c: {"children": c.pk},
    "partners.Meeting_children": lambda c: {"child": c.pk},  # a meeting about several children: the link
    "episodes.Episode": lambda c: {"child": c.pk},
    "national.NationalRecord": lambda c: {"ref": c.ref},
    "analytics.EpisodeFact": lambda c: {"child": c.pk},
}


def _counts(rows: dict, record) -> dict[str, int]:  # type: ignore[type-arg]
    return {label: apps.get_model(label).objects.filter(**f(record)).count() for label, f in rows.items()}


def _model_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models(include_auto_created=True)}


def _history(record_type: str, pk: int) -> int:
    return ChangeRecord.objects.filter(record_type=record_type, record_id=str(pk)).count()


def test_every_model_holding_an_episode_or_child_is_checked():
    """A new model with a foreign key to an episode or a child must be added to the disposal test."""
    for target, rows in (("episodes.Episode", EPISODE_ROWS), ("people.Child", CHILD_ROWS)):
        model = apps.get_model(target)
        related = {
            f.related_model._meta.label
            for f in model._meta.get_fields(include_hidden=True)
            if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
        }
        assert related <= set(rows), sorted(related - set(rows))


def test_review_dates_follow_the_schedule(world, auditor, settings):
    old = _closed_episode(world, "C-RET-1", "k1")
    recent = _closed_episode(world, "C-RET-2", "k2", closed_ago=timedelta(days=3 * 365))
    child_make(world.force, ref="C-RET-3")  # no episode, created today: not due
    due = retention_due(auditor)
    assert [(r.record_type, r.record_id) for r in due] == [("episode", old.pk)]
    assert due[0].review_on == timezone.localdate(old.closed_at).replace(year=old.closed_at.year + 6)
    settings.MISPER_RETENTION = {"episode": {"years_after_closure": 2}}
    assert {r.record_id for r in retention_due(auditor)} == {old.pk, recent.pk}


def test_a_child_with_no_episode_falls_due_after_its_own_period(world, auditor):
    child = child_make(world.force, ref="C-RET-4")
    type(child).objects.filter(pk=child.pk).update(created_at=timezone.now() - YEARS_AGO_7)
    assert [(r.record_type, r.record_id) for r in retention_due(auditor)] == [("child", child.pk)]


def test_retain_needs_a_rationale_and_a_future_date_and_saves_nothing_otherwise(world, auditor):
    episode = _closed_episode(world, "C-RET-1", "k1")
    kwargs = {"record_type": "episode", "record_id": episode.pk, "acting_user": auditor}
    with pytest.raises(InvalidInput) as exc:
        services.retention_retain(rationale="  ", next_review_on=timezone.localdate(), **kwargs)
    assert {e.field for e in exc.value.errors} == {"rationale", "next_review_on"}
    assert not RetentionDecision.objects.exists()

    next_review = timezone.localdate() + timedelta(days=365)
    decision = services.retention_retain(
        rationale="Linked to an open CSE inquiry.", next_review_on=next_review, **kwargs
    )
    assert (decision.reviewer, decision.rationale) == (auditor, "Linked to an open CSE inquiry.")
    assert retention_due(auditor) == []  # off the queue until the next review
    assert [r.record_id for r in retention_due(auditor, today=next_review)] == [episode.pk]
    assert AccessEvent.objects.filter(action="retain", record_ids=[str(episode.pk)]).exists()


def test_disposing_the_childs_only_episode_removes_every_derived_row(world, auditor):
    child = _child_with_history(world, "C-RET-1")
    episode = _closed_episode(world, "C-RET-1", "k1")
    other = _closed_episode(world, "C-RET-2", "k2")  # another child's: must be untouched
    assessments = list(episode.assessments.values_list("pk", flat=True))
    before_e, before_c = _counts(EPISODE_ROWS, episode), _counts(CHILD_ROWS, child)
    # Non-empty before, so "zero after" proves something (Alert, notification, CAWN… may be absent).
    for label in ("episodes.StatusChange", "episodes.RiskAssessment", "episodes.Review", "episodes.Action",
                  "episodes.SafeAndWellCheck", "episodes.IdempotencyKey", "partners.ReturnInterview",
                  "learning.FeedbackInvite", "national.NationalRecord"):  # fmt: skip
        assert before_e[label] >= 1, label
    for label in ("people.ChildAlias", "people.VulnerabilityFlag", "people.ChildLocation",
                  "people.ChildAssociate", "people.ChildNameKey", "partners.TriggerPlan", "partners.Meeting"):  # fmt: skip
        assert before_c[label] >= 1, label
    assert _history("episode", episode.pk) >= 1
    other_rows = _counts(EPISODE_ROWS, other) | {"history": _history("episode", other.pk)}
    total_before = _model_counts()

    removed = services.retention_dispose(
        record_type="episode", record_id=episode.pk, reason="Review period passed", acting_user=auditor
    )

    assert set(_counts(EPISODE_ROWS, episode).values()) == {0}
    assert set(_counts(CHILD_ROWS, child).values()) == {0}, _counts(CHILD_ROWS, child)
    assert _history("episode", episode.pk) == _history("child", child.pk) == 0
    assert not LanguageFlag.objects.filter(record_type="risk_assessment", record_id__in=assessments).exists()
    assert not Location.objects.filter(address_line="1 C-RET-1 Road").exists()  # used by nothing else
    assert Associate.objects.filter(family_name="C-RET-1").exists()  # the adult's record is their own
    assert _counts(EPISODE_ROWS, other) | {"history": _history("episode", other.pk)} == other_rows
    total_after = _model_counts()
    for label, n in removed.items():  # the returned counts are exactly what left the database
        assert total_before[label] - total_after[label] == n, label


def test_disposal_leaves_erasure_events_with_ids_only_and_a_verifying_chain(world, auditor):
    episode = _closed_episode(world, "C-RET-1", "k1")
    child_id = episode.child_id
    services.retention_dispose(
        record_type="episode", record_id=episode.pk, reason="Review period passed", acting_user=auditor
    )
    erased = list(AccessEvent.objects.filter(action="erase").order_by("pk"))
    assert [(e.record_type, e.record_ids) for e in erased] == [
        ("episode", [str(episode.pk)]),
        ("child", [str(child_id)]),
    ]
    assert {(e.username, e.role, e.purpose) for e in erased} == {
        ("auditor", "auditor", "retention disposal: Review period passed")
    }
    assert audit_chain_verify() == []


def test_disposing_one_of_two_episodes_keeps_the_child(world, auditor):
    first = _closed_episode(world, "C-RET-1", "k1")
    second = _closed_episode(world, "C-RET-1", "k2", closed_ago=timedelta(days=30))
    services.retention_dispose(record_type="episode", record_id=first.pk, reason="Due", acting_user=auditor)
    assert not Episode.objects.filter(pk=first.pk).exists()
    assert Episode.objects.filter(pk=second.pk, child=first.child).exists()
    assert not AccessEvent.objects.filter(action="erase", record_type="child").exists()


def test_a_record_not_due_is_refused_and_nothing_removed(world, auditor):
    episode = _closed_episode(world, "C-RET-1", "k1", closed_ago=timedelta(days=30))
    with pytest.raises(ConflictError):
        services.retention_dispose(
            record_type="episode", record_id=episode.pk, reason="x", acting_user=auditor
        )
    with pytest.raises(InvalidInput):
        services.retention_dispose(
            record_type="episode", record_id=episode.pk, reason=" ", acting_user=auditor
        )
    assert Episode.objects.filter(pk=episode.pk).exists()
    assert not AccessEvent.objects.filter(action="erase").exists()


@pytest.mark.parametrize("role", [Role.CALL_HANDLER, Role.SUPERVISOR, Role.ANALYST, Role.COORDINATOR])
def test_only_auditors_and_administrators_decide(world, role):
    episode = _closed_episode(world, "C-RET-1", "k1")
    user = user_make(world.force, role)
    with pytest.raises(PermissionDenied):
        services.retention_dispose(record_type="episode", record_id=episode.pk, reason="x", acting_user=user)
    admin = user_make(world.force, Role.ADMINISTRATOR)
    services.retention_dispose(record_type="episode", record_id=episode.pk, reason="x", acting_user=admin)


def test_another_forces_reviewer_cannot_see_or_dispose(world):
    episode = _closed_episode(world, "C-RET-1", "k1")
    outsider = user_make(world.other_force, Role.AUDITOR)
    assert retention_due(outsider) == []
    with pytest.raises(Http404):
        services.retention_dispose(
            record_type="episode", record_id=episode.pk, reason="x", acting_user=outsider
        )


# --- pages --------------------------------------------------------------------------------------------


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_queue_page_lists_references_not_names_and_logs_the_list(world, auditor):
    episode = _closed_episode(world, "C-RET-1", "k1")
    html = _client(auditor).get("/audit/retention").content.decode()
    assert episode.reference in html
    assert "C-RET-1" in html
    assert episode.child.family_name not in html
    assert AccessEvent.objects.filter(
        action="list", record_type="episode", record_ids=[str(episode.pk)]
    ).exists()
    assert _client(world.supervisor).get("/audit/retention").status_code == 403


def test_decision_page_shows_field_errors_then_disposes(world, auditor):
    episode = _closed_episode(world, "C-RET-1", "k1")
    url = f"/audit/retention/episodes/{episode.pk}"
    c = _client(auditor)
    resp = c.post(url, {"decision": "retain", "rationale": "", "next_review_on": ""})
    assert resp.status_code == 400
    assert services.RATIONALE_REQUIRED in resp.content.decode()
    assert not RetentionDecision.objects.exists()
    resp = c.post(url, {"decision": "dispose", "reason": "Review period passed"}, follow=True)
    assert DISPOSED in resp.content.decode()
    assert not Episode.objects.filter(pk=episode.pk).exists()
    assert c.get(url).status_code == 404
