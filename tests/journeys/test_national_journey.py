"""The national view in a real browser: two forces' returns exported and imported, then a national
analyst pages through the children missing now, filters by force, risk and age, finds the adults
listed apart, and works the review queue with each field's agreement shown."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password-1"
MONTH = "2026-03"
AT = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
GIVEN = ["Amelia", "Bethany", "Chloe", "Daisy", "Evie", "Freya", "Grace", "Hannah", "Isla", "Jasmine", "Keira",
         "Lily", "Maisie", "Niamh", "Orla", "Phoebe", "Quinn", "Ruby", "Sophie", "Tilly", "Una", "Violet",
         "Willow", "Xanthe", "Yasmin", "Zara", "Alfie", "Bobby", "Callum", "Dylan"]  # fmt: skip


@pytest.fixture
def national_world(transactional_db, tmp_path):  # type: ignore[no-untyped-def]
    """Northmoor Police: 30 children missing now (and 2 adults from another file); Westvale Police: 3 of the same children
    (one with a typing slip) and a child of its own. Both returns exported and imported."""
    from misper.accounts.models import AgencyKind, Role
    from misper.people.models import Location, LocationKind
    from tests.factories import agency_make, child_make, episode_make, user_make

    north = agency_make(AgencyKind.POLICE_FORCE, code="northmoor", name="Northmoor Police")
    west = agency_make(AgencyKind.POLICE_FORCE, code="westvale", name="Westvale Police")
    unit = agency_make(AgencyKind.NATIONAL, code="national-unit", name="National Missing Persons Unit")
    user_make(unit, Role.ANALYST, username="national", is_demo=True)

    def child(force, ref, given, family, born, n, **episode):  # type: ignore[no-untyped-def]
        home = Location.objects.create(force=force, kind=LocationKind.HOME, address_line=f"{n} Mill Lane",
                                       town="Dunmere", postcode=f"DM{n % 9 + 1} {n % 9 + 1}AB")  # fmt: skip
        c = child_make(
            force, ref=ref, given_name=given, family_name=family, date_of_birth=born, home_address=home
        )
        episode_make(c, AT + timedelta(hours=n), status="active", **episode)

    for n, given in enumerate(GIVEN):
        born = date(2010 + n % 5, 1 + n % 12, 1 + n % 27)
        child(
            north,
            f"N{n}",
            given,
            f"Family{chr(65 + n % 26)}{n}",
            born,
            n,
            risk="high" if n % 4 == 0 else "medium",
        )
        if n < 3:
            slip = given if n else given[:-1] + "ie"
            child(west, f"W{n}", slip, f"Family{chr(65 + n % 26)}{n}", born, n, risk="medium")
    child(west, "W9", "Jessica", "Smith", date(2011, 4, 9), 40, risk="low")
    files = []
    for code in ("northmoor", "westvale"):
        out = tmp_path / f"{code}.jsonl"
        call_command(
            "export", "national", "--period", MONTH, "--force", code, "--out", str(out), stderr=io.StringIO()
        )
        files.append(out)
    # A near miss for the review queue: Westvale's Jessica in Northmoor, a year out, at another address.
    line = json.loads(files[1].read_text().splitlines()[-1])
    line.update(source="northmoor")
    line["child"].update(ref="N99", date_of_birth="2010-04-19")
    line["episode"]["ref"] = "N99-E"
    line["address"] = {"line": "7 Quay Street", "town": "Portby", "postcode": "ZZ9 4QQ"}
    # Adults are not in a force's return about children, but the national demo's files carry some.
    adults = [
        {"source": "northmoor", "child": {"ref": ref, "given_name": g, "family_name": f, "date_of_birth": born,
         "sex": "female"}, "episode": {"ref": f"{ref}-E", "reported_at": AT.isoformat(), "status": "active"}}
        for ref, g, f, born in (("A1", "Arthur", "Penrose", "1961-05-01"), ("A2", "Beatrice", "Okoye", "1958-11-23"))
    ]  # fmt: skip
    extra = tmp_path / "extra.jsonl"
    extra.write_text("".join(json.dumps(x) + "\n" for x in (line, *adults)))
    call_command(
        "national", "import", *map(str, files), str(extra), stdout=io.StringIO(), stderr=io.StringIO()
    )
    # The model scores this near miss below the review band in a set this small (the band's calibration
    # is tested in misper/national/tests/test_linkage.py), so the pair a reviewer works is put here.
    from misper.national.models import ReviewPair

    ReviewPair.objects.create(left_source="northmoor", left_ref="N99", right_source="westvale", right_ref="W9",
                              probability=0.55, weight=1)  # fmt: skip


def sign_in(browser, live_server, width: int = 1280):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("Username").fill("national")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_national_view_journey(browser, live_server, national_world, axe, shot):  # type: ignore[no-untyped-def]
    page = sign_in(browser, live_server)
    page.goto("/national")
    expect(page.get_by_role("heading", name="Children: missing now")).to_be_visible()
    expect(page.locator("#count-cross")).to_have_text("3")
    expect(page.locator("#list-count")).to_contain_text("35 records, page 1 of 2")
    rows = page.locator("#national-records tbody tr")
    expect(rows).to_have_count(25)
    expect(page.locator("#national-records")).to_contain_text("Northmoor Police")
    expect(page.locator("#national-records")).not_to_contain_text("northmoor")
    expect(page.locator("#national-records")).not_to_contain_text("Arthur")  # adults are listed apart
    axe(page, "national view")
    shot(page, "n01-national-view")

    page.get_by_role("link", name="Next page").click()
    expect(page.locator("#list-count")).to_contain_text("page 2 of 2")
    expect(rows).to_have_count(10)

    page.get_by_label("Force").select_option(label="Westvale Police")
    page.get_by_label("Risk").select_option(label="Medium")
    page.get_by_role("button", name="Show these records").click()
    expect(page.locator("#list-count")).to_contain_text("3 records")
    expect(page.locator("#national-records")).to_contain_text("Westvale Police")

    page.get_by_label("Force").select_option(label="All forces")
    page.get_by_label("Risk").select_option(label="Any risk")
    page.get_by_label("Children or adults").select_option(label="Adults")
    page.get_by_label("List").select_option(label="Everyone in the returns")
    page.get_by_role("button", name="Show these records").click()
    expect(page.get_by_role("heading", name="Adults: everyone in the returns")).to_be_visible()
    expect(page.locator("#national-records")).to_contain_text("1 May 1961")
    expect(rows).to_have_count(2)

    page.get_by_role("link", name="Records to review").click()
    expect(page.locator("#queue-count")).to_contain_text("1 pair to review")
    axe(page, "review queue")
    page.get_by_role("link", name="Compare").first.click()
    comparison = page.locator("#comparison")
    expect(comparison).to_contain_text("9 April 2011")
    expect(comparison).to_contain_text("19 April 2010")
    expect(comparison.locator("tr[data-kind='agree']").first).to_be_visible()
    expect(comparison.locator("tr[data-kind='differ']").first).to_be_visible()
    axe(page, "review pair")
    shot(page, "n02-review-pair")
    page.get_by_label("Different children").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Recorded: different children")).to_be_visible()
    expect(page.locator("#queue-count")).to_contain_text("0 pairs to review")

    narrow = sign_in(browser, live_server, width=375)
    narrow.goto("/national")
    expect(narrow.locator("#national-records")).to_be_visible()
    width = narrow.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways at 375 px ({width} px)"
    shot(narrow, "n03-national-view-375")
