"""latest_voice, the feedback figures (small-number suppression, force scope), the language figures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from misper.learning import selectors
from misper.learning.models import Feedback, LanguageFlag
from misper.partners.models import ReturnInterview
from tests.factories import child_make

pytestmark = pytest.mark.django_db


def _interview(episode, *, status: str, completed_days_ago: float | None, **kw):  # type: ignore[no-untyped-def]
    now = timezone.now()
    return ReturnInterview.objects.create(
        episode=episode,
        responsible_agency=episode.child.force,
        referred_at=now - timedelta(days=3),
        due_at=now,
        status=status,
        completed_at=now - timedelta(days=completed_days_ago) if completed_days_ago is not None else None,
        **kw,
    )


def test_latest_voice_is_the_safe_and_well_check_when_nothing_newer(found_episode, world) -> None:  # type: ignore[no-untyped-def]
    voice = selectors.latest_voice(found_episode.child, world.supervisor)
    assert voice is not None
    assert voice.source == "safe-and-well check"
    assert voice.wishes == "I want to stay with my nan."
    assert voice.running_from == "Shouting at home"
    assert voice.pronoun == "she"


def test_a_newer_completed_return_interview_wins(found_episode, world) -> None:  # type: ignore[no-untyped-def]
    _interview(found_episode, status="completed", completed_days_ago=0.5, child_wishes="Move schools.")
    voice = selectors.latest_voice(found_episode.child, world.supervisor)
    assert (voice.source, voice.wishes) == ("return home interview", "Move schools.")


def test_an_interview_not_completed_is_not_the_childs_voice_yet(found_episode, world) -> None:  # type: ignore[no-untyped-def]
    _interview(found_episode, status="accepted", completed_days_ago=None, child_wishes="Draft notes")
    assert selectors.latest_voice(found_episode.child, world.supervisor).source == "safe-and-well check"


def test_no_voice_recorded_is_none_and_pronoun_follows_sex(world) -> None:  # type: ignore[no-untyped-def]
    child = child_make(world.force, sex="unknown")
    assert selectors.latest_voice(child, world.supervisor) is None
    assert selectors.pronoun_for(child) == "they"
    child.sex = "male"
    assert selectors.pronoun_for(child) == "he"


def _feedback(force, n: int, *, area: str = "DM01", team: str = "North", period=date(2026, 3, 1), **kw):  # type: ignore[no-untyped-def]
    answers = {"listened": "yes", "respected": "yes", "blamed": "no", "felt_safe": "a_bit", **kw}
    for _ in range(n):
        Feedback.objects.create(force=force, area=area, team=team, period=period, given_by="child", **answers)


def test_feedback_summary_hides_answers_of_small_cells(world) -> None:  # type: ignore[no-untyped-def]
    _feedback(world.force, 3)
    _feedback(world.force, 2, area="DM02")
    cells = {c.area: c for c in selectors.feedback_summary(world.analyst)}
    assert cells["DM01"].responses == 3
    assert cells["DM01"].share("listened", "yes") == 100
    assert cells["DM01"].share("felt_safe", "yes") == 0
    assert cells["DM02"].responses == 2
    assert cells["DM02"].suppressed
    assert cells["DM02"].share("listened", "yes") is None


def test_feedback_summary_is_the_callers_force_and_readers_only(world) -> None:  # type: ignore[no-untyped-def]
    _feedback(world.other_force, 5)
    assert selectors.feedback_summary(world.analyst) == []
    with pytest.raises(PermissionDenied):
        selectors.feedback_summary(world.calltaker)
    with pytest.raises(PermissionDenied):
        selectors.feedback_summary(world.socialworker)


def test_comments_shown_only_for_months_with_enough_answers_in_text_order(world) -> None:  # type: ignore[no-untyped-def]
    _feedback(world.force, 1, comment="zebra crossing chat")
    _feedback(world.force, 1, comment="apples")
    assert selectors.feedback_comments(world.analyst, period=date(2026, 3, 1)) == []
    _feedback(world.force, 1, comment="")
    assert selectors.feedback_comments(world.analyst, period=date(2026, 3, 1)) == [
        "apples",
        "zebra crossing chat",
    ]


def test_language_summary_counts_by_month_team_and_term(world) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    for team in ("North", "North", "South"):
        LanguageFlag.objects.create(
            force=world.force,
            record_type="review",
            record_id=1,
            field="notes",
            term="streetwise",
            team=team,
            saved_at=now,
        )
    LanguageFlag.objects.create(
        force=world.other_force,
        record_type="review",
        record_id=2,
        field="notes",
        term="streetwise",
        team="North",
        saved_at=now,
    )
    rows = selectors.language_summary(world.supervisor)
    assert [(r.team, r.term, r.count) for r in rows] == [
        ("North", "streetwise", 2),
        ("South", "streetwise", 1),
    ]
    assert selectors.language_totals_by_team(rows) == {"North": 2, "South": 1}
