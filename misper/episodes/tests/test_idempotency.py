"""Replays are exact (issue 13): an Idempotency-Key answers again only for the same user and the same body.

Attacks: reuse a key with a different report (the second report was silently dropped and the first episode
returned); two different keys sharing their first 100 characters (they collided); another user's key (must
not reveal the first user's episode).
"""

from __future__ import annotations

import json

import pytest

from misper.config.api import api
from misper.episodes.models import Episode, IdempotencyKey
from misper.episodes.tests.test_lifecycle_api import report_doc
from misper.people.models import Child

pytestmark = pytest.mark.django_db

URL = "/api/v1/episodes"


def _post(client, doc, key):  # type: ignore[no-untyped-def]
    return client.post_json(URL, doc, headers={"Idempotency-Key": key})


def _names_the_key(resp) -> bool:  # type: ignore[no-untyped-def]
    return [e["field"] for e in resp.json()["errors"]] == ["Idempotency-Key"]


def test_the_same_key_and_body_answer_the_first_episode_again(world, api_as):
    client = api_as(world.calltaker)
    doc = report_doc("C-IK-1")
    first = _post(client, doc, "k-1")
    # The same document, keys in another order and other spacing: the same request.
    reordered = json.dumps(dict(reversed(list(doc.items()))), indent=2)
    again = _post(client, reordered, "k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["replayed"] is True
    assert Episode.objects.count() == 1


def test_reusing_a_key_with_a_different_body_is_refused_and_stores_nothing(world, api_as):
    client = api_as(world.calltaker)
    first = _post(client, report_doc("C-IK-1"), "k-1")
    other = _post(client, report_doc("C-IK-2"), "k-1")
    assert first.status_code == 201
    assert other.status_code == 422, other.content
    assert _names_the_key(other)
    assert str(first.json()["id"]) not in other.content.decode()
    assert Episode.objects.count() == 1
    assert not Child.objects.filter(ref="C-IK-2").exists()


def test_a_changed_detail_in_the_same_childs_report_is_a_different_body(world, api_as):
    client = api_as(world.calltaker)
    doc = report_doc("C-IK-1")
    assert _post(client, doc, "k-1").status_code == 201
    changed = {
        **doc,
        "report": {**doc["report"], "circumstances": "Seen getting into a car with an older man."},
    }
    resp = _post(client, changed, "k-1")
    assert resp.status_code == 422
    assert _names_the_key(resp)


def test_keys_compare_whole_two_long_keys_sharing_a_prefix_do_not_collide(world, api_as):
    client = api_as(world.calltaker)
    prefix = "x" * 100
    one = _post(client, report_doc("C-IK-1"), prefix + "-one")
    two = _post(client, report_doc("C-IK-2"), prefix + "-two")
    assert (one.status_code, two.status_code) == (201, 201), two.content
    assert one.json()["id"] != two.json()["id"]
    assert set(IdempotencyKey.objects.values_list("key", flat=True)) == {prefix + "-one", prefix + "-two"}


@pytest.mark.parametrize(
    "key",
    ["k" * 256, "", " ", "two words", "tab\there", "caf\u00e9"],
    ids=["256", "empty", "space", "words", "tab", "latin1"],
)
def test_a_key_that_is_too_long_or_not_printable_ascii_is_a_422_naming_it(key, world, api_as):
    resp = _post(api_as(world.calltaker), report_doc(), key)
    assert resp.status_code == 422, resp.content
    assert _names_the_key(resp)
    assert Episode.objects.count() == 0


def test_a_key_of_255_characters_is_accepted_and_kept_whole(world, api_as):
    key = "k" * 254 + "!"
    assert _post(api_as(world.calltaker), report_doc(), key).status_code == 201
    assert IdempotencyKey.objects.get().key == key


def test_another_users_key_never_reveals_the_first_users_episode(world, api_as):
    first = _post(api_as(world.calltaker), report_doc("C-IK-1"), "shared-key").json()
    other_force = _post(api_as(world.other_force_officer), report_doc("C-IK-1"), "shared-key")
    same_force = _post(api_as(world.supervisor), report_doc("C-IK-9"), "shared-key")
    assert other_force.status_code == 201
    assert same_force.status_code == 201
    assert first["id"] not in {other_force.json()["id"], same_force.json()["id"]}
    assert Episode.objects.count() == 3


def test_only_the_report_route_takes_an_idempotency_key():
    """Every other write is made safe to retry by its required version (a retried edit is a 409) or is
    once-only; a new route that starts reading the header must be added here and given the same checks."""
    taking = {
        f"{method.upper()} {path}"
        for path, operations in api.get_openapi_schema()["paths"].items()
        for method, operation in operations.items()
        if any(p.get("name") == "Idempotency-Key" for p in operation.get("parameters", []))
    }
    assert taking == {"POST /api/v1/episodes"}
