"""The child's feedback through the API (issue 19): the feedback pages' services. The attacks are another
force, a council that is not the child's, an auditor, an episode not yet back, and bad answers."""

from __future__ import annotations

import pytest
from django.utils import timezone

from misper.learning import services
from misper.learning.models import Feedback, FeedbackInvite
from tests.factories import child_make, episode_make

pytestmark = pytest.mark.django_db
ANSWERS = {"listened": "yes", "respected": "a_bit", "blamed": "no", "felt_safe": "rather_not_say"}


@pytest.fixture
def episode(world):  # type: ignore[no-untyped-def]
    child = child_make(world.force, placing_authority=world.la)
    return episode_make(child, status="found", found_at=timezone.now())


def _not_found(resp) -> bool:  # type: ignore[no-untyped-def]
    """The API's own 404 (the route exists; the record is not visible), not a missing route."""
    return resp.status_code == 404 and resp.json() == {"detail": "Not found.", "errors": []}


@pytest.mark.parametrize("who", ["calltaker", "socialworker"])
def test_police_or_the_childs_council_get_a_link_and_record_answers(world, api_as, episode, who):  # type: ignore[no-untyped-def]
    client = api_as(getattr(world, who))
    link = client.post_json(f"/api/v1/episodes/{episode.pk}/feedback-link", {})
    assert link.status_code == 201, link.content
    code = link.json()["link"].rsplit("/", 1)[1]
    assert services.invite_usable(code)
    resp = client.post_json(f"/api/v1/episodes/{episode.pk}/feedback", {**ANSWERS, "comment": "Thanks"})
    assert resp.status_code == 201, resp.content
    assert Feedback.objects.get().comment == "Thanks"


@pytest.mark.parametrize("who", ["other_force_officer", "other_socialworker"])
def test_another_force_or_council_gets_a_404(world, api_as, episode, who):  # type: ignore[no-untyped-def]
    client = api_as(getattr(world, who))
    assert _not_found(client.post_json(f"/api/v1/episodes/{episode.pk}/feedback-link", {}))
    assert _not_found(client.post_json(f"/api/v1/episodes/{episode.pk}/feedback", ANSWERS))
    assert not FeedbackInvite.objects.exists()
    assert not Feedback.objects.exists()


def test_not_before_the_child_is_back(world, api_as):  # type: ignore[no-untyped-def]
    missing = episode_make(child_make(world.force))
    resp = api_as(world.calltaker).post_json(f"/api/v1/episodes/{missing.pk}/feedback", ANSWERS)
    assert (resp.status_code, resp.json()["detail"]) == (409, services.NOT_BACK_YET)
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"listened": "maybe"}, "listened"),
        ({"felt_safe": None}, "felt_safe"),
        ({"comment": "x" * 2001}, "comment"),
        ({"name": "Ava"}, "name"),
    ],
)
def test_bad_answers_are_a_422_naming_the_question(world, api_as, episode, change, field):  # type: ignore[no-untyped-def]
    resp = api_as(world.calltaker).post_json(f"/api/v1/episodes/{episode.pk}/feedback", {**ANSWERS, **change})
    assert resp.status_code == 422, resp.content
    assert field in [e["field"] for e in resp.json()["errors"]]
    assert not Feedback.objects.exists()
