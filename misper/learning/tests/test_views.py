"""misper.learning pages through Django's test client: the language prompt on episode forms, the child's
voice at the record and the next intake, the no-login feedback form, the figures and the tracker."""

from __future__ import annotations

import base64
import re
import zlib
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from misper.accounts.models import Role
from misper.episodes.models import Action, Episode, RiskAssessment
from misper.learning import services
from misper.learning.language_forms import PROMPT_HEADING
from misper.learning.models import Feedback, LanguageFlag, Recommendation
from misper.learning.tests.conftest import client_as
from misper.learning.views.feedback import RATE_LIMIT, THANKS, TOO_MANY
from tests.factories import risk_answers_post, user_make

pytestmark = pytest.mark.django_db

STREETWISE = "She is streetwise and has been seen in town."


def _report(world, child) -> Episode:  # type: ignore[no-untyped-def]
    now = timezone.now()
    local = lambda dt: timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")  # noqa: E731
    data = {
        "reporter_type": "parent",
        "reported_at": local(now - timedelta(minutes=5)),
        "last_seen_at": local(now - timedelta(hours=1)),
        "circumstances": "Did not come home from school.",
        **risk_answers_post(),
    }
    resp = client_as(world.calltaker).post(f"/children/{child.pk}/report", data)
    assert resp.status_code == 302, resp.content.decode()[:1500]
    return Episode.objects.filter(child=child).latest("pk")


def _grade(client, episode, rationale: str, **extra: str):  # type: ignore[no-untyped-def]
    episode.refresh_from_db()
    data = {
        "version": episode.version,
        "category": episode.category,
        "risk": episode.risk,
        "rationale": rationale,
    }
    return client.post(f"/episodes/{episode.pk}/grade", {**data, **extra})


@pytest.fixture
def reported(world, found_episode):  # type: ignore[no-untyped-def]
    world.calltaker.team = "Control room A"
    world.calltaker.save()
    return _report(world, found_episode.child)


# --- language that does not blame --------------------------------------------------------------------


def test_streetwise_in_a_rationale_prompts_then_saves_on_the_second_submit_and_is_counted(
    world, reported
) -> None:  # type: ignore[no-untyped-def]
    client = client_as(world.calltaker)
    before = RiskAssessment.objects.filter(episode=reported).count()
    first = _grade(client, reported, STREETWISE)
    page = first.content.decode()
    assert first.status_code == 200
    assert PROMPT_HEADING in page
    assert "Think again about the words “streetwise”" in page
    assert "Try:" in page
    assert RiskAssessment.objects.filter(episode=reported).count() == before
    seen = re.search(r'name="language_seen" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]

    second = _grade(client, reported, STREETWISE, language_seen=seen)
    assert second.status_code == 302
    saved = RiskAssessment.objects.filter(episode=reported).latest("pk")
    assert saved.rationale == STREETWISE
    flag = LanguageFlag.objects.get()
    assert (flag.record_type, flag.record_id, flag.term, flag.team) == (
        "risk_assessment",
        saved.pk,
        "streetwise",
        "Control room A",
    )
    assert not hasattr(flag, "text")

    figures = client_as(world.supervisor).get("/learning/language").content.decode()
    assert re.search(
        r"Control room A</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">1<", figures
    )


def test_changed_text_is_checked_again_and_save_anyway_saves_at_once(world, reported) -> None:  # type: ignore[no-untyped-def]
    client = client_as(world.calltaker)
    seen = re.search(
        r'name="language_seen" value="([0-9a-f]+)"', _grade(client, reported, STREETWISE).content.decode()
    ).group(1)  # type: ignore[union-attr]
    held = _grade(client, reported, "She is a time waster.", language_seen=seen)
    assert held.status_code == 200
    assert "time waster" in held.content.decode()
    assert _grade(client, reported, "She is a time waster.", language_save_anyway="yes").status_code == 302
    assert list(LanguageFlag.objects.values_list("term", flat=True)) == ["time_waster"]


def test_rephrased_text_saves_without_a_flag(world, reported) -> None:  # type: ignore[no-untyped-def]
    resp = _grade(client_as(world.calltaker), reported, "She may be being exploited by adults in town.")
    assert resp.status_code == 302
    assert not LanguageFlag.objects.exists()


def test_handover_note_and_action_outcome_are_checked_too(world, reported) -> None:  # type: ignore[no-untyped-def]
    client = client_as(world.calltaker)
    other = user_make(world.force, Role.INVESTIGATING_OFFICER)
    reported.refresh_from_db()
    data = {"version": reported.version, "new_owner": other.pk, "note": "Attention seeking, will turn up."}
    assert client.post(f"/episodes/{reported.pk}/handover", data).status_code == 200
    assert (
        client.post(f"/episodes/{reported.pk}/handover", {**data, "language_save_anyway": "yes"}).status_code
        == 302
    )
    handover = Action.objects.get(episode=reported, code="handover")
    action = Action.objects.filter(episode=reported, status="open").first()
    done = {"action_version": action.version, "status": "done", "outcome": "Spoke to mum; she is a runaway."}
    assert client.post(f"/episodes/{reported.pk}/actions/{action.pk}/done", done).status_code == 200
    assert (
        client.post(
            f"/episodes/{reported.pk}/actions/{action.pk}/done", {**done, "language_save_anyway": "yes"}
        ).status_code
        == 302
    )
    rows = set(LanguageFlag.objects.values_list("record_type", "record_id", "term"))
    assert rows == {("action", handover.pk, "attention_seeking"), ("action", action.pk, "runaway")}


# --- the child's voice -------------------------------------------------------------------------------


def test_the_childs_last_words_show_on_the_record_and_at_the_next_intake(world, found_episode) -> None:  # type: ignore[no-untyped-def]
    client = client_as(world.calltaker)
    day = timezone.localtime(found_episode.safe_and_well.conducted_at)
    expected = f"Last time, on {day.day} {day:%B %Y}, she said (safe-and-well check):"
    for url in (f"/children/{found_episode.child.pk}", f"/children/{found_episode.child.pk}/report"):
        page = client.get(url).content.decode()
        assert expected in page
        assert "I want to stay with my nan." in page
        assert "Shouting at home" in page


# --- feedback ----------------------------------------------------------------------------------------

ANSWERS = {
    "listened": "yes",
    "respected": "a_bit",
    "blamed": "no",
    "felt_safe": "yes",
    "comment": "He was kind.",
}


def test_the_feedback_link_page_shows_a_link_and_a_qr_code_once(world, found_episode) -> None:  # type: ignore[no-untyped-def]
    resp = client_as(world.calltaker).post(f"/episodes/{found_episode.pk}/feedback-link")
    page = resp.content.decode()
    assert re.search(r"http://testserver/feedback/[\w-]{16}", page)
    assert '<svg role="img" aria-label="QR code for the feedback link"' in page


def test_the_child_answers_without_signing_in_and_the_code_works_once(world, found_episode) -> None:  # type: ignore[no-untyped-def]
    _, code = services.feedback_invite_create(episode_id=found_episode.pk, acting_user=world.calltaker)
    anon = client_as(None)
    assert anon.get(f"/feedback/{code}").status_code == 200
    empty = anon.post(f"/feedback/{code}", {})
    assert empty.status_code == 200
    assert "There is a problem" in empty.content.decode()
    assert not Feedback.objects.exists()
    done = anon.post(f"/feedback/{code}", ANSWERS, follow=True)
    assert THANKS in done.content.decode()
    assert Feedback.objects.count() == 1
    assert anon.get(f"/feedback/{code}").status_code == 404
    assert anon.post(f"/feedback/{code}", ANSWERS).status_code == 404
    assert Feedback.objects.count() == 1


def test_the_public_form_is_rate_limited(world) -> None:  # type: ignore[no-untyped-def]
    cache.clear()
    anon = client_as(None)
    statuses = [anon.get("/feedback/guess-" + str(i)).status_code for i in range(RATE_LIMIT + 1)]
    assert statuses[:-1] == [404] * RATE_LIMIT
    assert statuses[-1] == 429
    assert TOO_MANY in anon.get("/feedback/another").content.decode()
    cache.clear()


def test_recording_on_behalf_and_the_figures_page(world, found_episode) -> None:  # type: ignore[no-untyped-def]
    client = client_as(world.supervisor)
    for _ in range(3):
        assert client.post(f"/episodes/{found_episode.pk}/feedback", ANSWERS).status_code == 302
    page = client.get("/learning/feedback").content.decode()
    assert "DM01" in page
    assert "North response" in page
    assert "100%" in page
    assert "He was kind." in page
    assert client_as(world.calltaker).get("/learning/feedback").status_code == 403


# --- recommendations tracker -------------------------------------------------------------------------


def _pdf_text(pdf: bytes) -> str:
    """The text drawn in a reportlab PDF: its page streams, ASCII85-decoded then inflated."""
    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        raw = m.group(1).strip().removesuffix(b"~>")
        try:
            out.append(zlib.decompress(base64.a85decode(raw)).decode("latin-1"))
        except (ValueError, zlib.error):
            continue
    return "".join(out)


def test_a_recommendation_with_two_actions_exports_to_csv_and_pdf(world, coordinator) -> None:  # type: ignore[no-untyped-def]
    client = client_as(coordinator)
    new = {
        "source": "HMIC 2016",
        "reference": "R4",
        "kind": "recommendation",
        "text": "Do safe and well checks",
        "status": "in_progress",
        "due_on": "30/9/2026",
    }
    resp = client.post("/learning/recommendations/new", new)
    assert resp.status_code == 302
    rec = Recommendation.objects.get()
    for text in ("Train call handlers", "Audit closures monthly"):
        data = {"text": text, "owner": "DCI Patel", "due_on": "1/9/2026", "status": "not_started"}
        assert client.post(f"/learning/recommendations/{rec.pk}/actions/new", data).status_code == 302
    client.post(
        f"/learning/recommendations/{rec.pk}/evidence/new",
        {"label": "Feedback figure", "url": "/learning/feedback"},
    )

    csv_text = client.get("/learning/recommendations/export.csv").content.decode()
    lines = csv_text.strip().splitlines()
    assert len(lines) == 3
    assert "Train call handlers" in lines[1]
    assert "Audit closures monthly" in lines[2]
    assert "Feedback figure </learning/feedback>" in lines[1]

    pdf = client.get("/learning/recommendations/export.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert b"%%EOF" in pdf.content[-10:]
    text = _pdf_text(pdf.content)
    for words in ("Do safe and well checks", "Train call handlers", "Audit closures monthly", "DCI Patel"):
        assert words in text


def test_bad_tracker_input_gets_field_errors_and_saves_nothing(world, coordinator) -> None:  # type: ignore[no-untyped-def]
    client = client_as(coordinator)
    resp = client.post(
        "/learning/recommendations/new",
        {"source": "", "reference": "R1", "kind": "x", "text": "", "due_on": "31/2/2026", "status": "done"},
    )
    page = resp.content.decode()
    assert resp.status_code == 200
    assert "Enter the source" in page
    assert "Enter a real date" in page
    assert not Recommendation.objects.exists()
    rec = Recommendation.objects.create(
        force=world.force, source="S", reference="R1", kind="recommendation", text="t"
    )
    bad = client.post(
        f"/learning/recommendations/{rec.pk}/evidence/new", {"label": "x", "url": "javascript:alert(1)"}
    )
    assert "starting with https://" in bad.content.decode()
    assert not rec.evidence.exists()


def test_tracker_access_analysts_read_others_do_not(world, coordinator) -> None:  # type: ignore[no-untyped-def]
    rec = Recommendation.objects.create(
        force=world.force, source="S", reference="R1", kind="recommendation", text="t"
    )
    theirs = Recommendation.objects.create(
        force=world.other_force, source="S", reference="R1", kind="recommendation", text="t"
    )
    analyst = client_as(world.analyst)
    assert analyst.get(f"/learning/recommendations/{rec.pk}").status_code == 200
    assert analyst.get("/learning/recommendations/new").status_code == 403
    assert analyst.post(f"/learning/recommendations/{rec.pk}/updates/new", {"text": "x"}).status_code == 403
    assert client_as(world.calltaker).get("/learning/recommendations").status_code == 403
    assert client_as(world.socialworker).get("/learning/recommendations/export.csv").status_code == 403
    assert client_as(coordinator).get(f"/learning/recommendations/{theirs.pk}").status_code == 404
    assert client_as(None).get("/learning/recommendations").status_code == 302


def test_the_rate_limit_count_is_shared_by_every_server_process(world) -> None:  # type: ignore[no-untyped-def]
    """Counted in the database cache, not in one process's memory: with several gunicorn workers an address
    would otherwise get the limit once per worker."""
    from django.db import connection

    cache.clear()
    client_as(None).get("/feedback/guess-0")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM misper_cache")
        assert cursor.fetchone()[0] >= 1
    cache.clear()
