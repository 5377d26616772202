"""No server error for any input (issue 13): values JSON allows but nothing downstream can handle are a 422
naming the field, on every API operation that reads a body, and nothing is stored. The web forms' main POST
pages answer the same values with the form again, never a 500.

Each of these was a 500 before misper.core.http's strict reader (a 5,000-digit integer, a lone surrogate)
or answered a bare 400 that named no field.
"""

from __future__ import annotations

import json
import re
from datetime import date
from urllib.parse import quote_from_bytes

import pytest
from django.test import Client

from misper.audit.models import AccessEvent
from misper.config.api import api

# tests/ is outside misper/, so the shared personas and the fast hasher are imported by name.
from misper.conftest import _fast_password_hashing, api_as, world  # noqa: F401
from misper.episodes.models import Episode, RiskAssessment, SafeAndWellCheck
from misper.episodes.tests.test_lifecycle_api import report_doc
from tests.factories import child_make, episode_make

pytestmark = pytest.mark.django_db

# (raw JSON of the value, a word the message must contain)
NASTY = {
    "integer of 5,000 digits": ("9" * 5000, "digits"),
    "negative integer of 5,000 digits": ("-" + "9" * 5000, "digits"),
    "lone surrogate": ('"\\ud800"', "cannot be stored"),
    "low surrogate inside text": ('"ab\\udc00cd"', "cannot be stored"),
    "NUL character": ('"a\\u0000b"', "cannot be stored"),
    "1e999": ("1e999", "too large"),
    "NaN": ("NaN", "NaN"),
    "-Infinity": ("-Infinity", "Infinity"),
    "nested 200 deep": ("[" * 200 + "]" * 200, "nested"),
    # Beyond Python's recursion limit the decoder itself gives up: the body as a whole is unreadable
    # (400 on the typed routes, as for any body that is not JSON; 422 on the raw-document routes).
    "nested 100,000 deep": ("[" * 100_000 + "]" * 100_000, "not valid"),
}


def _body_operations() -> list[tuple[str, str]]:
    """Every API operation that reads a JSON body, from the OpenAPI document (a new one is covered)."""
    ops = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                ops.append((method, re.sub(r"\{[a-z_]+\}", "1", path)))
    return ops


BODY_OPERATIONS = _body_operations()


def test_the_body_operations_are_found():
    paths = {p for _, p in BODY_OPERATIONS}
    assert {"/api/v1/episodes", "/api/v1/episodes/1/grading", "/api/v1/children/search"} <= paths


def _stored() -> tuple[int, int, int]:
    return Episode.objects.count(), RiskAssessment.objects.count(), SafeAndWellCheck.objects.count()


@pytest.mark.parametrize(("method", "path"), BODY_OPERATIONS)
@pytest.mark.parametrize("name", list(NASTY))
def test_a_value_nothing_can_store_is_a_422_naming_its_field(method, path, name, world, api_as):  # noqa: F811
    raw, word = NASTY[name]
    child = child_make(world.force, ref="C-BAD-1")
    episode_make(child)  # id 1 exists for the routes with an episode in the path
    before = _stored()
    body = '{"ok": "fine", "child": {"given_name": ' + raw + "}}"
    client = api_as(world.supervisor)
    resp = client.generic(
        method.upper(), path, body, content_type="application/json", headers=client._headers(None)
    )
    expected = {400, 422} if name == "nested 100,000 deep" else {422}
    assert resp.status_code in expected, (path, resp.content[:300])
    err = resp.json()
    fields = [e["field"] for e in err["errors"]]
    assert fields, err
    assert fields[0].startswith("child") or fields[0] == "body", err
    assert word in err["detail"], err
    assert _stored() == before


@pytest.mark.parametrize("path", ["/api/v1/episodes", "/api/v1/assessments"])
def test_a_misper_document_names_the_field_exactly(path, world, api_as):  # noqa: F811
    text = json.dumps(report_doc()).replace('"Ava"', "9" * 5000)
    text = text.replace('"circumstances": "Left', '"circumstances": "\\ud800 Left')
    resp = api_as(world.calltaker).post_json(path, text)
    assert resp.status_code == 422, resp.content[:300]
    assert [e["field"] for e in resp.json()["errors"]] == ["child.given_name", "report.circumstances"]
    assert Episode.objects.count() == 0


def test_a_key_given_twice_is_refused_not_silently_dropped(world, api_as):  # noqa: F811
    episode = episode_make(child_make(world.force))
    resp = api_as(world.supervisor).post_json(
        f"/api/v1/episodes/{episode.pk}/grading",
        '{"category": "missing", "risk": "high", "risk": "low", "version": 1}',
    )
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "body"
    assert "'risk'" in resp.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("child.date_of_birth", "2012-02-30"), ("report.reported_at", "2026-02-30T10:00:00+00:00")],
)
def test_an_impossible_date_is_a_422_naming_it(field, value, world, api_as):  # noqa: F811
    doc = report_doc()
    section, name = field.split(".")
    doc[section][name] = value
    resp = api_as(world.calltaker).post_json("/api/v1/episodes", doc)
    assert resp.status_code == 422, resp.content[:300]
    assert field in [e["field"] for e in resp.json()["errors"]]
    assert Episode.objects.count() == 0


def test_an_impossible_found_time_is_a_422_naming_it(world, api_as):  # noqa: F811
    episode = episode_make(child_make(world.force))
    resp = api_as(world.supervisor).post_json(
        f"/api/v1/episodes/{episode.pk}/found", {"found_at": "2026-02-30T10:00:00Z", "version": 1}
    )
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "found_at"


@pytest.fixture
def adults_episode(world):  # noqa: F811
    """An adult's episode, as the demo and older records hold: the engine grades children only."""
    adult = child_make(world.force, ref="A-ADULT-1", date_of_birth=date(1980, 1, 1))
    return episode_make(adult)


def test_grading_an_adults_episode_is_a_422_naming_the_date_of_birth(adults_episode, world, api_as):  # noqa: F811
    resp = api_as(world.supervisor).post_json(
        f"/api/v1/episodes/{adults_episode.pk}/grading",
        {"category": "missing", "risk": "high", "version": adults_episode.version},
    )
    assert resp.status_code == 422, resp.content[:300]
    assert resp.json()["errors"] == [
        {"field": "child.date_of_birth", "message": resp.json()["errors"][0]["message"]}
    ]
    assert "children only" in resp.json()["detail"]
    assert RiskAssessment.objects.count() == 0
    adults_episode.refresh_from_db()
    assert adults_episode.version == 1


def test_reviewing_an_adults_episode_on_the_page_is_no_server_error(adults_episode, world):  # noqa: F811
    client = Client()
    client.force_login(world.supervisor)
    page = client.get(f"/episodes/{adults_episode.pk}/review")
    assert page.status_code == 200
    assert "grades children only" in page.content.decode()
    data = {"version": 1, "opened_at": "2026-01-01T00:00:00Z", "notes": "Seen.", "regrade": "yes",
            "category": "missing", "risk": "high", "rationale": ""}  # fmt: skip
    resp = client.post(f"/episodes/{adults_episode.pk}/review", data)
    assert resp.status_code == 200
    assert "children only" in resp.content.decode()
    assert RiskAssessment.objects.count() == 0
    # Notes alone are still recorded: the review does not need the engine.
    data["regrade"] = "no"
    assert client.post(f"/episodes/{adults_episode.pk}/review", data).status_code == 302
    assert AccessEvent.objects.filter(action="change").exists()


# The same values as a browser (or an attacker with curl) would send them in a form. A lone surrogate
# cannot travel in a form (percent-decoding makes it U+FFFD), so its UTF-8 bytes are sent raw instead.
FORM_VALUES = {
    "digits": "9" * 5000,
    "NUL": "a\x00b",
    "surrogate bytes": "\udced\udca0\udc80",
    "1e999": "1e999",
    "NaN": "NaN",
    "impossible date": "2026-02-30",
    "huge text": "x" * 1_000_000,
    "negative": "-1",
}
FORM_PAGES = ["grade", "review", "found", "safe-and-well", "close", "handover"]


def _field_names(html: str) -> set[str]:
    return set(re.findall(r'name="([a-z_0-9]+)"', html)) - {"csrfmiddlewaretoken"}


@pytest.mark.parametrize("value", list(FORM_VALUES))
def test_the_main_form_pages_answer_nasty_values_without_a_server_error(value, world):  # noqa: F811
    child = child_make(world.force, ref="C-FORM-1")
    episode = episode_make(child)
    client = Client(raise_request_exception=False)
    client.force_login(world.supervisor)
    pages = [f"/children/{child.pk}/report"] + [f"/episodes/{episode.pk}/{p}" for p in FORM_PAGES]
    raw = FORM_VALUES[value].encode("utf-8", "surrogateescape")
    before = _stored()
    for page in pages:
        names = _field_names(client.get(page).content.decode())
        assert names, page
        body = b"&".join(n.encode() + b"=" + _quote(raw) for n in sorted(names))
        resp = client.post(page, body, content_type="application/x-www-form-urlencoded")
        assert resp.status_code < 500, (page, value, resp.status_code)
        assert resp.status_code in (200, 400, 413), (page, value, resp.status_code)
    assert _stored() == before


def _quote(raw: bytes) -> bytes:
    return quote_from_bytes(raw).encode()


# Dates far in the future on the pages that filter by date: a field error, never a 500 (each was an
# OverflowError when the day after the date was worked out).
FAR_DATE_PAGES = [
    ("get", "/audit/log", {"date_to": "9999-12-31"}, "date_to"),
    ("get", "/audit/log", {"date_from": "9999-12-31"}, "date_from"),
    ("post", "/audit/log/export", {"date_to": "9999-12-31", "purpose": "Checking"}, "date_to"),
    ("get", "/dashboard", {"period_from": "9999-12-30", "period_to": "9999-12-31"}, "period_to"),
    ("get", "/dashboard/profile", {"period_from": "9999-12-31", "period_to": "9999-12-31"}, "period_to"),
]


@pytest.mark.parametrize(("method", "path", "params", "field"), FAR_DATE_PAGES)
def test_a_far_future_date_on_a_filter_page_is_a_field_error(method, path, params, field, world):  # noqa: F811
    from misper.accounts.models import Role
    from tests.factories import user_make

    user = user_make(world.force, Role.AUDITOR, username="auditor") if "audit" in path else world.analyst
    client = Client(raise_request_exception=False)
    client.force_login(user)
    resp = getattr(client, method)(path, params)
    page = resp.content.decode()
    assert resp.status_code in (200, 400), resp.status_code
    assert "There is a problem" in page
    assert f'href="#id_{field}"' in page
    assert "Enter a date between" in page
