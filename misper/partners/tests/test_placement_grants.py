"""Who may grant another agency access to a child through a placement notice (issue 13, point 2).

The attack: a council that sees a child only because a return interview was referred to it (the child
has no placing authority on record) sent a placement notice naming any force, council and care provider
as hosts; those agencies then saw the child's page, police-only associates included. Only the child's
recorded placing authority, or the police force that holds the child's record, may place a child; and a
host sees the shared projection of the child, never the owning force's police-only intelligence."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from misper.accounts.models import AgencyKind, Role
from misper.core.errors import InvalidInput
from misper.partners import placements
from misper.partners.models import PlacementNotice, ReturnInterview
from misper.people.models import Associate, ChildAssociate
from misper.people.selectors import visible_children
from tests.factories import agency_make, child_make, episode_make, user_make

pytestmark = pytest.mark.django_db

INTEL = "Runs county lines from the bus station (synthetic)"


@pytest.fixture
def attack(world):  # type: ignore[no-untyped-def]
    """A child of the force with no placing authority, whose return interview is referred to a council
    (``world.other_la``), and an associate of concern; plus hosts of another area the council names."""
    child = child_make(world.force, given_name="Noplacing", family_name="Childtest")
    now = timezone.now()
    episode = episode_make(child, reported_at=now - timedelta(days=2), status="closed")
    ReturnInterview.objects.create(
        episode=episode, responsible_agency=world.other_la, referred_at=now, due_at=now + timedelta(hours=72)
    )
    adult = Associate.objects.create(
        force=world.force, given_name="Jax", family_name="Concernton", intelligence_notes=INTEL
    )
    ChildAssociate.objects.create(child=child, associate=adult, of_concern=True)
    home = agency_make(AgencyKind.CARE_PROVIDER, code="any-home", name="Any Care Home")
    return {
        "child": child,
        "home": home,
        "home_user": user_make(home, Role.PARTNER_PRACTITIONER, username="any-home-worker"),
        "host_officer": user_make(world.other_force, Role.INVESTIGATING_OFFICER, username="host-officer-2"),
    }


def _data(world: Any, attack: dict[str, Any], **kw: Any) -> placements.PlacementInput:
    fields: dict[str, Any] = {
        "child_id": attack["child"].pk,
        "placement_type": "residential_home",
        "place_name": "Anywhere Lodge",
        "postcode": "AN1 1YW",
        "host_force_id": world.other_force.pk,
        "host_authority_id": world.la.pk,
        "care_provider_id": attack["home"].pk,
        "starts_on": date.today(),
        **kw,
    }
    return placements.PlacementInput(**fields)


def test_a_council_that_sees_a_child_only_through_an_interview_cannot_place_it(world, attack):  # type: ignore[no-untyped-def]
    assert visible_children(world.other_socialworker).filter(pk=attack["child"].pk).exists()
    with pytest.raises(InvalidInput) as exc:
        placements.placement_notice_create(data=_data(world, attack), acting_user=world.other_socialworker)
    assert [e.field for e in exc.value.errors] == ["child"]
    assert not PlacementNotice.objects.exists()
    assert not visible_children(attack["home_user"]).filter(pk=attack["child"].pk).exists()
    assert not visible_children(attack["host_officer"]).filter(pk=attack["child"].pk).exists()


def test_the_placement_form_does_not_offer_or_accept_such_a_child(world, attack):  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(world.other_socialworker)
    child = attack["child"]
    assert child.full_name not in c.get(f"/placements/new?child={child.pk}").content.decode()
    c.post("/placements/new", {"child": str(child.pk), "placement_type": "residential_home"})
    assert not PlacementNotice.objects.exists()


def test_a_host_force_cannot_place_a_child_it_only_hosts(world, attack):  # type: ignore[no-untyped-def]
    """The host force sees the child while the notice is current, but the record is not its own."""
    placements.placement_notice_create(
        data=_data(world, attack, placing_authority_id=world.la.pk), acting_user=world.calltaker
    )
    officer = attack["host_officer"]
    assert visible_children(officer).filter(pk=attack["child"].pk).exists()
    with pytest.raises(InvalidInput) as exc:
        placements.placement_notice_create(
            data=_data(world, attack, host_force_id=world.force.pk, placing_authority_id=world.la.pk),
            acting_user=officer,
        )
    assert [e.field for e in exc.value.errors] == ["child"]


def test_police_cannot_name_another_placing_authority_than_the_recorded_one(world, attack):  # type: ignore[no-untyped-def]
    child = attack["child"]
    child.placing_authority = world.la
    child.save()
    with pytest.raises(InvalidInput) as exc:
        placements.placement_notice_create(
            data=_data(world, attack, placing_authority_id=world.other_la.pk), acting_user=world.calltaker
        )
    assert [e.field for e in exc.value.errors] == ["placing_authority"]


@pytest.mark.parametrize("who", ["host_officer", "home_user", "host_worker"])
def test_hosts_never_see_the_owning_forces_police_only_intelligence(world, attack, who):  # type: ignore[no-untyped-def]
    placements.placement_notice_create(
        data=_data(world, attack, placing_authority_id=world.la.pk), acting_user=world.calltaker
    )
    user = {**attack, "host_worker": user_make(world.la, Role.PARTNER_PRACTITIONER, username="hw")}[who]
    c = Client()
    c.force_login(user)
    page = c.get(f"/children/{attack['child'].pk}")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Noplacing" in body
    assert "Concernton" not in body
    assert INTEL not in body
