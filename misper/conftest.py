"""Shared test fixtures: named personas in two forces and a partner agency, and API clients for them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from misper.accounts.models import Agency, AgencyKind, Role, User
from misper.accounts.services import api_token_create
from tests.factories import agency_make, user_make


@pytest.fixture(autouse=True)
def _audit_checkpoints_per_test(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test anchors the access log in its own checkpoint file, never in the checkout's var/."""
    settings.MISPER_AUDIT_CHECKPOINTS = f"file:{tmp_path_factory.mktemp('audit')}/checkpoints.log"


@dataclass
class World:
    force: Agency
    other_force: Agency
    la: Agency
    other_la: Agency
    calltaker: User
    supervisor: User
    analyst: User
    socialworker: User
    other_force_officer: User
    other_socialworker: User


@pytest.fixture
def world(db: None) -> World:
    force = agency_make(AgencyKind.POLICE_FORCE, code="test-force", name="Testshire Police")
    other_force = agency_make(AgencyKind.POLICE_FORCE, code="other-force", name="Otherton Police")
    la = agency_make(
        AgencyKind.LOCAL_AUTHORITY, code="test-la", name="Testshire Children's Services", police_area=force
    )
    other_la = agency_make(AgencyKind.LOCAL_AUTHORITY, code="other-la", name="Otherton Children's Services")
    return World(
        force=force,
        other_force=other_force,
        la=la,
        other_la=other_la,
        calltaker=user_make(force, Role.CALL_HANDLER, username="calltaker"),
        supervisor=user_make(force, Role.SUPERVISOR, username="supervisor"),
        analyst=user_make(force, Role.ANALYST, username="analyst"),
        socialworker=user_make(la, Role.PARTNER_PRACTITIONER, username="socialworker"),
        other_force_officer=user_make(other_force, Role.INVESTIGATING_OFFICER, username="otherofficer"),
        other_socialworker=user_make(other_la, Role.PARTNER_PRACTITIONER, username="othersocialworker"),
    )


class ApiClient(Client):
    """A Django test client that sends a bearer token and JSON."""

    def __init__(self, token: str | None) -> None:
        super().__init__()
        self.token = token

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        h = dict(headers or {})
        if self.token:
            h.setdefault("Authorization", f"Bearer {self.token}")
        return h

    def get_json(self, path: str, headers: dict[str, str] | None = None, **params: object):  # type: ignore[no-untyped-def]
        return self.get(path, params, headers=self._headers(headers))

    def post_json(self, path: str, body: object, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        data = body if isinstance(body, (str, bytes)) else __import__("json").dumps(body)
        return self.post(path, data, content_type="application/json", headers=self._headers(headers))


@pytest.fixture
def api_as(db: None):  # type: ignore[no-untyped-def]
    """``api_as(user)`` → an API client signed in as ``user`` with a fresh bearer token."""

    def make(user: User | None) -> ApiClient:
        return ApiClient(api_token_create(user=user) if user else None)

    return make


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """Tests create many users; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
