"""Importing national returns, re-linking and review decisions (database)."""

from __future__ import annotations

import json

import pytest

from misper.audit.models import AccessEvent
from misper.national.models import Decision, NationalRecord, PersonLink, ReviewPair
from misper.national.services import national_import, national_relink, review_decide

pytestmark = pytest.mark.django_db


def doc(source, ref, given, family, dob, episode="E1", **extra):
    child = {"ref": ref, "given_name": given, "family_name": family, "date_of_birth": dob, "sex": "female"}
    return {"format": "misper/1", "source": source, "child": child,
            "address": {"line": "1 Mill Lane", "town": "Dunmere", "postcode": "ZA1 1AA"},
            "episode": {"ref": episode, "reported_at": "2026-01-02T10:00:00+00:00", "status": "active",
                        "risk": "medium", "category": "missing", **extra}}  # fmt: skip


def away(d):
    """``d`` at another address: the child of the same name the model is unsure about."""
    return {**d, "address": {"line": "7 Quay Street", "town": "Portby", "postcode": "ZZ9 4QQ"}}


def write(tmp_path, name, lines):
    path = tmp_path / name
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines))
    return path


def test_import_is_idempotent_and_reports_bad_lines(tmp_path):
    path = write(tmp_path, "r.jsonl", [
        doc("alpha", "1", "Jessica", "Smith", "2011-04-09"),
        "not json",
        doc("alpha", "1", "Jessica", "Smith", "2011-04-09", episode="E2"),
        doc("alpha", "2", "Ann", "Jones", "2010-01-01", reported_at="yesterday"),
    ])  # fmt: skip
    first = national_import(path=path)
    assert (first.created, [r.line for r in first.rejects]) == (2, [2, 4])
    assert "report.reported_at" in " ".join(first.rejects[1].errors)
    before = list(NationalRecord.objects.values().order_by("pk"))
    again = national_import(path=path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert list(NationalRecord.objects.values().order_by("pk")) == before
    assert AccessEvent.objects.filter(action="combine", record_type="national_record").count() == 2


def test_import_is_one_transaction(tmp_path, monkeypatch):
    path = write(
        tmp_path,
        "r.jsonl",
        [doc("alpha", "1", "A", "B", "2011-04-09"), doc("alpha", "2", "C", "D", "2010-01-01")],
    )
    import misper.national.services as services

    def fail(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "access_record", fail)
    with pytest.raises(RuntimeError):
        national_import(path=path)
    assert NationalRecord.objects.count() == 0


def test_relink_joins_a_child_across_forces_and_reuses_decisions(tmp_path):
    path = write(tmp_path, "r.jsonl", [
        doc("alpha", "1", "Jessica", "Smith", "2011-04-09"),
        doc("bravo", "9", "Jess", "Smith", "2011-09-04"),
        away(doc("alpha", "3", "Jessica", "Smith", "2010-04-09")),
    ])  # fmt: skip
    national_import(path=path)
    national_relink()
    person = dict(PersonLink.objects.values_list("record__ref", "person_id"))
    assert person["1"] == person["9"] != person["3"]
    pair = ReviewPair.objects.get(
        left_ref="1", right_ref="3"
    )  # a year apart, another address: the model is unsure
    review_decide(pair=pair, decision=Decision.SAME, acting_user=None)
    person = dict(PersonLink.objects.values_list("record__ref", "person_id"))
    assert person["1"] == person["3"]
    pair.refresh_from_db()
    review_decide(pair=pair, decision=Decision.DIFFERENT, acting_user=None)
    national_relink()  # a later run still honours the decision
    person = dict(PersonLink.objects.values_list("record__ref", "person_id"))
    assert person["1"] != person["3"]
    assert ReviewPair.objects.get(pk=pair.pk).decision == Decision.DIFFERENT
