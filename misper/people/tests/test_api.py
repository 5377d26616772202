"""POST /api/v1/children/search: find a child by name and date of birth, logged with its purpose."""

from __future__ import annotations

from datetime import date

import pytest

from misper.audit.models import AccessEvent
from misper.people.api import DEFAULT_PURPOSE, NEED_NAME_OR_DOB
from misper.people.models import ChildAlias
from tests.factories import child_make

pytestmark = pytest.mark.django_db
URL = "/api/v1/children/search"


@pytest.fixture
def caitlin(world):  # type: ignore[no-untyped-def]
    child = child_make(
        world.force, given_name="Caitlin", family_name="Smith", date_of_birth=date(2011, 5, 17)
    )
    ChildAlias.objects.create(child=child, given_name="Kat", family_name="Jones")
    child_make(world.force, given_name="Caitlin", family_name="Smith", date_of_birth=date(2010, 1, 1))
    return child


@pytest.mark.parametrize("typed", ["Caitlin Smith", "Kaitlyn Smyth", "Kat Jones", "cait"])
def test_finds_the_child_by_spelling_sound_alike_or_alias_and_date_of_birth(world, api_as, caitlin, typed):
    body = api_as(world.calltaker).post_json(URL, {"name": typed, "dob": "2011-05-17"}).json()
    assert [item["id"] for item in body["items"]] == [caitlin.pk]
    assert body["items"][0]["ref"] == caitlin.ref


def test_logs_the_search_with_its_purpose_and_the_children_returned(world, api_as, caitlin):
    api_as(world.calltaker).post_json(
        URL, {"name": "Caitlin", "dob": "2011-05-17", "purpose": "Call 1234: mother on the line"}
    )
    event = AccessEvent.objects.filter(action="search", record_type="child").latest("pk")
    assert event.record_ids == [str(caitlin.pk)]
    assert event.purpose == "Call 1234: mother on the line"
    assert event.username == "calltaker"
    api_as(world.calltaker).post_json(URL, {"name": "Caitlin"})
    assert AccessEvent.objects.filter(action="search").latest("pk").purpose == DEFAULT_PURPOSE


def test_another_force_finds_nothing(world, api_as, caitlin):
    body = api_as(world.other_force_officer).post_json(URL, {"name": "Caitlin Smith"}).json()
    assert body == {"count": 0, "items": []}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({}, "name", NEED_NAME_OR_DOB),
        ({"name": "  "}, "name", NEED_NAME_OR_DOB),
        ({"name": "Cait", "dob": "17/05/2011"}, "dob", None),
        ({"name": "Cait", "limit": 0}, "limit", None),
        ({"name": "Cait", "limit": 51}, "limit", None),
    ],
)
def test_bad_input_is_a_field_error_and_logs_nothing(world, api_as, caitlin, params, field, message):
    resp = api_as(world.calltaker).post_json(URL, params)
    assert resp.status_code == 422
    errors = resp.json()["errors"]
    assert errors[0]["field"] == field
    if message:
        assert errors[0]["message"] == message
    assert not AccessEvent.objects.filter(action="search").exists()


def test_needs_a_token(api_as):
    assert api_as(None).post_json(URL, {"name": "Cait"}).status_code == 401
