"""A report retried at the same moment with one Idempotency-Key creates exactly one episode."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from misper.accounts.services import api_token_create
from misper.conftest import ApiClient
from misper.episodes.models import Episode, IdempotencyKey
from misper.episodes.tests.test_lifecycle_api import report_doc
from misper.people.models import Child

RETRIES = 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_make_one_episode_and_all_name_it(world):
    if connection.vendor == "sqlite":
        pytest.skip("Needs a server database: SQLite's in-memory test database cannot be shared by threads")
    token = api_token_create(user=world.calltaker)
    doc = report_doc("C-IDEM-1")  # a child not yet on file: the retries race to create it too
    barrier = threading.Barrier(RETRIES)
    answers: list[tuple[int, int | None]] = []

    def post() -> None:
        try:
            barrier.wait()
            resp = ApiClient(token).post_json("/api/v1/episodes", doc, headers={"Idempotency-Key": "retry-1"})
            answers.append((resp.status_code, resp.json().get("id")))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(RETRIES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    episode = Episode.objects.get(child__ref="C-IDEM-1")  # exactly one, or this raises
    assert sorted(status for status, _ in answers) == [200] * (RETRIES - 1) + [201]
    assert {episode_id for _, episode_id in answers} == {episode.pk}
    assert Child.objects.filter(ref="C-IDEM-1").count() == 1
    assert IdempotencyKey.objects.filter(key="retry-1").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_reports_with_one_key_and_different_bodies_record_one_and_refuse_the_rest(world):
    """The race's loser with a different body is refused (422 naming the key), never answered with the
    winner's episode and never recorded."""
    if connection.vendor == "sqlite":
        pytest.skip("Needs a server database: SQLite's in-memory test database cannot be shared by threads")
    token = api_token_create(user=world.calltaker)
    docs = [report_doc(f"C-IDEM-{i}") for i in range(RETRIES)]  # six different children, one key
    barrier = threading.Barrier(RETRIES)
    answers: dict[str, tuple[int, dict]] = {}

    def post(doc: dict) -> None:
        try:
            barrier.wait()
            resp = ApiClient(token).post_json("/api/v1/episodes", doc, headers={"Idempotency-Key": "race-2"})
            answers[doc["child"]["ref"]] = (resp.status_code, resp.json())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(d,)) for d in docs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    episode = Episode.objects.get()  # exactly one, or this raises
    statuses = sorted(status for status, _ in answers.values())
    assert statuses == [201] + [422] * (RETRIES - 1), answers
    assert answers[episode.child.ref][0] == 201
    for ref, (_status, body) in answers.items():
        if ref != episode.child.ref:
            assert [e["field"] for e in body["errors"]] == ["Idempotency-Key"]
    assert Child.objects.filter(ref__startswith="C-IDEM-").count() == 1
