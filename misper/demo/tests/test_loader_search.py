"""The seeded demo can be searched like live data: the loader builds the same name index the services do."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from misper.accounts.models import User
from misper.demo.generator import generate_plan
from misper.demo.loader import load_plan
from misper.people.models import Child, ChildAlias, ChildNameKey
from misper.people.search import child_name_keys_refresh

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 1, 18, 30, tzinfo=UTC)
URL = "/api/v1/children/search"


def _index() -> set[tuple[int, str, str, str]]:
    return set(ChildNameKey.objects.values_list("child_id", "name", "metaphone", "soundex"))


def _misspell(name: str) -> str:
    """One letter doubled in the middle: 'Olivia' → 'Oliivia' (what a hurried call handler types)."""
    middle = len(name) // 2
    return name[:middle] + name[middle] + name[middle:]


@pytest.fixture
def seeded() -> list[Child]:
    load_plan(generate_plan(seed=7, scale=0.03, now=NOW))
    return list(Child.objects.filter(force__code="demo-force").order_by("pk"))


def test_the_loader_writes_the_name_index_the_services_would(seeded: list[Child]) -> None:
    loaded = _index()
    assert loaded, "the loader wrote no name keys"
    child_name_keys_refresh(child_ids=[c.pk for c in seeded])  # what saving each child would write
    assert loaded == _index()
    assert {pk for pk, *_ in loaded} == {c.pk for c in seeded}


def test_the_api_finds_a_demo_child_by_exact_name_misspelling_and_nickname(
    seeded: list[Child], api_as
) -> None:  # type: ignore[no-untyped-def]
    nickname = ChildAlias.objects.filter(kind=ChildAlias.Kind.NICKNAME, child__in=seeded).first()
    assert nickname is not None, "the demo has children with nicknames"
    child = nickname.child
    client = api_as(User.objects.get(username="demo-calltaker"))
    for typed in (
        child.full_name,
        f"{_misspell(child.given_name)} {child.family_name}",
        f"{nickname.given_name} {child.family_name}",
    ):
        body = client.post_json(URL, {"name": typed}).json()
        assert child.pk in [item["id"] for item in body["items"]], typed


def test_every_demo_flag_and_link_is_one_the_services_write_with_the_same_rows(seeded: list[Child]) -> None:
    """The loader bulk-inserts flags and links for speed; written again through the services a person
    uses (``flag_add``, ``associate_link``), each gives the same row in every column the engine, the
    board and the partner views read, and the same misper/1 document for the engine."""
    from django.utils import timezone

    from misper.episodes.documents import associates_section, child_section
    from misper.people.concern import associate_link
    from misper.people.flags import flag_add
    from misper.people.models import ChildAssociate, VulnerabilityFlag

    officer = User.objects.get(username="demo-coordinator")
    now = timezone.now()
    linked = [c for c in seeded if c.associate_links.exists()]
    assert linked, "the demo links adults to children"
    for child in linked + [c for c in seeded if c.flags.exists()][:20]:
        before = (child_section(child, now)["vulnerabilities"], associates_section(child, now))
        links = list(
            child.associate_links.values_list(
                "associate_id", "relationship", "of_concern", "concern", "source"
            )
        )
        current = [f for f in child.flags.all() if f.is_current(now.date())]
        flags = [(f.code, f.source) for f in current]
        ChildAssociate.objects.filter(child=child).delete()
        VulnerabilityFlag.objects.filter(child=child).delete()
        for code, source in flags:
            flag_add(child_id=child.pk, code=code, source=source or "Demo", acting_user=officer)
        for person, relationship, _, concern, source in links:
            associate_link(
                acting_user=officer,
                child_id=child.pk,
                person_id=person,
                relationship=relationship,
                concern=concern,
                source=source,
            )
        again = list(
            child.associate_links.values_list(
                "associate_id", "relationship", "of_concern", "concern", "source"
            )
        )
        assert sorted(again) == sorted(links), child.ref
        assert (child_section(child, now)["vulnerabilities"], associates_section(child, now)) == before, (
            child.ref
        )
