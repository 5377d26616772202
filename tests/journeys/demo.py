"""The seeded demo for browser journeys: the real generator and loader (``misper seed``), small scale, and
helpers to sign in as a demo persona at a given width and to check a page fits it."""

from __future__ import annotations

from typing import Any

DEMO_SCALE = 0.05  # about 250 episodes: the same generator and loader as `misper seed`, seconds to load
WIDTHS = (375, 1280)


def demo_load() -> dict[str, Any]:
    from misper.demo.generator import generate_plan
    from misper.demo.loader import load_plan

    return load_plan(generate_plan(seed=2016, scale=DEMO_SCALE))


def sign_in_as(browser: Any, live_server: Any, username: str, width: int) -> Any:
    from django.conf import settings

    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(settings.MISPER_DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def page_width(page: Any) -> int:
    """How wide the page's content is: more than the viewport means sideways scrolling."""
    return int(page.evaluate("document.documentElement.scrollWidth"))


def fill_date(page, question: str, when) -> None:  # type: ignore[no-untyped-def]
    """Type ``when`` (a date, or an aware datetime read as UK time) into the GOV.UK date input asked as
    ``question``: day, month, year and, for a datetime, the time box, as a person types them."""
    from datetime import datetime

    from django.utils import timezone

    group = page.get_by_role("group", name=question)
    if isinstance(when, datetime):
        when = timezone.localtime(when)
        group.get_by_label("Time").fill(f"{when:%H:%M}")
    group.get_by_label("Day").fill(str(when.day))
    group.get_by_label("Month").fill(str(when.month))
    group.get_by_label("Year").fill(str(when.year))


def answer_risk_questions(page, yes=(), not_known=(), skip=()) -> None:  # type: ignore[no-untyped-def]
    """Answer the risk questions on the page as a person does, one radio per question: ``yes`` and
    ``not_known`` (indicator codes) as given, none for those in ``skip``, "No" to the rest."""
    from misper.episodes.forms import INDICATOR_QUESTIONS

    for code, question in INDICATOR_QUESTIONS.items():
        if code in skip:
            continue
        answer = "Yes" if code in yes else "Not known" if code in not_known else "No"
        page.get_by_role("group", name=question, exact=True).get_by_label(answer, exact=True).check()
