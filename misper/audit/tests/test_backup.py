"""Backup, wipe, restore: every record comes back and the access log still verifies."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from misper.audit.models import AccessEvent
from misper.audit.services import audit_chain_verify
from misper.episodes.models import Episode, RiskAssessment
from misper.episodes.tests.test_lifecycle_api import report_doc
from misper.people.models import Child


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Child, Episode, RiskAssessment, AccessEvent)}


@pytest.mark.django_db(transaction=True)
def test_restore_into_an_empty_database_finds_every_record(world, api_as, tmp_path):
    client = api_as(world.calltaker)
    ids = [client.post_json("/api/v1/episodes", report_doc(ref=f"C-B{i}")).json()["id"] for i in range(3)]
    before = _counts()
    assert before["Episode"] == 3
    assert before["AccessEvent"] >= 3
    call_command("backup", str(tmp_path / "misper.backup"))
    call_command("flush", "--no-input")
    assert _counts() == dict.fromkeys(before, 0)
    call_command("restore", str(tmp_path / "misper.backup"))
    assert _counts() == before
    assert sorted(Episode.objects.values_list("pk", flat=True)) == sorted(ids)
    assert audit_chain_verify() == []
