"""The partner access matrix: for every partner role, paired records (one linked to the partner's agency,
one not). The unlinked record is absent from lists, search and counts and is a 404 on detail; police-only
fields never appear in a partner's responses (the allowed field set per role is snapshotted here)."""

from __future__ import annotations

import pytest
from django.test import Client

from misper.partners.tests.pairs import FOUND_WITH, PARTNER_ROLES

pytestmark = pytest.mark.django_db

# Snapshot of what each partner role may see of an episode through the API. Changing the projection
# must change this on purpose.
PARTNER_EPISODE_KEYS = {
    "id", "reference", "status", "category", "risk", "version", "child", "reported_at", "last_seen_at",
    "found_at", "closed_at", "next_review_at", "reporter_type", "circumstances", "indicators", "answers",
    "found_location", "return_method", "harm_disclosed", "assessments", "status_changes", "safe_and_well",
    "safe_and_well_not_done_reason", "return_interview",
}  # fmt: skip
ALLOWED_EPISODE_KEYS = dict.fromkeys(PARTNER_ROLES, PARTNER_EPISODE_KEYS)
ALLOWED_ASSESSMENT_KEYS = {
    "id", "kind", "created_at", "policy", "category", "risk", "immediacy", "seriousness", "graded_category",
    "graded_risk", "approval_status", "reasons",
}  # fmt: skip
POLICE_ONLY_TEXT = (
    FOUND_WITH,
    "Possession with intent to supply",  # offences under investigation
    "Known county lines runner",  # an associate's intelligence notes
    "associates[0] is flagged",  # an engine reason from police-only inputs
    "Intelligence says she is with Trent",  # the officer's rationale
    "check_associates",  # an engine action built on associates
)


def _web(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _no_police_only(body: bytes) -> None:
    text = body.decode()
    for secret in POLICE_ONLY_TEXT:
        assert secret not in text, f"police-only text leaked: {secret!r}"


@pytest.mark.parametrize("role", PARTNER_ROLES)
def test_api_list_and_count_hold_only_the_linked_episode(pairs, api_as, role):  # type: ignore[no-untyped-def]
    r = api_as(pairs.ours.users[role]).get_json("/api/v1/episodes")
    assert r.status_code == 200
    body = r.json()
    assert [e["id"] for e in body["items"]] == [pairs.ours.episode.pk]
    assert body["count"] == 1


@pytest.mark.parametrize("role", PARTNER_ROLES)
def test_api_detail_is_404_for_the_unlinked_and_projected_for_the_linked(pairs, api_as, role):  # type: ignore[no-untyped-def]
    client = api_as(pairs.ours.users[role])
    assert client.get_json(f"/api/v1/episodes/{pairs.theirs.episode.pk}").status_code == 404
    r = client.get_json(f"/api/v1/episodes/{pairs.ours.episode.pk}")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == ALLOWED_EPISODE_KEYS[role]
    assert all(set(a) == ALLOWED_ASSESSMENT_KEYS for a in body["assessments"])
    assert [x["code"] for x in body["assessments"][0]["reasons"]] == ["repeat_missing"]
    _no_police_only(r.content)


def test_police_see_the_police_only_fields(pairs, api_as):  # type: ignore[no-untyped-def]
    r = api_as(pairs.calltaker).get_json(f"/api/v1/episodes/{pairs.ours.episode.pk}")
    body = r.json()
    assert body["found_with"] == FOUND_WITH
    assert {"reviews", "actions"} <= set(body)
    codes = [x["code"] for x in body["assessments"][0]["reasons"]]
    assert codes == ["associate_of_concern", "repeat_missing"]


@pytest.mark.parametrize("role", PARTNER_ROLES)
def test_search_finds_only_the_linked_child(pairs, role):  # type: ignore[no-untyped-def]
    r = _web(pairs.ours.users[role]).post("/children/search", {"name": "Pairtest"})
    assert r.status_code == 200
    assert b"Ourchild" in r.content
    assert b"Theirchild" not in r.content


@pytest.mark.parametrize("role", PARTNER_ROLES)
@pytest.mark.parametrize(
    "path",
    [
        "/children/{child}",
        "/episodes/{episode}",
        "/children/{child}/trigger-plan",
        "/children/{child}/care-profile",
        "/return-interviews/{interview}",
    ],
)
def test_pages_are_404_for_the_unlinked_and_free_of_police_only_fields(pairs, role, path):  # type: ignore[no-untyped-def]
    client = _web(pairs.ours.users[role])

    def url(side):  # type: ignore[no-untyped-def]
        return path.format(child=side.child.pk, episode=side.episode.pk, interview=side.interview.pk)

    assert client.get(url(pairs.theirs)).status_code == 404
    r = client.get(url(pairs.ours))
    assert r.status_code == 200
    _no_police_only(r.content)


@pytest.mark.parametrize("role", PARTNER_ROLES)
def test_interview_queue_never_lists_the_unlinked(pairs, role):  # type: ignore[no-untyped-def]
    r = _web(pairs.ours.users[role]).get("/return-interviews")
    assert r.status_code == 200
    assert b"Theirchild" not in r.content
    does_interviews = role in ("placing_authority", "return_interview_provider")
    assert (b"Ourchild" in r.content) is does_interviews


def test_police_episode_page_shows_who_the_child_was_found_with(pairs):  # type: ignore[no-untyped-def]
    r = _web(pairs.calltaker).get(f"/episodes/{pairs.ours.episode.pk}")
    assert FOUND_WITH in r.content.decode()
