"""The episode lifecycle as a Hypothesis state machine: report, regrade, decide, review, found,
safe-and-well and close, called through the services in random orders with valid and invalid inputs
(stale versions, blank rationales, times before the report, the wrong role).

After every step: each episode's status only ever moved along ``transitions.TRANSITIONS`` and its
StatusChange rows form one unbroken chain ending at its status; a closed episode has a safe-and-well
check or a reason, and a return interview due 72 hours after it was found; the version went up on every
successful write and stayed put on every refused one; the access log's chain verifies."""

from __future__ import annotations

import itertools
import sys
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from misper.audit.services import audit_chain_verify
from misper.core.errors import ConflictError, InvalidInput
from misper.episodes import schedules, services
from misper.episodes.models import ApprovalStatus, Episode, Status
from misper.episodes.services_work import episode_review
from misper.episodes.tests.test_lifecycle_api import report_doc
from misper.episodes.transitions import TRANSITIONS
from misper.partners.models import ReturnInterview
from tests.factories import child_make, decided_episode_version, episode_version

pytestmark = pytest.mark.django_db
REFUSED = (InvalidInput, ConflictError, PermissionDenied)
RISKS = st.sampled_from(["no_apparent_risk", "low", "medium", "high", "extreme"])  # "extreme" is invalid
# Mostly valid inputs, so episodes get far enough through their life to test the later steps.
TEXT = st.sampled_from(["Spoke to the carer.", "Seen on CCTV.", "<script>alert(1)</script>", "", "  "])
STALE = st.sampled_from([False, False, False, True])


class EpisodeLifecycle(RuleBasedStateMachine):
    world: Any = None  # set by the test

    episodes = Bundle("episodes")

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()  # each run is rolled back in teardown
        self.versions: dict[int, int] = {}
        self.refs = 0

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- the steps ------------------------------------------------------------------------------------

    @initialize(target=episodes)
    def first_report(self) -> int:
        return self._report()

    @rule(target=episodes)
    def report(self) -> int:
        return self._report()

    @rule()
    def report_invalid(self) -> None:
        doc = report_doc("C-SM-BAD")
        doc["report"]["reported_at"] = "not a time"
        before = Episode.objects.count()
        with pytest.raises(InvalidInput):
            services.episode_report(doc=doc, acting_user=self.world.calltaker)
        assert Episode.objects.count() == before  # nothing stored

    def _report(self) -> int:
        self.refs += 1
        ref = f"C-SM-{self.refs}"
        child_make(self.world.force, ref=ref, looked_after=True, placing_authority=self.world.la)
        episode = services.episode_report(doc=report_doc(ref), acting_user=self.world.calltaker).episode
        self.versions[episode.pk] = episode.version
        return episode.pk

    @rule(episode_id=episodes, risk=RISKS, rationale=TEXT, stale=STALE)
    def regrade(self, episode_id: int, risk: str, rationale: str, stale: bool) -> None:
        self._write(
            episode_id,
            stale,
            lambda v: services.episode_regrade(
                episode_id=episode_id, category="missing", risk_grade=risk, rationale=rationale,
                acting_user=self.world.calltaker, expected_version=v,
            ),
        )  # fmt: skip

    @rule(episode_id=episodes, approve=st.booleans(), note=TEXT, as_supervisor=st.booleans())
    def decide(self, episode_id: int, approve: bool, note: str, as_supervisor: bool) -> None:
        pending = Episode.objects.get(pk=episode_id).assessments.filter(
            approval_status=ApprovalStatus.PENDING
        )
        assessment = pending.first() or Episode.objects.get(pk=episode_id).assessments.first()
        user = self.world.supervisor if as_supervisor else self.world.calltaker
        self._write(
            episode_id,
            False,
            lambda _v: services.assessment_decide(
                assessment_id=assessment.pk,
                approve=approve,
                note=note,
                acting_user=user,
                expected_version=decided_episode_version(assessment.pk),
            ),
        )

    @rule(episode_id=episodes, notes=TEXT, stale=STALE)
    def review(self, episode_id: int, notes: str, stale: bool) -> None:
        self._write(
            episode_id,
            stale,
            lambda v: episode_review(
                episode_id=episode_id, notes=notes, acting_user=self.world.supervisor, expected_version=v
            ),
        )

    @rule(episode_id=episodes, hours=st.sampled_from([0, 0, -48]), stale=STALE)
    def found(self, episode_id: int, hours: int, stale: bool) -> None:
        found_at = timezone.now() + timedelta(hours=hours)  # 48 hours ago is before the report: refused
        self._write(
            episode_id,
            stale,
            lambda v: services.episode_found(
                episode_id=episode_id, acting_user=self.world.calltaker, found_at=found_at, expected_version=v
            ),
        )

    @rule(episode_id=episodes, returned_to=st.sampled_from(["same_place", "elsewhere"]), safe=st.booleans())
    def safe_and_well(self, episode_id: int, returned_to: str, safe: bool) -> None:
        data = {"child_account": "I was at a friend's.", "returned_to": returned_to, "safe_to_return": safe}
        self._write(
            episode_id,
            False,
            lambda _v: services.safe_and_well_record(
                episode_id=episode_id,
                acting_user=self.world.calltaker,
                data=data,
                expected_version=episode_version(episode_id),
            ),
        )

    @rule(episode_id=episodes, reason=TEXT, stale=STALE)
    def close(self, episode_id: int, reason: str, stale: bool) -> None:
        self._write(
            episode_id,
            stale,
            lambda v: services.episode_close(
                episode_id=episode_id, acting_user=self.world.calltaker, reason_no_check=reason,
                expected_version=v,
            ),
        )  # fmt: skip

    def _write(self, episode_id: int, stale: bool, call: Any) -> None:
        """Call a service with the current (or a stale) version; check the version moved only on success."""
        before = Episode.objects.get(pk=episode_id)
        moves = before.status_changes.count()
        try:
            call(before.version - 1 if stale else before.version)
        except REFUSED as exc:
            event(f"{sys._getframe(1).f_code.co_name}: refused ({type(exc).__name__})")
            after = Episode.objects.get(pk=episode_id)
            assert after.version == before.version, "a refused write changed the version"
            assert (after.status, after.status_changes.count()) == (before.status, moves)
            return
        assert not stale, "a stale version was accepted"
        event(f"{sys._getframe(1).f_code.co_name}: done")
        after = Episode.objects.get(pk=episode_id)
        assert after.version > before.version, "a successful write did not raise the version"
        self.versions[episode_id] = after.version

    # --- what must always hold ------------------------------------------------------------------------

    @invariant()
    def statuses_move_only_along_the_map(self) -> None:
        for episode in Episode.objects.prefetch_related("status_changes"):
            chain = list(episode.status_changes.all())
            assert chain, episode
            assert (chain[0].from_status, chain[0].to_status) == ("", Status.REPORTED)
            for prev, move in itertools.pairwise(chain):
                assert move.from_status == prev.to_status
                assert move.to_status in TRANSITIONS[move.from_status]
            assert chain[-1].to_status == episode.status

    @invariant()
    def closed_has_a_check_or_reason_and_an_interview_due_72h_after_found(self) -> None:
        for episode in Episode.objects.filter(status=Status.CLOSED):
            has_check = hasattr(episode, "safe_and_well")
            assert has_check or episode.safe_and_well_not_done_reason.strip()
            interview = ReturnInterview.objects.get(episode=episode)
            assert interview.due_at == schedules.return_interview_due_at(episode.found_at)
            assert interview.due_at == episode.found_at + timedelta(hours=72)

    @invariant()
    def versions_never_go_back(self) -> None:
        for pk, version in Episode.objects.filter(pk__in=self.versions).values_list("pk", "version"):
            assert version == self.versions[pk]

    @invariant()
    def access_log_verifies(self) -> None:
        assert audit_chain_verify() == []


def test_episode_lifecycle_state_machine(world):
    EpisodeLifecycle.world = world
    run_state_machine_as_test(
        EpisodeLifecycle,
        settings=settings(
            max_examples=20,
            stateful_step_count=15,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        ),
    )
