"""Property: for generated users and records, ``can_view_*`` agrees with ``visible_*`` and with the access
rule as written in plain words (an independent oracle below), so no page or API can disagree with another.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from misper.accounts.models import AgencyKind, Role
from misper.episodes.selectors import can_view_episode, visible_episodes
from misper.partners.models import ReturnInterview
from misper.people.selectors import can_view_child, visible_children
from tests.factories import agency_make, child_make, episode_make, user_make

pytestmark = pytest.mark.django_db

KINDS = (
    AgencyKind.POLICE_FORCE,
    AgencyKind.POLICE_FORCE,
    AgencyKind.LOCAL_AUTHORITY,
    AgencyKind.LOCAL_AUTHORITY,
    AgencyKind.CARE_PROVIDER,
    AgencyKind.RETURN_INTERVIEW_PROVIDER,
    AgencyKind.HEALTH,
    AgencyKind.NATIONAL,
)
N = len(KINDS)
maybe_agency = st.one_of(st.none(), st.integers(0, N - 1))


def _oracle(user, child, episodes) -> bool:  # type: ignore[no-untyped-def]
    """The rule in docs/architecture.md, restated independently of the selectors."""
    if not user.is_active or user.agency is None:
        return False
    if user.agency.kind == AgencyKind.POLICE_FORCE and user.role in {
        Role.CALL_HANDLER,
        Role.INVESTIGATING_OFFICER,
        Role.COORDINATOR,
        Role.SUPERVISOR,
        Role.DUTY_INSPECTOR,
        Role.ANALYST,
    }:
        return child.force_id == user.agency_id
    if user.role != Role.PARTNER_PRACTITIONER:
        return False
    linked = {child.placing_authority_id, child.host_authority_id, child.care_provider_id}
    for e in episodes:
        ri = ReturnInterview.objects.filter(episode=e).first()
        if ri:
            linked |= {ri.provider_id, ri.responsible_agency_id}
    return user.agency_id in linked


@pytest.fixture
def agencies(db):  # type: ignore[no-untyped-def]
    return [agency_make(kind) for kind in KINDS]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    role=st.sampled_from(list(Role)),
    user_agency=maybe_agency,
    active=st.booleans(),
    force=st.integers(0, 1),
    placing=maybe_agency,
    host=maybe_agency,
    care=maybe_agency,
    ri=st.one_of(st.none(), st.tuples(st.integers(0, N - 1), maybe_agency)),
)
def test_can_view_agrees_with_visible_and_with_the_rule(
    agencies, role, user_agency, active, force, placing, host, care, ri
):
    pick = lambda i: None if i is None else agencies[i]  # noqa: E731
    with transaction.atomic():
        user = user_make(pick(user_agency), role, is_active=active)
        child = child_make(
            agencies[force],
            placing_authority=pick(placing),
            host_authority=pick(host),
            care_provider=pick(care),
        )
        episode = episode_make(child)
        if ri is not None:
            now = timezone.now()
            ReturnInterview.objects.create(
                episode=episode,
                responsible_agency=agencies[ri[0]],
                provider=pick(ri[1]),
                referred_at=now,
                due_at=now + timedelta(hours=72),
            )
        expected = _oracle(user, child, [episode])
        assert can_view_child(user, child) == expected
        assert visible_children(user).filter(pk=child.pk).exists() == expected
        assert can_view_episode(user, episode) == expected
        assert visible_episodes(user).filter(pk=episode.pk).exists() == expected
        assert visible_children(user).count() == len(set(visible_children(user).values_list("pk", flat=True)))
        transaction.set_rollback(True)
