"""A child's places on a map beside the plain list, with tiles from a configured server; without a tile
server the list alone (the page works with no tiles). At 375 px the page does not scroll sideways."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
PASSWORD = "a-long-test-password-1"


def test_places_map_and_list(browser, live_server, cast, settings, axe):  # type: ignore[no-untyped-def]
    from misper.people.models import ChildLocation, Location

    for name, lat, lon in (("Chicken shop", "52.480", "-1.900"), ("Bus station", "52.476", "-1.893")):
        place = Location.objects.create(
            force=cast.force, kind="concern", name=name, latitude=Decimal(lat), longitude=Decimal(lon)
        )
        ChildLocation.objects.create(child=cast.child, location=place, kind="concern")
    # Tiles from the test server itself: any image will do, what matters is the configured source.
    settings.MISPER_MAP_TILES = (
        f"{live_server.url}/static/vendor/leaflet/images/layers.png?z={{z}}&x={{x}}&y={{y}}"
    )
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("Username").fill("calltaker")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"/children/{cast.child.pk}")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(2)
    expect(page.get_by_test_id("places-list")).to_contain_text("Chicken shop")
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    axe(page, "places map")
    settings.MISPER_MAP_TILES = ""
    page.goto(f"/children/{cast.child.pk}")
    expect(page.locator("#places-map")).to_have_count(0)
    expect(page.get_by_test_id("places-list")).to_contain_text("Bus station")
    context.close()
