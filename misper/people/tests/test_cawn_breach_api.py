"""A breach of a child abduction warning notice through the API (issue 19): the CAWN page's service; the
attacks are a partner, another force, a notice of another child, and bad values."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from misper.people.models import AbductionWarningNotice, Associate, ChildAssociate
from tests.factories import child_make

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture
def notice(world):  # type: ignore[no-untyped-def]
    child = child_make(world.force, placing_authority=world.la)
    adult = Associate.objects.create(force=world.force, given_name="Jay", family_name="Trent")
    ChildAssociate.objects.create(child=child, associate=adult, of_concern=True)
    return AbductionWarningNotice.objects.create(
        associate=adult, child=child, issued_on=TODAY - timedelta(days=10), issued_by=world.supervisor
    )


def _post(client, notice, child_id=None, **kw):  # type: ignore[no-untyped-def]
    body = {"on": TODAY.isoformat(), "note": "Seen with her at the station", **kw}
    return client.post_json(
        f"/api/v1/children/{child_id or notice.child_id}/cawns/{notice.pk}/breaches", body
    )


def test_police_record_a_breach_and_it_is_kept(world, api_as, notice):  # type: ignore[no-untyped-def]
    resp = _post(api_as(world.supervisor), notice, follow_up="Arrested")
    assert resp.status_code == 201, resp.content
    assert [b["note"] for b in resp.json()["breaches"]] == ["Seen with her at the station"]
    _post(api_as(world.calltaker), notice)
    notice.refresh_from_db()
    assert len(notice.breaches) == 2


@pytest.mark.parametrize(("who", "status"), [("socialworker", 403), ("other_force_officer", 404)])
def test_a_partner_or_another_force_cannot(world, api_as, notice, who, status):  # type: ignore[no-untyped-def]
    assert _post(api_as(getattr(world, who)), notice).status_code == status
    notice.refresh_from_db()
    assert notice.breaches in ([], None)


def test_a_notice_of_another_child_is_a_404(world, api_as, notice):  # type: ignore[no-untyped-def]
    other = child_make(world.force)
    assert _post(api_as(world.supervisor), notice, child_id=other.pk).status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"on": (TODAY + timedelta(days=1)).isoformat()}, "on"),
        ({"on": (TODAY - timedelta(days=30)).isoformat()}, "on"),
        ({"on": "soon"}, "on"),
        ({"note": " "}, "note"),
        ({"note": "x" * 2001}, "note"),
        ({"extra": 1}, "extra"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(world, api_as, notice, change, field):  # type: ignore[no-untyped-def]
    resp = _post(api_as(world.supervisor), notice, **change)
    assert resp.status_code == 422, resp.content
    assert field in [e["field"] for e in resp.json()["errors"]]
    notice.refresh_from_db()
    assert notice.breaches in ([], None)
