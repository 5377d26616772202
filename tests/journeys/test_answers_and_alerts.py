"""On the seeded demo, at a phone's width and a desk's (375 and 1280 px), with axe: the risk questions
answered yes, no or not known (an unanswered one named in the error summary), a not-known answer shown on
the episode as a gap to fill and filled, a "review due" alert in the owner's inbox, and a figures period
typed in the GOV.UK date input."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.journeys.demo import WIDTHS, answer_risk_questions, demo_load, fill_date, page_width, sign_in_as

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):  # type: ignore[no-untyped-def]
    return demo_load()


def _child_not_missing():  # type: ignore[no-untyped-def]
    """A child of the demo force aged 10 to 16 with no open episode."""
    from misper.people.models import Child

    today = timezone.localdate()
    return (
        Child.objects.filter(
            force__code="demo-force",
            date_of_birth__lte=today - timedelta(days=365 * 10),
            date_of_birth__gte=today - timedelta(days=365 * 16),
        )
        .exclude(episodes__status__in=["reported", "active"])
        .order_by("pk")
        .first()
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_the_report_asks_yes_no_or_not_known_and_a_not_known_answer_is_a_gap_to_fill(  # type: ignore[no-untyped-def]
    browser, live_server, demo, axe, shot, width
):
    from misper.episodes.forms import INDICATOR_QUESTIONS, UNANSWERED
    from misper.episodes.models import Episode

    child = _child_not_missing()
    question = INDICATOR_QUESTIONS["suicidal_ideation"]
    page = sign_in_as(browser, live_server, "demo-calltaker", width)
    page.goto(f"/children/{child.pk}/report")
    page.get_by_label("Parent", exact=True).check()
    fill_date(page, "When was the child last seen?", timezone.now() - timedelta(hours=2))
    page.get_by_label("What happened?").fill("Did not come home from school.")
    answer_risk_questions(page, skip=("suicidal_ideation",))  # one question left unanswered
    page.get_by_role("button", name="Continue to the risk grade").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name=UNANSWERED.format(question=question))).to_be_visible()
    assert summary.get_by_role("link").count() == 1
    expect(page).to_have_title(re.compile("^Error: "))
    axe(page, f"report unanswered {width}")
    shot(page, f"answers-01-unanswered-{width}")
    assert page_width(page) <= width

    group = page.get_by_role("group", name=question, exact=True)
    group.get_by_label("Not known", exact=True).check()
    page.get_by_role("button", name="Continue to the risk grade").click()
    page.wait_for_url(re.compile(r"/episodes/\d+/grade$"))
    expect(page.get_by_text("Not known yet: counted as if the answer were yes").first).to_be_visible()
    episode = Episode.objects.get(child=child, status="reported")
    assert episode.indicators_not_known == ["suicidal_ideation"]

    page.goto(f"/episodes/{episode.pk}")
    gaps = page.get_by_test_id("answer-gaps")
    expect(gaps).to_contain_text(f"Not known yet: {question} — find out and update")
    axe(page, f"episode with a gap {width}")
    shot(page, f"answers-02-gap-{width}")
    assert page_width(page) <= width
    gaps.get_by_role("link", name=re.compile("find out and update")).click()
    page.wait_for_url(re.compile(rf"/episodes/{episode.pk}/answers"))
    expect(page.get_by_role("heading", name="Update the risk answers")).to_be_visible()
    axe(page, f"answers page {width}")
    assert page_width(page) <= width
    page.get_by_role("group", name=question, exact=True).get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save the answers").click()
    page.wait_for_url(re.compile(rf"/episodes/{episode.pk}(#.*)?$"))  # the browser keeps the link's #question
    expect(page.get_by_text("Answers saved and the risk assessed again")).to_be_visible()
    expect(page.get_by_test_id("answer-gaps")).to_have_count(0)
    episode.refresh_from_db()
    assert episode.indicators_not_known == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_owner_finds_a_review_due_in_their_inbox_once(  # type: ignore[no-untyped-def]
    browser, live_server, demo, axe, shot, width
):
    from misper.accounts.models import User
    from misper.episodes.models import Episode
    from misper.notifications.sweep import alerts_sweep

    officer = User.objects.get(username="demo-officer")
    episode = (
        Episode.objects.filter(force__code="demo-force", status__in=["reported", "active"])
        .select_related("child")
        .order_by("reported_at")
        .first()
    )
    # Test setup: the review falls due now (the clock moved on); the sweep is what the worker runs each minute.
    due_at = timezone.now() - timedelta(minutes=1)
    Episode.objects.filter(pk=episode.pk).update(owner=officer, next_review_at=due_at)
    alerts_sweep()
    alerts_sweep()
    page = sign_in_as(browser, live_server, "demo-officer", width)
    page.goto("/alerts")
    due = page.get_by_role("table", name="For you").locator("tr", has_text="Your case: a review is due")
    expect(due).to_have_count(1)  # the sweep ran twice: one alert
    expect(due).to_contain_text(episode.child.full_name)
    expect(due).to_contain_text("The review was due at")
    expect(page.locator("tr", has_text="Your case: a review is due")).to_have_count(
        1
    )  # not on the force's list
    axe(page, f"inbox review due {width}")
    shot(page, f"answers-03-review-due-{width}")
    assert page_width(page) <= width
    due.get_by_role("link", name=episode.child.full_name).click()
    page.wait_for_url(re.compile(rf"/episodes/{episode.pk}$"))
    expect(page.get_by_text("Review overdue").first).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_figures_period_is_typed_as_day_month_and_year(  # type: ignore[no-untyped-def]
    browser, live_server, demo, axe, shot, width
):
    from misper.analytics.facts import facts_refresh

    facts_refresh()
    today = timezone.localdate()
    page = sign_in_as(browser, live_server, "demo-analyst", width)
    page.goto("/dashboard")
    assert page.locator('input[type="date"]').count() == 0  # never the browser's own picker
    fill_date(page, "From", date(today.year - 1, 1, 1))
    fill_date(page, "To", date(today.year - 1, 12, 31))
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(rf"period_to_year={today.year - 1}"))
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.get_by_role("group", name="From").get_by_label("Year")).to_have_value(str(today.year - 1))
    axe(page, f"dashboard period {width}")
    assert page_width(page) <= width
    group = page.get_by_role("group", name="From")
    group.get_by_label("Day").fill("31")
    group.get_by_label("Month").fill("2")
    page.get_by_role("button", name="Apply filters").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter a real date")).to_be_visible()
    axe(page, f"dashboard period error {width}")
    shot(page, f"answers-04-period-error-{width}")
    assert page_width(page) <= width
