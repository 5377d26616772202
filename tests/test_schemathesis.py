"""Schemathesis against the published OpenAPI document, as each role: no 5xx, and every response matches
the schema. Bounded here (one example per operation, as 3 roles each and without a token) to stay fast; for a heavier run:

    MISPER_FUZZ_EXAMPLES=200 .venv/bin/pytest tests/test_schemathesis.py
"""

from __future__ import annotations

import os
import zlib

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from misper.accounts.models import AgencyKind, Role
from misper.accounts.services import api_token_create
from misper.config.wsgi import application

# The shared personas, and the fast test hasher (tests/ is outside misper/, so its conftest's autouse
# fixtures do not apply here by themselves: without it each test spent ~7 s hashing seven passwords).
from misper.conftest import _fast_password_hashing, api_as, world  # noqa: F401
from tests.factories import agency_make, user_make

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# Every role (and a national body's analyst, and no token) is fuzzed: a role reaches its own code path (a
# partner's projection, an auditor's 404, a supervisor's decision). One example per operation by default
# keeps `make test` short; MISPER_FUZZ_EXAMPLES=200 for a heavier run.
EXAMPLES = int(os.environ.get("MISPER_FUZZ_EXAMPLES", "1"))
ROLES = (*Role.values, "national")
# By default each operation is sent as 3 of the roles, a different 3 for each operation (by a hash of its
# path), so every role meets about a third of the operations in `make test`; with MISPER_FUZZ_EXAMPLES set,
# every operation as every role.
ROLES_PER_CASE = len(ROLES) if "MISPER_FUZZ_EXAMPLES" in os.environ else 3


def _roles_for(case) -> list[str]:  # type: ignore[no-untyped-def]
    start = zlib.crc32(f"{case.method} {case.path}".encode()) % len(ROLES)
    return [ROLES[(start + i) % len(ROLES)] for i in range(ROLES_PER_CASE)]


# Every status returned must be declared: misper/config/api.py declares the shared error responses
# (401/403/404/409/422, the {"detail", "errors"} shape) on every operation.
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calling the WSGI app directly fires request_started/finished, whose close_old_connections would
    close the test's own database connection inside its transaction on PostgreSQL; Django's test client
    disconnects it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(world):  # type: ignore[no-untyped-def]  # noqa: F811
    users = {
        "call_handler": world.calltaker,
        "supervisor": world.supervisor,
        "analyst": world.analyst,  # the dashboard answers 200
        # the national view and the review queue answer 200
        "national": user_make(agency_make(AgencyKind.NATIONAL, code="fuzz-national"), Role.ANALYST),
        "partner_practitioner": world.socialworker,
    }
    for role in set(Role.values) - set(users):  # every other role, in the world's force
        users[role] = user_make(world.force, role, username=f"fuzz-{role}")
    return {role: api_token_create(user=u) for role, u in users.items()}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_never_errors_and_matches_its_schema(case, tokens):  # type: ignore[no-untyped-def]
    for role in _roles_for(case):
        case.call_and_validate(headers={"Authorization": f"Bearer {tokens[role]}"}, checks=CHECKS)
    case.call_and_validate(checks=CHECKS)  # no token: a 401 (or an open route's answer), never a 5xx


def test_every_operation_declares_the_shared_error_responses():
    """401 (where a token is needed), 403, 404, 409 and 422 — and 400 and 413 where there is a body — each
    with the {"detail", "errors"} body."""
    from misper.config.api import api

    document = api.get_openapi_schema()
    error = {"$ref": "#/components/schemas/Error"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            expected = {403, 404, 409, 422} | ({401} if operation.get("security") else set())
            expected |= {400, 413} if "requestBody" in operation else set()
            for status in expected:
                body = operation["responses"][status]["content"]["application/json"]["schema"]
                assert body == error, f"{method.upper()} {path} {status}"
    assert document["components"]["schemas"]["Error"]["required"] == ["detail", "errors"]


# Found by a heavier run (MISPER_FUZZ_EXAMPLES=30): numbers beyond the database's integer range were 500s.
HUGE = "39716730563202072576"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/episodes?offset={HUGE}",
        f"/api/v1/alerts?offset={HUGE}",
        f"/api/v1/national/missing-now?offset={HUGE}",
        f"/api/v1/national/review?offset={HUGE}",
        f"/api/v1/episodes/{HUGE}",
        f"/api/v1/placements/{HUGE}",
        f"/api/v1/national/review/{HUGE}",
    ],
)
def test_numbers_beyond_the_database_range_are_a_clear_4xx(path, world, api_as):  # type: ignore[no-untyped-def]  # noqa: F811
    user = world.analyst
    if path.startswith("/api/v1/national"):  # national data is for a national body's staff only
        user = user_make(agency_make(AgencyKind.NATIONAL), Role.ANALYST, username="national-analyst")
    resp = api_as(user).get_json(path)
    assert resp.status_code in (404, 422), resp.content
    assert resp.json()["detail"]


@pytest.mark.django_db
def test_a_body_that_is_not_json_is_a_documented_400(world, api_as):  # type: ignore[no-untyped-def]  # noqa: F811
    resp = api_as(world.supervisor).post_json("/api/v1/children/search", b"\x00")
    assert resp.status_code == 400
    assert set(resp.json()) == {"detail", "errors"}
