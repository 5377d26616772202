"""GET /api/v1/feedback/summary and /api/v1/language/summary: shape, suppression, who may ask."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from misper.learning.models import Feedback, LanguageFlag
from tests.factories import child_make, episode_make

pytestmark = pytest.mark.django_db


def _feedback(force, n: int, area: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(n):
        Feedback.objects.create(
            force=force, area=area, team="North", period=date(2026, 3, 1), given_by="child",
            listened="yes", respected="no", blamed="a_bit", felt_safe="rather_not_say",
        )  # fmt: skip


def test_feedback_summary_by_month_area_and_team_with_small_cells_hidden(world, api_as) -> None:  # type: ignore[no-untyped-def]
    _feedback(world.force, 4, "DM01")
    _feedback(world.force, 1, "DM02")
    resp = api_as(world.analyst).get_json("/api/v1/feedback/summary")
    assert resp.status_code == 200
    body = resp.json()
    assert body["small_number"] == 3
    cells = {c["area"]: c for c in body["cells"]}
    assert cells["DM01"]["period"] == "2026-03"
    assert cells["DM01"]["responses"] == 4
    answers = {a["question"]: a["counts"] for a in cells["DM01"]["answers"]}
    assert answers == {
        "listened": {"yes": 4},
        "respected": {"no": 4},
        "blamed": {"a_bit": 4},
        "felt_safe": {"rather_not_say": 4},
    }
    assert cells["DM02"]["suppressed"]
    assert all(a["counts"] is None for a in cells["DM02"]["answers"])
    assert not any(k in c for c in body["cells"] for k in ("child", "episode", "episode_id", "child_ref"))


def test_feedback_summary_is_for_analysts_and_supervisors_of_the_force(world, api_as) -> None:  # type: ignore[no-untyped-def]
    _feedback(world.force, 4, "DM01")
    assert api_as(world.calltaker).get_json("/api/v1/feedback/summary").status_code == 403
    assert api_as(world.socialworker).get_json("/api/v1/feedback/summary").status_code == 403
    assert api_as(None).get_json("/api/v1/feedback/summary").status_code == 401
    assert api_as(world.other_force_officer).get_json("/api/v1/feedback/summary").status_code == 403


def test_language_summary(world, api_as) -> None:  # type: ignore[no-untyped-def]
    LanguageFlag.objects.create(
        force=world.force,
        record_type="review",
        record_id=1,
        field="notes",
        term="runaway",
        team="North",
        saved_at=timezone.now(),
    )
    rows = api_as(world.supervisor).get_json("/api/v1/language/summary").json()
    assert [(r["team"], r["term"], r["count"]) for r in rows] == [("North", "runaway", 1)]


# --- blame-language notes on API writes (no page to hold the write back) ------------------------------


@pytest.fixture
def open_episode(world):  # type: ignore[no-untyped-def]
    return episode_make(child_make(world.force, given_name="Nadia", family_name="Price"))


def test_api_grading_with_blaming_words_saves_returns_a_note_and_counts_the_flag(
    world, api_as, open_episode
) -> None:  # type: ignore[no-untyped-def]
    world.supervisor.team = "Supervisors"
    world.supervisor.save()
    open_episode.refresh_from_db()
    resp = api_as(world.supervisor).post_json(
        f"/api/v1/episodes/{open_episode.pk}/grading",
        {
            "category": "missing",
            "risk": "high",
            "rationale": "She is streetwise.",
            "version": open_episode.version,
        },
    )
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["assessment"]["rationale"] == "She is streetwise."
    assert [(n["field"], n["words"]) for n in body["language"]] == [("rationale", "streetwise")]
    assert body["language"][0]["suggestion"]
    flag = LanguageFlag.objects.get()
    assert (flag.record_type, flag.record_id, flag.term, flag.team) == (
        "risk_assessment", body["assessment"]["id"], "streetwise", "Supervisors",
    )  # fmt: skip


def test_api_grading_with_plain_words_has_no_notes_and_no_flags(world, api_as, open_episode) -> None:  # type: ignore[no-untyped-def]
    open_episode.refresh_from_db()
    resp = api_as(world.supervisor).post_json(
        f"/api/v1/episodes/{open_episode.pk}/grading",
        {
            "category": "missing",
            "risk": "high",
            "rationale": "Seen with an adult of concern.",
            "version": open_episode.version,
        },
    )
    assert resp.status_code == 200, resp.content
    assert resp.json()["language"] == []
    assert not LanguageFlag.objects.exists()


def test_api_close_notes_each_field_and_a_refused_close_counts_nothing(world, api_as, found_episode) -> None:  # type: ignore[no-untyped-def]
    client = api_as(world.supervisor)
    found_episode.refresh_from_db()
    stale = client.post_json(
        f"/api/v1/episodes/{found_episode.pk}/close",
        {"summary": "A runaway; she is streetwise.", "version": found_episode.version + 5},
    )
    assert stale.status_code == 409
    assert not LanguageFlag.objects.exists()
    resp = client.post_json(
        f"/api/v1/episodes/{found_episode.pk}/close",
        {"summary": "A runaway; she is streetwise.", "version": found_episode.version},
    )
    assert resp.status_code == 200, resp.content
    assert sorted(n["words"].lower() for n in resp.json()["language"]) == ["runaway", "streetwise"]
    assert sorted(LanguageFlag.objects.values_list("field", "term")) == [
        ("summary", "runaway"),
        ("summary", "streetwise"),
    ]
