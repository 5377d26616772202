"""Child abduction warning notices: police only; issue, breaches, field errors, nothing half-saved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.utils import timezone

from misper.core.errors import InvalidInput
from misper.episodes.documents import associates_section
from misper.partners import cawns
from misper.people.models import AbductionWarningNotice, Associate, ChildAssociate

pytestmark = pytest.mark.django_db


def _web(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _issue(pairs, **kw):  # type: ignore[no-untyped-def]
    adult = cawns.linked_adults(pairs.ours.child)[0]
    fields = {"associate": str(adult.pk), "issued_on": date.today() - timedelta(days=10), **kw}
    return cawns.cawn_issue(
        child_id=pairs.ours.child.pk, data=cawns.CawnInput(**fields), acting_user=pairs.calltaker
    )


def test_a_notice_issued_to_a_linked_adult_reaches_the_engine(pairs):  # type: ignore[no-untyped-def]
    cawn = _issue(pairs, expires_on=date.today() + timedelta(days=365))
    assert cawn.associate.family_name == "Trent"
    assert cawn.issued_by == pairs.calltaker
    assert [a["cawn_issued"] for a in associates_section(pairs.ours.child, timezone.now())] == [True]


def test_a_notice_to_someone_new_links_them_to_the_child_as_of_concern(pairs):  # type: ignore[no-untyped-def]
    data = cawns.CawnInput(
        associate=cawns.NEW_ADULT, issued_on=date.today(), new_given_name="Lee", new_family_name="Vance"
    )
    cawn = cawns.cawn_issue(child_id=pairs.ours.child.pk, data=data, acting_user=pairs.calltaker)
    link = ChildAssociate.objects.get(child=pairs.ours.child, associate=cawn.associate)
    assert link.of_concern is True


def test_bad_notice_names_every_field_and_saves_nothing(pairs):  # type: ignore[no-untyped-def]
    adults = Associate.objects.count()
    data = cawns.CawnInput(associate=cawns.NEW_ADULT, issued_on=date.today() + timedelta(days=1))
    with pytest.raises(InvalidInput) as exc:
        cawns.cawn_issue(child_id=pairs.ours.child.pk, data=data, acting_user=pairs.calltaker)
    assert {e.field for e in exc.value.errors} == {"new_given_name", "new_family_name", "issued_on"}
    theirs_adult = cawns.linked_adults(pairs.theirs.child)[0]  # not linked to our child
    data = cawns.CawnInput(
        associate=str(theirs_adult.pk), issued_on=date.today(), expires_on=date.today() - timedelta(days=1)
    )
    with pytest.raises(InvalidInput) as exc:
        cawns.cawn_issue(child_id=pairs.ours.child.pk, data=data, acting_user=pairs.calltaker)
    assert {e.field for e in exc.value.errors} == {"associate", "expires_on"}
    assert not AbductionWarningNotice.objects.exists()
    assert Associate.objects.count() == adults


def test_partners_never_reach_notices(pairs):  # type: ignore[no-untyped-def]
    cawn = _issue(pairs)
    for user in pairs.ours.users.values():
        with pytest.raises(PermissionDenied):
            cawns.police_child(user, pairs.ours.child.pk)
        with pytest.raises(PermissionDenied):
            cawns.cawn_breach_record(
                child_id=pairs.ours.child.pk,
                cawn_id=cawn.pk,
                data=cawns.BreachInput(on=date.today(), note="x"),
                acting_user=user,
            )
        assert _web(user).get(f"/children/{pairs.ours.child.pk}/cawns").status_code == 403


def test_breaches_are_recorded_in_order_and_checked(pairs):  # type: ignore[no-untyped-def]
    cawn = _issue(pairs)
    record = cawns.cawn_breach_record
    with pytest.raises(InvalidInput) as exc:
        record(
            child_id=pairs.ours.child.pk,
            cawn_id=cawn.pk,
            data=cawns.BreachInput(on=cawn.issued_on - timedelta(days=1), note=" "),
            acting_user=pairs.calltaker,
        )
    assert {e.message for e in exc.value.errors} == {cawns.BREACH_AFTER_ISSUE, cawns.ENTER_BREACH_NOTE}
    with pytest.raises(Http404):  # the notice is not on this child
        record(
            child_id=pairs.theirs.child.pk,
            cawn_id=cawn.pk,
            data=cawns.BreachInput(on=date.today(), note="Seen together"),
            acting_user=pairs.calltaker,
        )
    for note in ("Seen together at the station", "Picked her up from school"):
        record(
            child_id=pairs.ours.child.pk,
            cawn_id=cawn.pk,
            data=cawns.BreachInput(on=date.today(), note=note, follow_up="Arrested"),
            acting_user=pairs.calltaker,
        )
    cawn.refresh_from_db()
    assert [b["note"] for b in cawn.breaches] == ["Seen together at the station", "Picked her up from school"]


def test_cawn_pages_record_a_notice_and_a_breach_with_field_errors(pairs):  # type: ignore[no-untyped-def]
    client = _web(pairs.calltaker)
    url = f"/children/{pairs.ours.child.pk}/cawns"
    r = client.post(url, {"associate": cawns.NEW_ADULT, "issued_on": "2020-02-30"})
    page = r.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_issued_on"' in page
    assert not AbductionWarningNotice.objects.exists()
    adult = cawns.linked_adults(pairs.ours.child)[0]
    r = client.post(url, {"associate": str(adult.pk), "issued_on": date.today().isoformat()})
    assert r.status_code == 302
    cawn = AbductionWarningNotice.objects.get()
    r = client.post(f"{url}/{cawn.pk}/breaches", {f"b{cawn.pk}-on": date.today().isoformat()})
    page = r.content.decode()
    assert f'href="#id_b{cawn.pk}-note"' in page
    assert "<title>Error: " in page
    client.post(
        f"{url}/{cawn.pk}/breaches", {f"b{cawn.pk}-on": date.today().isoformat(), f"b{cawn.pk}-note": "Seen"}
    )
    assert "Seen" in client.get(url).content.decode()
