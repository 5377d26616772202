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
