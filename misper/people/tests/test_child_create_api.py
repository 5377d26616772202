"""POST /api/v1/children: a record for a child not yet on file, through the page's service (issue 19).
The attacks are a partner, bad dates and values nothing can store."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from misper.audit.models import AccessEvent
from misper.people.models import Child
from misper.people.services import DOB_FUTURE, DOB_TOO_OLD

pytestmark = pytest.mark.django_db
URL = "/api/v1/children"
BODY = {"given_name": "Rowan", "family_name": "Newcomer", "date_of_birth": "2012-03-04"}


def test_police_record_a_child_and_read_it_back(world, api_as):  # type: ignore[no-untyped-def]
    resp = api_as(world.calltaker).post_json(URL, {**BODY, "looked_after": True, "placement_type": "foster"})
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["ref"].startswith("WEB-")
    assert (body["given_name"], body["placement_type"], body["history"]["episodes_total"]) == (
        "Rowan",
        "foster",
        0,
    )
    assert Child.objects.get().force == world.force
    assert AccessEvent.objects.filter(record_type="child", action="create").count() == 1


def test_a_partner_may_not(world, api_as):  # type: ignore[no-untyped-def]
    assert api_as(world.socialworker).post_json(URL, BODY).status_code == 403
    assert not Child.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"date_of_birth": (date.today() + timedelta(days=1)).isoformat()}, "date_of_birth", DOB_FUTURE),
        ({"date_of_birth": "1950-01-01"}, "date_of_birth", DOB_TOO_OLD),
        ({"date_of_birth": "0001-01-01"}, "date_of_birth", DOB_TOO_OLD),
        ({"given_name": "  "}, "given_name", None),
        ({"given_name": "x" * 101}, "given_name", None),
        ({"sex": "robot"}, "sex", None),
        ({"placement_type": "castle"}, "placement_type", None),
        ({"ref": "C-1"}, "ref", None),
    ],
)
def test_bad_input_is_a_422_naming_the_field(world, api_as, change, field, message):  # type: ignore[no-untyped-def]
    resp = api_as(world.calltaker).post_json(URL, {**BODY, **change})
    assert resp.status_code == 422, resp.content
    errors = {e["field"]: e["message"] for e in resp.json()["errors"]}
    assert field in errors
    assert message is None or errors[field] == message
    assert not Child.objects.exists()
