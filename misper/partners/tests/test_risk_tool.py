"""The shared risk tool: the same engine, no police-only inputs, nothing stored but an access event."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from misper.audit.models import AccessEvent
from misper.core.errors import InvalidInput
from misper.episodes.models import Episode
from misper.notifications.models import Alert
from misper.partners import risk_tool
from misper.partners.models import TriggerPlan
from misper.people.models import AbductionWarningNotice, Associate, VulnerabilityFlag
from tests.factories import risk_answers_post

pytestmark = pytest.mark.django_db


def _web(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _with_police_only_facts(pairs):  # type: ignore[no-untyped-def]
    """Our child: found with an adult of concern, a flagged associate with a CAWN, a plan and a flag."""
    child = pairs.ours.child
    Episode.objects.filter(child=child).update(
        found_with_associate=Associate.objects.get(force=pairs.force, child_links__child=child)
    )
    Associate.objects.filter(child_links__child=child).update(flags=["cse_suspect"])
    adult = Associate.objects.get(child_links__child=child)
    AbductionWarningNotice.objects.create(associate=adult, child=child, issued_on=date.today())
    VulnerabilityFlag.objects.create(child=child, code="self_harm", noted_on=date.today() - timedelta(days=5))
    TriggerPlan.objects.create(child=child, minimum_risk="medium", agreed_by="x", agreed_on=date.today())
    return child


def test_document_has_the_shared_facts_and_no_police_only_inputs(pairs):  # type: ignore[no-untyped-def]
    child = _with_police_only_facts(pairs)
    now = timezone.now()
    answers = risk_tool.prefill(child, now, pairs.ours.users["care_provider"])
    assert answers["vulnerabilities"] == ["self_harm"]
    doc = risk_tool.tool_document(risk_tool.ToolInput(**answers), child, now)
    assert "associates" not in doc
    assert len(doc["history"]) == 1
    assert "found_with_adult_of_concern" not in doc["history"][0]
    assert doc["child"]["trigger_plan"]["minimum_risk"] == "medium"


def test_run_gives_the_engines_grade_and_reasons_without_police_only_reasons(pairs):  # type: ignore[no-untyped-def]
    child = _with_police_only_facts(pairs)
    data = risk_tool.ToolInput(
        **risk_tool.prefill(child, timezone.now(), pairs.ours.users["care_provider"]),
        indicators=["out_of_character"],
    )
    events = AccessEvent.objects.count()
    alerts = Alert.objects.count()
    result = risk_tool.risk_tool_run(data=data, child=child, acting_user=pairs.ours.users["care_provider"])
    codes = {r["code"] for r in result.reasons}
    assert {"self_harm", "out_of_character"} <= codes
    assert "associate_of_concern" not in codes
    # A history of self-harm is seriousness and immediacy medium since policy national 2026.1 (suicidal talk
    # now is high): medium, as the partner's own facts give without the police-only adult of concern.
    assert result.risk == "medium"
    assert result.trigger_plan_minimum == "medium"
    assert AccessEvent.objects.count() == events + 1
    assert AccessEvent.objects.order_by("-pk").first().purpose == "shared risk tool"  # type: ignore[union-attr]
    assert Alert.objects.count() == alerts


def test_a_not_known_answer_in_the_tool_counts_as_the_report_counts_it(pairs):  # type: ignore[no-untyped-def]
    user = pairs.ours.users["placing_authority"]
    born = date(timezone.localdate().year - 14, 1, 1)
    said_no = risk_tool.risk_tool_run(
        data=risk_tool.ToolInput(date_of_birth=born), child=None, acting_user=user
    )
    unsure = risk_tool.ToolInput(date_of_birth=born, not_known=["suicidal_ideation"])
    assert risk_tool.tool_document(unsure, None, timezone.now())["report"]["answers"] == {
        "suicidal_ideation": "not_known"
    }
    result = risk_tool.risk_tool_run(data=unsure, child=None, acting_user=user)
    assert (said_no.risk, result.risk) == ("very_low", "high")
    assert "suicidal_ideation" in {r["code"] for r in result.reasons}


def test_the_tool_page_asks_yes_no_or_not_known_and_names_an_unanswered_question(pairs):  # type: ignore[no-untyped-def]
    data = {"date_of_birth": "2012-03-04", "placement_type": "home", **risk_answers_post()}
    del data["answer_bullying"]
    page = _web(pairs.calltaker).post("/risk-tool", data).content.decode()
    assert 'href="#id_answer_bullying"' in page
    assert 'data-testid="tool-result"' not in page
    data["answer_bullying"] = "not_known"
    page = _web(pairs.calltaker).post("/risk-tool", data).content.decode()
    assert 'data-testid="tool-result"' in page


def test_an_adult_or_missing_date_of_birth_is_a_field_error(pairs):  # type: ignore[no-untyped-def]
    user = pairs.ours.users["placing_authority"]
    for dob, message in ((None, risk_tool.ENTER_DOB), (date(2000, 1, 1), risk_tool.DOB_INVALID)):
        with pytest.raises(InvalidInput) as exc:
            risk_tool.risk_tool_run(data=risk_tool.ToolInput(date_of_birth=dob), child=None, acting_user=user)
        assert [(e.field, e.message) for e in exc.value.errors] == [("date_of_birth", message)]


def test_risk_tool_page_prefills_runs_and_hides_other_childrens_records(pairs):  # type: ignore[no-untyped-def]
    client = _web(pairs.ours.users["placing_authority"])
    page = client.get(f"/risk-tool?child={pairs.ours.child.pk}").content.decode()
    born = pairs.ours.child.date_of_birth
    assert f'name="date_of_birth_year" type="text" inputmode="numeric" value="{born.year}"' in page
    assert "Is going missing out of character for this child?" in page  # the report page's wording
    assert client.get(f"/risk-tool?child={pairs.theirs.child.pk}").status_code == 404
    assert "No child you can see" in client.get(f"/risk-tool?ref={pairs.theirs.child.ref}").content.decode()
    r = client.post(
        "/risk-tool",
        {"child": str(pairs.ours.child.pk), "date_of_birth": "2012-03-04", "placement_type": "residential_home",
         **risk_answers_post(yes=("suicidal_ideation",))},
    )  # fmt: skip
    page = r.content.decode()
    assert 'data-testid="tool-result"' in page
    assert "High risk" in page
    assert (
        client.post("/risk-tool", {"child": str(pairs.theirs.child.pk), "placement_type": "home"}).status_code
        == 404
    )


def test_risk_tool_page_shows_field_errors(pairs):  # type: ignore[no-untyped-def]
    r = _web(pairs.calltaker).post("/risk-tool", {"placement_type": "home", "last_seen_at": "yesterday"})
    page = r.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_last_seen_at"' in page
    assert 'data-testid="tool-result"' not in page


def test_interview_page_offers_the_childs_feedback_link_to_the_interviewer(pairs):  # type: ignore[no-untyped-def]
    ri = pairs.ours.interview
    link = f'href="/episodes/{ri.episode_id}/feedback-link"'
    assert (
        link
        in _web(pairs.ours.users["return_interview_provider"])
        .get(f"/return-interviews/{ri.pk}")
        .content.decode()
    )
    assert link not in _web(pairs.calltaker).get(f"/return-interviews/{ri.pk}").content.decode()
