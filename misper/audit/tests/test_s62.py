"""DPA 2018 s.62: collection, alteration, consultation, disclosure, combination and erasure are each logged
(who, when, which records) by the service that does them, and every action misper's code records belongs
to one category (``misper.audit.categories``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from misper.audit.categories import S62_CATEGORIES, s62_category
from misper.audit.models import AccessEvent
from misper.audit.retention.services import retention_dispose
from misper.audit.sealer import audit_seal
from misper.audit.tests.test_retention import _closed_episode, auditor  # noqa: F401  (a fixture)
from misper.audit.verify import audit_verify
from misper.episodes.tests.test_lifecycle_api import report_doc
from misper.national.services import national_import, national_relink
from misper.national.tests.test_services import doc, write
from misper.notifications.alerts import alerts_for_event
from tests.factories import child_make, episode_make, episode_version

pytestmark = pytest.mark.django_db
MISPER = Path(__file__).resolve().parents[2]
LOGGING_CALLS = {"access_record", "dashboard_read"}


def _recorded_actions() -> dict[str, str]:
    """Every literal ``action=`` passed to the access log by misper's code, with where it is."""
    found: dict[str, str] = {}
    for path in MISPER.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            for kw in node.keywords if name in LOGGING_CALLS else ():
                if kw.arg == "action" and isinstance(kw.value, ast.Constant):
                    found[str(kw.value.value)] = f"{path.relative_to(MISPER.parent)}:{node.lineno}"
    return found


def test_every_action_the_code_records_has_an_s62_category():
    found = _recorded_actions()
    assert len(found) > 10  # the scan sees the code
    unknown = {
        action: where
        for action, where in found.items()
        if action not in set().union(*S62_CATEGORIES.values())
    }
    assert not unknown, f"Add these actions to misper/audit/categories.py: {unknown}"
    assert {s62_category(a) for a in found} == set(S62_CATEGORIES)  # each category is recorded somewhere
    with pytest.raises(KeyError):
        s62_category("peek")


def _events(category: str, record_type: str | None = None) -> list[AccessEvent]:
    events = AccessEvent.objects.filter(action__in=S62_CATEGORIES[category])
    return list(events.filter(record_type=record_type) if record_type else events)


def test_collection_alteration_and_consultation_of_an_episode_are_logged(world, api_as):
    client = api_as(world.calltaker)
    eid = client.post_json("/api/v1/episodes", report_doc(ref="C-S62")).json()["id"]
    client.post_json(
        f"/api/v1/episodes/{eid}/found",
        {"version": episode_version(eid), "found_at": timezone.now().isoformat()},
    )
    assert client.get_json(f"/api/v1/episodes/{eid}").status_code == 200
    for category in ("collection", "alteration", "consultation"):
        events = [e for e in _events(category, "episode") if str(eid) in e.record_ids]
        assert events, category
        assert (events[0].username, events[0].agency_code) == ("calltaker", "test-force")


def test_disclosure_to_partners_and_by_export_is_logged(world, capsys):
    episode = episode_make(child_make(world.force, placing_authority=world.la))
    alerts_for_event(event="episode.reported", episode=episode)  # an alert queued to the placing authority
    assert [e.record_ids for e in _events("disclosure", "episode")] == [[str(episode.pk)]]
    call_command("audit", "export", "--purpose", "Subject access request 12")
    assert _events("disclosure", "access_event")


def test_combination_by_national_import_and_linkage_is_logged(tmp_path):
    path = write(tmp_path, "r.jsonl", [doc("alpha", "1", "Jessica", "Smith", "2011-04-09")])
    national_import(path=path)
    national_relink()
    assert {e.record_type for e in _events("combination")} == {"national_record", "person_link"}


def test_erasure_by_retention_disposal_is_logged_and_the_log_still_verifies(world, auditor):  # noqa: F811
    episode = _closed_episode(world, "C-S62-E", "s62-e")
    retention_dispose(record_type="episode", record_id=episode.pk, reason="Due", acting_user=auditor)
    erased = _events("erasure")
    assert {(e.record_type, e.username) for e in erased} == {("episode", "auditor"), ("child", "auditor")}
    audit_seal()
    assert audit_verify().problems == []
