"""Feedback invites and answers (single use, expiry, nothing identifying), evidence links, the loader."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from misper.core.errors import ConflictError, InvalidInput
from misper.learning import hmic2016, services
from misper.learning.models import Feedback, FeedbackInvite, Recommendation
from tests.factories import child_make, episode_make

pytestmark = pytest.mark.django_db

ANSWERS = {
    "listened": "a_bit",
    "respected": "yes",
    "blamed": "no",
    "felt_safe": "rather_not_say",
    "comment": "ok",
}
IDENTIFYING = {
    "child",
    "child_id",
    "episode",
    "episode_id",
    "invite",
    "invite_id",
    "user",
    "created_by",
    "created_at",
}


def test_the_code_is_stored_only_as_a_digest(world, found_episode) -> None:  # type: ignore[no-untyped-def]
    invite, code = services.feedback_invite_create(episode_id=found_episode.pk, acting_user=world.calltaker)
    assert code not in invite.digest
    assert invite.digest == services.code_digest(code)
    assert invite.expires_at - invite.created_at == timedelta(days=30)


def test_a_code_gives_one_anonymous_feedback_row_and_is_then_used_up(world, found_episode) -> None:  # type: ignore[no-untyped-def]
    _, code = services.feedback_invite_create(episode_id=found_episode.pk, acting_user=world.calltaker)
    services.feedback_submit(code=code, answers=ANSWERS)
    row = Feedback.objects.get()
    assert (row.area, row.team, row.given_by) == ("DM01", "North response", "child")
    assert row.period == timezone.localtime(found_episode.reported_at).date().replace(day=1)
    assert IDENTIFYING.isdisjoint(
        {f.name for f in Feedback._meta.get_fields()} | {f.attname for f in Feedback._meta.concrete_fields}
    )
    with pytest.raises(ConflictError):
        services.feedback_submit(code=code, answers=ANSWERS)
    assert Feedback.objects.count() == 1


def test_an_expired_or_unknown_code_saves_nothing(world, found_episode) -> None:  # type: ignore[no-untyped-def]
    invite, code = services.feedback_invite_create(episode_id=found_episode.pk, acting_user=world.calltaker)
    FeedbackInvite.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    for bad in (code, "not-a-code"):
        with pytest.raises(ConflictError):
            services.feedback_submit(code=bad, answers=ANSWERS)
    assert not Feedback.objects.exists()
    assert not FeedbackInvite.objects.get().used


def test_bad_answers_name_the_field_and_do_not_use_the_code(world, found_episode) -> None:  # type: ignore[no-untyped-def]
    _, code = services.feedback_invite_create(episode_id=found_episode.pk, acting_user=world.calltaker)
    with pytest.raises(InvalidInput) as exc:
        services.feedback_submit(code=code, answers={**ANSWERS, "blamed": "maybe"})
    assert [e.field for e in exc.value.errors] == ["blamed"]
    assert not FeedbackInvite.objects.get().used


def test_invites_need_the_child_back_and_a_visible_episode(world) -> None:  # type: ignore[no-untyped-def]
    open_episode = episode_make(child_make(world.force))
    with pytest.raises(ConflictError):
        services.feedback_invite_create(episode_id=open_episode.pk, acting_user=world.calltaker)
    from django.http import Http404

    with pytest.raises(Http404):
        services.feedback_invite_create(episode_id=open_episode.pk, acting_user=world.other_force_officer)


def test_a_practitioner_records_answers_on_behalf_as_anonymously(world, found_episode) -> None:  # type: ignore[no-untyped-def]
    services.feedback_record(episode_id=found_episode.pk, answers=ANSWERS, acting_user=world.supervisor)
    assert Feedback.objects.get().given_by == "on_behalf"


@pytest.mark.parametrize("url", ["/learning/feedback?month=2026-03", "https://example.org/report.pdf"])
def test_evidence_links_may_be_internal_paths_or_https(url: str) -> None:
    assert services.evidence_url_check(url) == url


@pytest.mark.parametrize(
    "url",
    ["//evil.example/x", "http://example.org", "javascript:alert(1)", "learning/feedback", "/\\evil", ""],
)
def test_other_evidence_links_are_refused_on_the_url_field(url: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.evidence_url_check(url)
    assert exc.value.errors[0].field == "url"


def test_only_coordinators_and_supervisors_change_the_tracker(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        services.recommendation_save(
            acting_user=world.analyst, source="S", reference="R1", kind="recommendation", text="t"
        )


def test_the_hmic_2016_loader_adds_once_and_keeps_edits(world) -> None:  # type: ignore[no-untyped-def]
    args = {"force": world.force, "source": hmic2016.SOURCE, "items": hmic2016.RECOMMENDATIONS}
    assert services.recommendations_load(**args) == len(hmic2016.RECOMMENDATIONS)
    Recommendation.objects.filter(reference="HMIC16-01").update(owner="Head of public protection")
    assert services.recommendations_load(**args) == 0
    assert Recommendation.objects.get(reference="HMIC16-01").owner == "Head of public protection"
