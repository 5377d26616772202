"""The API as a Hypothesis state machine, as every role (issue 13: fuzz stateful sequences, not single calls).

Random sequences over HTTP: report (with fresh, retried and reused Idempotency-Keys), grade, decide, review,
hand over, found, safe-and-well and close — each as a random role, naming the current version, a stale one or none, and now
and then with a hostile value (a 5,000-digit number, a lone surrogate, a NUL, NaN, an impossible date).

After every step: no answer was a 5xx; every refusal had the shared shape ``{"detail", "errors"}``; a refused
write left the episode's version as it was; a successful edit raised it; a replay answered the first episode
and a reused key with another body stored nothing. Heavier: ``MISPER_FUZZ_EXAMPLES=50``.
"""

# ruff: noqa: F811 -- the shared fixtures are imported by name (tests/ is outside misper/)
from __future__ import annotations

import itertools
import json
import os
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from misper.accounts.models import Role
from misper.accounts.services import api_token_create
from misper.conftest import ApiClient, _fast_password_hashing, world  # noqa: F401
from misper.episodes.models import Episode, RiskAssessment
from misper.episodes.tests.test_lifecycle_api import report_doc
from tests.factories import user_make

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("MISPER_FUZZ_EXAMPLES", "4"))

HOSTILE = [
    "9" * 5000,
    '"\\ud800"',
    '"a\\u0000b"',
    "NaN",
    "1e999",
    '"2026-02-30T10:00:00Z"',
    "[" * 40 + "]" * 40,
]
VERSION = st.sampled_from(["current", "current", "current", "stale", "missing"])


class ApiMachine(RuleBasedStateMachine):
    clients: dict[str, ApiClient] = {}  # role -> client, set by the test

    episodes = Bundle("episodes")

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()  # each run is rolled back in teardown
        self.refs = itertools.count(1)
        self.keys: dict[str, tuple[dict[str, Any], int]] = {}  # the call taker's key -> (body, episode id)
        self.answers: list[int] = []

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- helpers ----------------------------------------------------------------------------------------

    def _send(self, role: str, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        resp = self.clients[role].post_json(path, body, headers=headers)
        self.answers.append(resp.status_code)
        assert resp.status_code < 500, (role, path, resp.content[:300])
        if resp.status_code >= 400 and resp.status_code not in (401, 404):
            err = resp.json()
            assert set(err) == {"detail", "errors"}, err
            assert err["detail"], err
            assert all({"field", "message"} <= set(e) for e in err["errors"]), err
        return resp

    def _version(self, episode_id: int, which: str) -> dict[str, int]:
        current = Episode.objects.values_list("version", flat=True).get(pk=episode_id)
        return {"current": {"version": current}, "stale": {"version": current + 1}, "missing": {}}[which]

    def _edit(self, role: str, episode_id: int, route: str, body: dict[str, Any], which: str) -> None:
        before = Episode.objects.values_list("version", flat=True).get(pk=episode_id)
        resp = self._send(
            role, f"/api/v1/episodes/{episode_id}/{route}", body | self._version(episode_id, which)
        )
        after = Episode.objects.values_list("version", flat=True).get(pk=episode_id)
        if resp.status_code < 300:
            assert which == "current", (route, which, resp.status_code)
            # a grading (or a review that re-grades) may move the episode more than once
            assert after == before + 1 or (route in ("grading", "reviews") and after > before), (route, after)
        else:
            assert after == before, (route, resp.status_code, before, after)
            if which == "missing" and resp.status_code == 422:
                assert "version" in [e["field"] for e in resp.json()["errors"]]

    # --- the steps --------------------------------------------------------------------------------------

    @initialize(target=episodes)
    def first_report(self) -> int:
        return self._report(key=None)

    @rule(target=episodes, keyed=st.booleans())
    def report(self, keyed: bool) -> int:
        return self._report(key=f"key-{len(self.keys)}" if keyed else None)

    def _report(self, key: str | None) -> int:
        doc = report_doc(f"C-HTTP-{next(self.refs)}")
        resp = self._send("call_handler", "/api/v1/episodes", doc, {"Idempotency-Key": key} if key else None)
        assert resp.status_code == 201, resp.content[:300]
        if key:
            self.keys[key] = (doc, resp.json()["id"])
        return int(resp.json()["id"])

    @rule(data=st.data())
    def replay_or_reuse_a_key(self, data: st.DataObject) -> None:
        if not self.keys:
            return
        key = data.draw(st.sampled_from(sorted(self.keys)))
        doc, episode_id = self.keys[key]
        same = data.draw(st.booleans())
        body = doc if same else report_doc(f"C-HTTP-{next(self.refs)}")
        count = Episode.objects.count()
        resp = self._send("call_handler", "/api/v1/episodes", body, {"Idempotency-Key": key})
        if same:
            assert (resp.status_code, resp.json()["id"]) == (200, episode_id)
        else:
            assert resp.status_code == 422
            assert resp.json()["errors"][0]["field"] == "Idempotency-Key"
        assert Episode.objects.count() == count

    @rule(
        episode=episodes,
        role=st.sampled_from([*Role.values]),
        risk=st.sampled_from(["low", "medium", "high"]),
        which=VERSION,
    )
    def grade(self, episode: int, role: str, risk: str, which: str) -> None:
        body = {"category": "missing", "risk": risk, "rationale": "Seen by the carer an hour ago."}
        self._edit(role, episode, "grading", body, which)

    @rule(episode=episodes, role=st.sampled_from([*Role.values]), approve=st.booleans(), which=VERSION)
    def decide(self, episode: int, role: str, approve: bool, which: str) -> None:
        pending = RiskAssessment.objects.filter(episode_id=episode, approval_status="pending").first()
        if pending is None:
            return
        body = {"decision": "approve" if approve else "reject", "note": "Checked with the carer."}
        before = Episode.objects.values_list("version", flat=True).get(pk=episode)
        resp = self._send(
            role, f"/api/v1/assessments/{pending.pk}/decision", body | self._version(episode, which)
        )
        if resp.status_code >= 300:
            assert Episode.objects.values_list("version", flat=True).get(pk=episode) == before

    @rule(episode=episodes, role=st.sampled_from([*Role.values]), regrade=st.booleans(), which=VERSION)
    def review(self, episode: int, role: str, regrade: bool, which: str) -> None:
        body: dict[str, Any] = {"notes": "Enquiries at the station are done."}
        if regrade:
            body["regrade"] = {"category": "missing", "risk": "high", "rationale": "Not seen since tea."}
        self._edit(role, episode, "reviews", body, which)

    @rule(episode=episodes, role=st.sampled_from([*Role.values]), which=VERSION)
    def handover(self, episode: int, role: str, which: str) -> None:
        body = {"new_owner": "supervisor", "note": "Station enquiries outstanding."}
        self._edit(role, episode, "handover", body, which)

    @rule(episode=episodes, role=st.sampled_from([*Role.values]), which=VERSION)
    def found(self, episode: int, role: str, which: str) -> None:
        self._edit(role, episode, "found", {"found_at": timezone.now().isoformat(), "town": "Demoton"}, which)

    @rule(episode=episodes, role=st.sampled_from([*Role.values]), which=VERSION)
    def safe_and_well(self, episode: int, role: str, which: str) -> None:
        self._edit(role, episode, "safe-and-well", {"child_account": "Stayed with a friend."}, which)

    @rule(episode=episodes, role=st.sampled_from([*Role.values]), which=VERSION)
    def close(self, episode: int, role: str, which: str) -> None:
        self._edit(role, episode, "close", {"summary": "Home and safe."}, which)

    @rule(
        episode=episodes,
        role=st.sampled_from([*Role.values]),
        route=st.sampled_from(["grading", "found", "safe-and-well", "close", "reviews", "handover"]),
        value=st.sampled_from(HOSTILE),
    )
    def hostile_value(self, episode: int, role: str, route: str, value: str) -> None:
        before = Episode.objects.values_list("version", flat=True).get(pk=episode)
        body = json.dumps({"version": before, "summary": "x"})[:-1] + f', "found_at": {value}}}'
        resp = self._send(role, f"/api/v1/episodes/{episode}/{route}", body)
        assert resp.status_code in (400, 403, 404, 422), (route, value[:20], resp.status_code)
        assert Episode.objects.values_list("version", flat=True).get(pk=episode) == before

    @invariant()
    def never_a_server_error(self) -> None:
        assert all(status < 500 for status in self.answers)


def test_the_api_as_a_state_machine_never_errors_and_keeps_versions_and_replays_exact(world):
    users = {Role.CALL_HANDLER: world.calltaker, Role.SUPERVISOR: world.supervisor,
             Role.ANALYST: world.analyst, Role.PARTNER_PRACTITIONER: world.socialworker}  # fmt: skip
    for role in set(Role.values) - set(users):
        users[role] = user_make(world.force, role, username=f"sm-{role}")
    ApiMachine.clients = {role: ApiClient(api_token_create(user=u)) for role, u in users.items()}
    run_state_machine_as_test(
        ApiMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=12,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        ),
    )
