"""The one access rule for children, as extended for placement notices: a host force sees a child
another area placed on its patch while the notice is current."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from misper.accounts.models import AgencyKind, Role
from misper.partners.models import PlacementNotice
from misper.people.selectors import visible_children
from tests.factories import agency_make, user_make

pytestmark = pytest.mark.django_db


def test_host_force_sees_a_placed_child_only_while_the_notice_is_current(pairs):  # type: ignore[no-untyped-def]
    host_force = agency_make(AgencyKind.POLICE_FORCE, code="host-force")
    officer = user_make(host_force, Role.CALL_HANDLER)
    child = pairs.ours.child
    assert not visible_children(officer).exists()
    notice = PlacementNotice.objects.create(
        child=child,
        placing_authority=pairs.ours.agencies["placing_authority"],
        host_force=host_force,
        placement_type="residential_home",
        starts_on=date.today() - timedelta(days=30),
    )
    assert list(visible_children(officer)) == [child]
    notice.ends_on = date.today() - timedelta(days=1)
    notice.save()
    assert not visible_children(officer).exists()
