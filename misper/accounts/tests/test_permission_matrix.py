"""Every web route and API operation × every role, against ``route_matrix.py``. A route without an entry
fails the test: access to a new page is decided on purpose, not by accident."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from misper.accounts.services import api_token_create
from misper.accounts.tests import route_matrix as M  # noqa: N812  (M.OK, M.WEB read as a table)
from misper.accounts.tests.matrix_world import PARAMS, ROLES, MatrixWorld, matrix_world_build
from misper.config.api import api

pytestmark = pytest.mark.django_db

_PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\{(\w+)\}")


def web_patterns(patterns: list[object] | None = None, prefix: str = "") -> Iterator[str]:
    """Every URL pattern string, recursively, except API operations (those come from the OpenAPI doc)."""
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            yield from web_patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.callback.__module__ != "ninja.operation":
            yield prefix + str(p.pattern)


def api_operations() -> Iterator[str]:
    for path, ops in api.get_openapi_schema()["paths"].items():
        for method in ops:
            yield f"{method.upper()} {path}"


def _fill(pattern: str, w: MatrixWorld) -> str:
    def one(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2)
        return str(PARAMS[name](w)) if name in PARAMS else "999999"

    path = _PARAM.sub(one, pattern)
    return path if path.startswith("/") else "/" + path


def outcome_of(status: int, location: str = "") -> str:
    if status == 302 and location.startswith("/sign-in"):
        return M.SIGN_IN
    if status in (200, 201, 202, 204, 302, 400, 409, 422):
        return M.OK
    return {401: M.UNAUTHORISED, 403: M.FORBIDDEN, 404: M.NOT_FOUND}.get(status, str(status))


def _web_client(w: MatrixWorld, role: str) -> Client:
    c = Client(raise_request_exception=False)
    if role != "anonymous":
        c.force_login(w.users[role])
    return c


def _request_web(c: Client, method: str, path: str) -> str:
    resp = c.post(path, {}) if method == "POST" else c.get(path)
    return outcome_of(resp.status_code, resp.get("Location", ""))


def _request_api(w: MatrixWorld, role: str, op: str, tokens: dict[str, str]) -> str:
    method, pattern = op.split(" ", 1)
    headers = {"Authorization": f"Bearer {tokens[role]}"} if role in tokens else {}
    c = Client(raise_request_exception=False)
    path = _fill(pattern, w)
    if method == "GET":
        resp = c.get(path, headers=headers)
    else:
        resp = c.generic(method, path, "{}", content_type="application/json", headers=headers)
    return outcome_of(resp.status_code, resp.get("Location", ""))


def test_every_route_has_a_matrix_entry():
    missing_web = sorted(set(web_patterns()) - set(M.WEB))
    missing_api = sorted(set(api_operations()) - set(M.API))
    why = "Routes with no entry in misper/accounts/tests/route_matrix.py (decide who may use them)"
    assert not missing_web, f"{why}: {missing_web}"
    assert not missing_api, f"{why}: {missing_api}"


def test_every_path_parameter_has_a_filler():
    names = {m.group(1) or m.group(2) for route in (*M.WEB, *M.API) for m in _PARAM.finditer(route)}
    assert not names - set(PARAMS), f"Add fillers to matrix_world.PARAMS for {sorted(names - set(PARAMS))}"


def test_no_stale_matrix_entries():
    assert not set(M.WEB) - set(web_patterns()), "Matrix entries for web routes that no longer exist"
    assert not set(M.API) - set(api_operations()), "Matrix entries for API routes that no longer exist"


def _actual(w: MatrixWorld, every_route: bool) -> dict[tuple[str, str], str]:
    """What each role gets from each route in the matrix (or from every route, for printing)."""
    tokens = {role: api_token_create(user=u) for role, u in w.users.items()}
    got = {}
    web = set(web_patterns()) if every_route else set(web_patterns()) & set(M.WEB)
    api_ops = set(api_operations()) if every_route else set(api_operations()) & set(M.API)
    for pattern in sorted(web):
        method = M.WEB[pattern].method if pattern in M.WEB else "GET"
        for role in ROLES:
            got[(pattern, role)] = _request_web(_web_client(w, role), method, _fill(pattern, w))
    for op in sorted(api_ops):
        for role in ROLES:
            got[(op, role)] = _request_api(w, role, op, tokens)
    return got


def test_every_role_gets_what_the_matrix_says():
    w = matrix_world_build()
    printing = bool(os.environ.get("MISPER_MATRIX_PRINT"))
    got = _actual(w, every_route=printing)
    if printing:
        for (route, role), outcome in sorted(got.items()):
            print(f"MATRIX|{route}|{role}|{outcome}")
    matrix = M.WEB | M.API
    wrong = [
        f"{route} as {role}: expected {matrix[route].outcome(role)}, got {outcome}"
        for (route, role), outcome in sorted(got.items())
        if route in matrix and matrix[route].outcome(role) != outcome
    ]
    assert not wrong, "\n".join(wrong)
