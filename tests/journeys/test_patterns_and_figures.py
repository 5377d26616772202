"""GOV.UK patterns and figures on the seeded demo at 375 and 1280 px: a refused page and a missing one
say why and link back; an error summary names each question; the dashboard draws monthly counts as
bars, marks the month still running and offers the last complete month's pack."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.journeys.demo import WIDTHS, demo_load, page_width, sign_in_as

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):  # type: ignore[no-untyped-def]
    return demo_load()


@pytest.mark.parametrize("width", WIDTHS)
def test_refused_and_missing_pages_say_why_and_link_back(browser, live_server, demo, axe, shot, width):  # type: ignore[no-untyped-def]
    page = sign_in_as(browser, live_server, "demo-calltaker", width)
    resp = page.goto("/board")
    assert resp.status == 403
    expect(page.get_by_role("heading", name="You cannot see this page")).to_be_visible()
    expect(
        page.get_by_text("Only supervisors and missing person coordinators can see the board.")
    ).to_be_visible()
    axe(page, f"403 {width}")
    shot(page, f"patterns-403-{width}")
    assert page_width(page) <= width
    resp = page.goto("/episodes/99999999")
    assert resp.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    axe(page, f"404 {width}")
    page.get_by_role("link", name="Go to the home page").click()
    expect(page.get_by_role("heading", name="Missing children")).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_feedback_error_summary_names_each_question(browser, live_server, demo, axe, shot, width):  # type: ignore[no-untyped-def]
    from misper.episodes.models import Episode

    found = Episode.objects.filter(force__code="demo-force", status="closed").order_by("-closed_at").first()
    page = sign_in_as(browser, live_server, "demo-officer", width)
    page.goto(f"/episodes/{found.pk}/feedback")
    page.get_by_role("button", name="Save the answers").click()
    summary = page.locator(".govuk-error-summary")
    for message in (
        "Choose whether the police listened to you",
        "Choose whether you were treated with respect",
        "Choose whether you felt blamed",
        "Choose whether you felt safe with the officer",
    ):
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    axe(page, f"feedback errors {width}")
    shot(page, f"patterns-feedback-{width}")
    assert page_width(page) <= width


@pytest.mark.parametrize("width", WIDTHS)
def test_the_dashboard_marks_the_running_month_and_offers_last_months_pack(  # type: ignore[no-untyped-def]
    browser, live_server, demo, axe, shot, width
):
    from misper.analytics.facts import facts_refresh
    from misper.analytics.views import last_complete_month

    facts_refresh()
    today = timezone.localdate()
    last = last_complete_month(today, today)
    page = sign_in_as(browser, live_server, "demo-supervisor", width)
    page.goto("/dashboard")
    expect(page.get_by_role("link", name=f"Monthly pack for {last:%B %Y} (PDF)")).to_be_visible()
    expect(page.get_by_text(f"{today:%B %Y} is not over yet").first).to_be_visible()
    kinds = page.evaluate("Object.values(window.Chart.instances).map(c => [c.config.type, c.data.labels])")
    assert kinds, "no chart drawn"
    monthly = [labels for kind, labels in kinds if any(str(label).endswith("(so far)") for label in labels)]
    assert monthly, "the running month is not marked on any chart"
    assert all(kind == "bar" for kind, _ in kinds), kinds
    axe(page, f"dashboard {width}")
    shot(page, f"patterns-dashboard-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_episode_says_why_in_words_and_dates(browser, live_server, demo, axe, shot, width):  # type: ignore[no-untyped-def]
    from misper.episodes.models import Episode

    episode = (
        Episode.objects.filter(force__code="demo-force", status__in=["reported", "active"])
        .exclude(assessments__policy_name="demo-stand-in")
        .order_by("reported_at")
        .first()
    )
    page = sign_in_as(browser, live_server, "demo-officer", width)
    page.goto(f"/episodes/{episode.pk}")
    why = page.locator("#why-grade")
    expect(why).to_contain_text("Assessed under the national risk policy")
    text = why.inner_text()
    for code in ("child.", "Child.", "report.", "history[", "Evidence:", "Policy national", "_"):
        assert code not in text, code
    expect(page.locator("#actions")).not_to_contain_text("Engine")
    axe(page, f"episode words {width}")
    shot(page, f"words-episode-{width}")
    assert page_width(page) <= width
