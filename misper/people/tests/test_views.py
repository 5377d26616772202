"""Finding a child, the child page and creating a child record, through Django's test client."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from misper.audit.models import AccessEvent
from misper.partners.models import TriggerPlan
from misper.people.models import Associate, Child, ChildAlias, ChildAssociate, Location, VulnerabilityFlag
from misper.people.selectors import child_search, name_score
from misper.people.views import SEARCH_PURPOSE
from tests.factories import child_make, episode_make

pytestmark = pytest.mark.django_db


def client_as(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def caitlin(world):
    home = Location.objects.create(
        force=world.force, kind="placement", name="Oak House", town="Demoton", postcode="DM1 1AA"
    )
    child = child_make(
        world.force,
        given_name="Caitlin",
        family_name="Smith",
        date_of_birth=date(2011, 5, 17),
        placement_address=home,
        placement_type="residential_home",
        looked_after=True,
        placing_authority=world.la,
        description="Short, dark curly hair, nose piercing.",
    )
    ChildAlias.objects.create(child=child, given_name="Kat", family_name="Jones")
    VulnerabilityFlag.objects.create(
        child=child, code="cse_risk", noted_on=date(2025, 1, 1), source="Children's services"
    )
    TriggerPlan.objects.create(
        child=child,
        minimum_risk="high",
        actions=["Ring DS Khan on 0000"],
        agreed_by="Strategy meeting",
        agreed_on=date(2025, 2, 1),
    )
    adult = Associate.objects.create(
        force=world.force, given_name="Gary", family_name="Concern", flags=["cse_suspect"]
    )
    ChildAssociate.objects.create(child=child, associate=adult, relationship="boyfriend", of_concern=True)
    return child


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Caitlin Smith", True),
        ("Kaitlyn Smyth", True),
        ("Catlin", True),
        ("cait smi", True),
        ("Kat Jones", True),
        ("Robert", False),
    ],
)
def test_name_search_finds_spellings_sound_alikes_and_aliases(world, caitlin, typed, expected):
    child_make(world.force, given_name="Robin", family_name="Hughes")
    found = [m.child for m in child_search(world.calltaker, name=typed)]
    assert (caitlin in found) is expected


def test_exact_name_ranks_above_sound_alike(world, caitlin):
    other = child_make(world.force, given_name="Kaitlyn", family_name="Smith")
    found = [m.child for m in child_search(world.calltaker, name="Kaitlyn Smith")]
    assert found[:2] == [other, caitlin]
    assert name_score("Kaitlyn", ["Caitlin"]) > 0


def test_search_by_date_of_birth_age_and_place(world, caitlin):
    today = date(2026, 5, 1)
    assert [m.child for m in child_search(world.calltaker, dob=date(2011, 5, 17))] == [caitlin]
    assert caitlin in [m.child for m in child_search(world.calltaker, age=14, today=today)]
    assert caitlin not in [m.child for m in child_search(world.calltaker, age=15, today=today)]
    assert [m.child for m in child_search(world.calltaker, place="demoton")] == [caitlin]
    assert [m.child for m in child_search(world.calltaker, place="DM1 1AA")] == [caitlin]
    assert [m.child for m in child_search(world.calltaker, place="Oak House")] == [caitlin]


def test_search_sees_only_visible_children(world, caitlin):
    assert child_search(world.other_force_officer, name="Caitlin Smith") == []
    html = client_as(world.other_force_officer).post("/children/search", {"name": "Caitlin"}).content.decode()
    assert "Caitlin Smith" not in html
    assert "No child on file matches your search" in html


def test_search_page_lists_matches_and_offers_a_new_record(world, caitlin):
    html = client_as(world.calltaker).post("/children/search", {"name": "Kaitlyn Smyth"}).content.decode()
    assert f'href="/children/{caitlin.pk}"' in html
    assert "Create a new record" in html


def test_empty_search_is_an_error(world):
    resp = client_as(world.calltaker).post("/children/search", {"name": "", "age": "x"})
    html = resp.content.decode()
    assert "There is a problem" in html
    assert "<title>Error: " in html
    assert "Enter the age as a number" in html


def test_search_is_posted_so_no_child_data_reaches_a_url(world, caitlin):
    """A name or date of birth in a query string is ignored (nothing searched, nothing logged); the form
    posts to the bare path; the results keep what was entered and link to /children/<id> only."""
    c = client_as(world.calltaker)
    before = AccessEvent.objects.filter(action="search").count()
    html = c.get("/children/search", {"name": "Caitlin", "dob": "2011-05-17"}).content.decode()
    assert "Caitlin Smith" not in html
    assert 'value="Caitlin"' not in html
    assert AccessEvent.objects.filter(action="search").count() == before
    assert '<form method="post" action="/children/search"' in html

    html = c.post("/children/search", {"name": "Kaitlyn Smyth", "dob": "2011-05-17"}).content.decode()
    assert 'value="Kaitlyn Smyth"' in html
    assert 'name="dob_year" type="text" inputmode="numeric" value="2011"' in html  # kept, in the date input
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert f"/children/{caitlin.pk}" in hrefs
    assert not [h for h in hrefs if "?" in h and ("name" in h or "dob" in h or "Kaitlyn" in h)]


def test_search_purpose_is_recorded_on_the_access_event(world, caitlin):
    c = client_as(world.calltaker)
    c.post("/children/search", {"name": "Caitlin", "purpose": "Call from Oak House"})
    event = AccessEvent.objects.filter(action="search").latest("pk")
    assert event.purpose == "stated: Call from Oak House"
    assert event.record_ids == [str(caitlin.pk)]
    c.post("/children/search", {"name": "Caitlin"})
    assert AccessEvent.objects.filter(action="search").latest("pk").purpose == SEARCH_PURPOSE


def test_search_needs_the_csrf_token(world):
    c = Client(enforce_csrf_checks=True)
    c.force_login(world.calltaker)
    assert c.post("/children/search", {"name": "Caitlin"}).status_code == 403


def test_new_record_is_prefilled_from_the_last_search_not_the_url(world):
    c = client_as(world.calltaker)
    c.post("/children/search", {"name": "Nobody Known"})
    html = c.get("/children/new").content.decode()
    assert 'value="Nobody"' in html
    assert 'value="Known"' in html
    assert 'value="Nobody"' not in c.get("/children/new").content.decode()  # offered once


def test_child_page_shows_what_is_known_with_the_trigger_plan_first(world, caitlin):
    now = timezone.now()
    episode_make(
        caitlin,
        reported_at=now - timedelta(days=10),
        found_at=now - timedelta(days=9),
        found_with="Gary",
        status="closed",
    )
    episode_make(caitlin, reported_at=now - timedelta(days=200), status="closed")
    html = client_as(world.calltaker).get(f"/children/{caitlin.pk}").content.decode()
    assert html.index("Trigger plan") < html.index("About Caitlin")
    assert "Ring DS Khan on 0000" in html
    assert "At risk of child sexual exploitation" in html
    assert "1 in the last 90 days, 2 in all" in html
    assert "with whom: Gary" in html
    assert "Gary Concern" in html  # associates of concern, police only
    assert "Report this child missing" in html
    assert "Short, dark curly hair" in html


def test_child_page_hides_associates_from_partners_and_other_forces(world, caitlin):
    html = client_as(world.socialworker).get(f"/children/{caitlin.pk}").content.decode()
    assert "Caitlin Smith" in html
    assert "Gary Concern" not in html
    assert "Report this child missing" not in html
    assert client_as(world.other_force_officer).get(f"/children/{caitlin.pk}").status_code == 404
    assert client_as(world.other_socialworker).get(f"/children/{caitlin.pk}").status_code == 404


def test_create_child_keeps_values_on_error_and_saves_nothing(world):
    c = client_as(world.calltaker)
    resp = c.post(
        "/children/new",
        {
            "given_name": "Zara",
            "family_name": "",
            "date_of_birth": "2030-01-01",
            "sex": "female",
            "placement_type": "home",
        },
    )
    html = resp.content.decode()
    assert "There is a problem" in html
    assert "Enter the child&#x27;s last name" in html
    assert "Date of birth must be in the past" in html
    assert 'value="Zara"' in html
    assert not Child.objects.exists()


def test_create_child_then_report(world):
    c = client_as(world.calltaker)
    form = {
        "given_name": "Zara",
        "family_name": "New",
        "date_of_birth": "2012-03-04",
        "sex": "female",
        "placement_type": "home",
        "town": "Demoton",
    }
    resp = c.post("/children/new", form)
    child = Child.objects.get()
    assert resp["Location"] == f"/children/{child.pk}/report"
    assert child.ref == f"WEB-{child.pk:06d}"
    assert child.force == world.force
    assert child.home_address.town == "Demoton"
    assert client_as(world.socialworker).post("/children/new", form).status_code == 403
