"""Changing and ending a link between a person of concern and a child (police only, version required):
through the API and the page; an ended link stays on file with its history and the engine stops citing
it at the next report."""

from __future__ import annotations

import pytest
from django.test import Client

from misper.audit.models import ChangeRecord
from misper.episodes.models import Episode
from misper.episodes.tests.test_lifecycle_api import report_doc
from misper.people.models import ChildAssociate
from misper.people.tests.test_concern_api import _link, _person
from tests.factories import child_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(world):  # type: ignore[no-untyped-def]
    return child_make(world.force, ref="C-API-1", placing_authority=world.la)


@pytest.fixture
def link(world, api_as, child):  # type: ignore[no-untyped-def]
    resp = _link(api_as(world.calltaker), child.pk, _person(api_as(world.calltaker)))
    assert resp.status_code == 201, resp.content
    return resp.json()


def _url(child_id: int, link_id: int, end: bool = False) -> str:
    return f"/api/v1/children/{child_id}/associates/{link_id}" + ("/end" if end else "")


def _codes(episode: dict) -> set[str]:  # type: ignore[type-arg]
    return {r["code"] for r in episode["assessment"]["reasons"]}


def test_an_ended_link_is_no_longer_cited_at_the_next_report(world, api_as, child, link):
    police = api_as(world.calltaker)
    first = police.post_json("/api/v1/episodes", report_doc()).json()
    assert "associate_of_concern" in _codes(first)
    Episode.objects.filter(pk=first["id"]).update(status="closed")
    resp = police.post_json(
        _url(child.pk, link["id"], end=True), {"reason": "Wrongly identified", "version": link["version"]}
    )
    assert resp.status_code == 200, resp.content
    assert resp.json()["ended_reason"] == "Wrongly identified"
    again = police.post_json("/api/v1/episodes", report_doc()).json()
    assert "associate_of_concern" not in _codes(again)
    # Kept on file, with who ended it and why, and in the history; no longer on the child's record.
    stored = ChildAssociate.objects.get(pk=link["id"])
    assert stored.ended_by == world.calltaker
    assert (
        ChangeRecord.objects.filter(
            record_type__icontains="childassociate", record_id=str(link["id"])
        ).count()
        >= 2
    )
    assert police.get_json(f"/api/v1/children/{child.pk}").json()["associates"] == []
    # Ending twice is a conflict; the same person can be linked again.
    twice = police.post_json(_url(child.pk, link["id"], end=True), {"reason": "x", "version": stored.version})
    assert twice.status_code == 409
    assert _link(police, child.pk, link["person_id"]).status_code == 201


def test_a_changed_link_without_a_concern_is_no_longer_cited(world, api_as, child, link):
    police = api_as(world.supervisor)
    resp = police.post_json(
        _url(child.pk, link["id"]),
        {"concern": "", "relationship": "family", "reliability": "reliable", "version": link["version"]},
    )
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert (body["concern"], body["of_concern"], body["relationship"]) == ("", False, "family")
    assert body["source"] == "CSE team"  # what was left out stays
    assert body["version"] == link["version"] + 1
    assert "associate_of_concern" not in _codes(
        api_as(world.calltaker).post_json("/api/v1/episodes", report_doc()).json()
    )


def test_a_stale_or_missing_version_changes_nothing(world, api_as, child, link):
    police = api_as(world.supervisor)
    assert police.post_json(_url(child.pk, link["id"]), {"concern": ""}).status_code == 422
    ok = police.post_json(_url(child.pk, link["id"]), {"source": "Neighbour", "version": link["version"]})
    assert ok.status_code == 200
    stale = police.post_json(
        _url(child.pk, link["id"], end=True), {"reason": "x", "version": link["version"]}
    )
    assert stale.status_code == 409
    assert ChildAssociate.objects.get(pk=link["id"]).ended_at is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"relationship": "nemesis"}, "relationship"),
        ({"concern": "being tall"}, "concern"),
        ({"reliability": "maybe"}, "reliability"),
        ({"source": "x" * 201}, "source"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_values_are_a_422_naming_the_field_and_change_nothing(world, api_as, child, link, body, field):
    resp = api_as(world.supervisor).post_json(_url(child.pk, link["id"]), body | {"version": link["version"]})
    assert resp.status_code == 422, resp.content
    assert field in [e["field"] for e in resp.json()["errors"]]
    stored = ChildAssociate.objects.get(pk=link["id"])
    assert (stored.version, stored.concern) == (link["version"], "suspected_exploiter")


def test_an_empty_reason_is_a_422_naming_it(world, api_as, child, link):
    resp = api_as(world.supervisor).post_json(
        _url(child.pk, link["id"], end=True), {"reason": "  ", "version": link["version"]}
    )
    assert resp.status_code == 422
    assert [e["field"] for e in resp.json()["errors"]] == ["reason"]


def test_another_force_gets_a_404_and_partners_are_refused(world, api_as, child, link):
    end = {"reason": "Not them", "version": link["version"]}
    other = api_as(world.other_force_officer)
    assert other.post_json(_url(child.pk, link["id"]), {"concern": "", "version": 1}).status_code == 404
    assert other.post_json(_url(child.pk, link["id"], end=True), end).status_code == 404
    partner = api_as(world.socialworker)  # sees the child, never its associates
    assert partner.post_json(_url(child.pk, link["id"]), {"concern": "", "version": 1}).status_code in (
        403,
        404,
    )
    assert partner.post_json(_url(child.pk, link["id"], end=True), end).status_code in (403, 404)
    # A link of another child, named under this child, is a 404.
    sibling = child_make(world.force, ref="C-API-2")
    assert api_as(world.supervisor).post_json(_url(sibling.pk, link["id"], end=True), end).status_code == 404
    stored = ChildAssociate.objects.get(pk=link["id"])
    assert (stored.ended_at, stored.concern, stored.version) == (None, "suspected_exploiter", link["version"])


def _page(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_change_and_end_on_the_page(world, api_as, child, link):
    police = _page(world.supervisor)
    detail = police.get(f"/children/{child.pk}").content.decode()
    assert f"/children/{child.pk}/associates/{link['id']}/end" in detail
    form = police.get(f"/children/{child.pk}/associates/{link['id']}")
    assert form.status_code == 200
    resp = police.post(
        f"/children/{child.pk}/associates/{link['id']}",
        {
            "version": link["version"],
            "relationship": "family",
            "concern": "older_boyfriend",
            "reliability": "reliable",
        },
    )
    assert resp.status_code == 302
    assert ChildAssociate.objects.get(pk=link["id"]).concern == "older_boyfriend"
    empty = police.post(f"/children/{child.pk}/associates/{link['id']}/end", {"version": link["version"] + 1})
    assert "There is a problem" in empty.content.decode()
    done = police.post(
        f"/children/{child.pk}/associates/{link['id']}/end",
        {"version": link["version"] + 1, "reason": "Moved away"},
    )
    assert done.status_code == 302
    assert ChildAssociate.objects.get(pk=link["id"]).ended_reason == "Moved away"
    page = police.get(f"/children/{child.pk}").content.decode()
    assert 'data-testid="ended-links"' in page
    assert "Moved away" in page
    assert "Links ended" not in _page(world.socialworker).get(f"/children/{child.pk}").content.decode()
    assert _page(world.socialworker).get(f"/children/{child.pk}/associates/{link['id']}").status_code == 403
    assert (
        _page(world.other_force_officer).get(f"/children/{child.pk}/associates/{link['id']}").status_code
        == 404
    )
