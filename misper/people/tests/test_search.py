"""Name keys stay in step with names, and the indexed candidate search respects the access rule."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from misper.people.models import ChildAlias, ChildNameKey
from misper.people.search import child_name_keys_refresh, name_candidates, name_codes
from misper.people.selectors import child_search, visible_children
from tests.factories import child_make

pytestmark = pytest.mark.django_db


def _keys(child) -> set[str]:  # type: ignore[no-untyped-def]
    return set(ChildNameKey.objects.filter(child=child).values_list("name", flat=True))


def test_keys_follow_every_save_of_a_child_or_alias(world):
    child = child_make(world.force, given_name="Caitlin", family_name="O'Neil", preferred_name="Cait")
    assert _keys(child) == {"caitlin", "oneil", "cait"}
    alias = ChildAlias.objects.create(child=child, given_name="Kat", family_name="Jones")
    assert _keys(child) == {"caitlin", "oneil", "cait", "kat", "jones"}
    child.family_name = "Smith"
    child.save()
    assert "oneil" not in _keys(child)
    assert "smith" in _keys(child)
    alias.delete()  # keys left behind only add a candidate; scoring on the names on file drops it
    assert child not in [m.child for m in child_search(world.calltaker, name="Kat Jones")]
    child_name_keys_refresh(child_ids=[child.pk])
    assert _keys(child) == {"caitlin", "smith", "cait"}
    key = ChildNameKey.objects.get(child=child, name="smith")
    assert (key.metaphone, key.soundex) == name_codes("smith")


def test_refresh_rebuilds_keys_for_rows_written_in_bulk(world):
    child = child_make(world.force, given_name="Amir", family_name="Khan")
    ChildNameKey.objects.filter(child=child).delete()  # as after a bulk insert, which sends no signals
    assert child_name_keys_refresh(child_ids=[child.pk]) == 2
    assert _keys(child) == {"amir", "khan"}


def test_candidates_need_every_typed_part_and_stay_inside_the_visible_children(world):
    mine = child_make(world.force, given_name="Jayden", family_name="Clarke")
    only_given = child_make(world.force, given_name="Jayden", family_name="Price")
    theirs = child_make(world.other_force, given_name="Jayden", family_name="Clarke")
    found = name_candidates(visible_children(world.calltaker), "Jaydon Clark")
    assert found == [mine.pk]
    assert only_given.pk not in found
    assert theirs.pk not in found


def test_search_without_a_date_of_birth_uses_the_keys_and_ranks_exact_first(world):
    exact = child_make(world.force, given_name="Sophie", family_name="Wilson")
    sounds = child_make(world.force, given_name="Sofie", family_name="Willson")
    child_make(world.force, given_name="Sophie", family_name="Patel")
    found = [m.child for m in child_search(world.calltaker, name="Sophie Wilson")]
    assert found == [exact, sounds]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram matching is PostgreSQL only")
def test_trigrams_catch_a_misspelling_no_sound_code_catches(world):
    child = child_make(
        world.force, given_name="Bartholomew", family_name="Montgomery", date_of_birth=date(2012, 1, 2)
    )
    assert name_codes("mongtomery") != name_codes("montgomery")
    assert name_candidates(visible_children(world.calltaker), "Bartholomew Mongtomery") == [child.pk]
