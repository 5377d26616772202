"""Everything the engine used is visible to police: an associate the engine counts as of concern (here by
age alone, never recorded as of concern) is on the child page, the episode page and the briefing sheet,
with the engine's reason, and on none of them for a partner or another force."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from misper.episodes.models import Episode, RiskAssessment
from misper.people.models import Associate, ChildAssociate
from tests.factories import child_make

pytestmark = pytest.mark.django_db


def client_as(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def child_with_older_boyfriend(world):  # type: ignore[no-untyped-def]
    child = child_make(world.force, given_name="Ruby", family_name="Older", date_of_birth=date(2012, 3, 1))
    adult = Associate.objects.create(
        force=world.force, given_name="Dean", family_name="Hallow", date_of_birth=date(1994, 1, 1)
    )
    ChildAssociate.objects.create(child=child, associate=adult, relationship="boyfriend")  # not of concern
    return child


def _report(world, child) -> Episode:  # type: ignore[no-untyped-def]
    from misper.episodes.tests.test_views import report_form

    resp = client_as(world.calltaker).post(f"/children/{child.pk}/report", report_form())
    assert resp.status_code == 302, resp.content.decode()[:2000]
    return Episode.objects.filter(child=child).latest("pk")


def test_an_older_boyfriend_the_engine_counted_is_on_every_police_page(world, child_with_older_boyfriend):
    child = child_with_older_boyfriend
    episode = _report(world, child)
    reasons = RiskAssessment.objects.get(episode=episode).result["reasons"]
    assert any(r["code"] == "associate_of_concern" for r in reasons), "the engine counted him"
    police = client_as(world.calltaker)
    for url in (f"/children/{child.pk}", f"/episodes/{episode.pk}", "/briefing?beat=DM01"):
        html = police.get(url).content.decode()
        assert "Dean Hallow" in html, url
        assert "is a boyfriend aged" in html, url
        assert "years older than the child" in html, url
    for outsider in (world.socialworker, world.other_force_officer):
        for url in (f"/children/{child.pk}", f"/episodes/{episode.pk}"):
            resp = client_as(outsider).get(url)
            assert "Dean Hallow" not in resp.content.decode(), (outsider, url)


def test_a_family_member_the_engine_ignores_is_not_listed_as_of_concern(world):  # type: ignore[no-untyped-def]
    child = child_make(world.force, given_name="Ava", family_name="Kin", date_of_birth=date(2012, 3, 1))
    uncle = Associate.objects.create(
        force=world.force, given_name="Uncle", family_name="Kin", date_of_birth=date(1980, 1, 1)
    )
    ChildAssociate.objects.create(child=child, associate=uncle, relationship="family")
    html = client_as(world.calltaker).get(f"/children/{child.pk}").content.decode()
    assert "None on file." in html
