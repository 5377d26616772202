"""The national benchmark generator, at a tiny scale (COPY on PostgreSQL, bulk_create on SQLite)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db.models import Count

from misper.audit.services import audit_chain_verify
from misper.demo.national import BUSY_FORCE_OPEN, national_seed
from misper.episodes.models import Episode, RiskAssessment
from misper.people.models import Child, ChildNameKey

pytestmark = pytest.mark.django_db(transaction=False)
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def seeded(db):  # type: ignore[no-untyped-def]
    return national_seed(years=1, forces=2, scale=0.01, seed=7, now=NOW)


def test_writes_people_episodes_and_their_details_in_proportion(seeded):
    counts = seeded["counts"]
    assert counts["episode"] == Episode.objects.count() > 100
    assert counts["child"] == Child.objects.count()
    assert counts["assessment"] >= counts["episode"]  # one each, and some re-gradings
    assert counts["action"] >= 7 * counts["episode"]  # the standard enquiries at least
    assert counts["access"] == 2 * counts["episode"]
    assert Episode.objects.filter(assessments__isnull=True).count() == 0


def test_every_child_has_name_keys_and_the_access_log_chain_verifies(seeded):
    assert not Child.objects.annotate(n=Count("name_keys")).filter(n=0).exists()
    child = Child.objects.order_by("pk").first()
    assert ChildNameKey.objects.filter(child=child, name=child.family_name.lower()).exists()
    assert audit_chain_verify() == []


def test_the_busiest_force_has_the_boards_open_episodes_and_no_more(seeded):
    busiest = Episode.objects.filter(force__code="nat-f00", status="active").count()
    people = Child.objects.filter(force__code="nat-f00").count()
    assert busiest == min(BUSY_FORCE_OPEN, people)
    assert not Episode.objects.filter(status="active", reported_at__gt=NOW).exists()


def test_assessments_are_engine_results_from_the_pool(seeded):
    one = RiskAssessment.objects.first()
    assert one.policy_name == "national"
    assert one.result["synthetic"] == "national"
    assert one.recommended_risk == one.result["risk"]


def test_refuses_to_load_twice(seeded):
    with pytest.raises(SystemExit):
        national_seed(years=1, forces=2, scale=0.01, seed=7, now=NOW)
