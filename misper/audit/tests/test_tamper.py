"""``misper audit verify`` against an attacker who can write to the database but does not hold the key.

Each test plants one tamper and checks that verify fails and says, in words, what it found: an edited
event, a removed middle event (the missing range), the last events removed (against the checkpoint), the
whole chain recomputed with misper's own link function but without the key, and a wrong or missing key.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from misper.audit.models import AccessEvent
from misper.audit.sealer import audit_seal
from misper.audit.services import access_record
from misper.audit.tests.tamper import rewrite_chain, trigger_off
from misper.audit.verify import audit_verify

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[3]


def _events(world, n: int) -> None:
    for i in range(n):
        user = world.calltaker if i % 3 else world.supervisor
        access_record(user=user, action="view", record_type="episode", record_ids=[i])
    audit_seal()


def _verify_fails(capsys) -> str:
    with pytest.raises(CommandError, match="does not verify"):
        call_command("audit", "verify")
    return capsys.readouterr().err


def test_an_untouched_log_verifies(world, capsys):
    _events(world, 5)
    call_command("audit", "verify")
    assert "Access log intact: 5 events verified." in capsys.readouterr().out


def test_an_edited_event_is_named(world, capsys):
    _events(world, 5)
    with trigger_off():
        AccessEvent.objects.filter(seq=3).update(record_ids=["999"])
    assert "Event 3 was changed after it was sealed" in _verify_fails(capsys)


def test_a_deleted_middle_event_is_named_as_a_missing_range(world, capsys):
    _events(world, 5)
    with trigger_off():
        AccessEvent.objects.filter(seq=3).delete()
    assert "event 3 missing from the access log" in _verify_fails(capsys).lower()


def test_the_last_events_deleted_are_caught_by_the_checkpoint(world, capsys):
    _events(world, 25)
    with trigger_off():
        AccessEvent.objects.filter(seq__gt=5).delete()
    err = _verify_fails(capsys)
    assert "events 6 to 25 missing from the end of the access log" in err


def test_a_chain_recomputed_without_the_key_is_caught(world, capsys, settings):
    settings.DEMO_MODE, settings.MISPER_AUDIT_KEY = False, "2026-a:" + "a" * 40  # as in production
    _events(world, 12)
    with trigger_off():  # remove one user's events, then make the chain look whole again
        AccessEvent.objects.filter(username="supervisor").delete()
    rewrite_chain()
    assert AccessEvent.objects.count() == 8
    err = _verify_fails(capsys)
    assert "None of the 8 events sealed with key '2026-a' verify" in err
    assert "records another access log, up to event 12" in err  # its event 1 changed, so its identity did


def test_events_sealed_with_a_key_not_given_say_which_key_is_needed(world, settings):
    settings.MISPER_AUDIT_KEY = "2026-a:" + "a" * 40
    _events(world, 3)
    settings.MISPER_AUDIT_KEY = "2026-b:" + "b" * 40
    problems = audit_verify().problems
    assert any("3 events are sealed with key '2026-a', which is not available here" in p for p in problems)


def test_a_wrong_secret_for_the_key_id_is_said_so(world, settings, capsys):
    settings.MISPER_AUDIT_KEY = "2026-a:" + "a" * 40
    _events(world, 3)
    settings.MISPER_AUDIT_KEY = "2026-a:" + "z" * 40
    assert "is not the one that wrote the checkpoints" in _verify_fails(capsys)


def test_rotated_keys_both_verify_from_a_key_file(world, settings, tmp_path):
    settings.MISPER_AUDIT_KEY = "2026-a:" + "a" * 40
    _events(world, 2)
    keyfile = tmp_path / "keys"
    keyfile.write_text(f"# old key first, current key last\n2026-a:{'a' * 40}\n2026-b:{'b' * 40}\n")
    settings.MISPER_AUDIT_KEY, settings.MISPER_AUDIT_KEY_FILE = "", str(keyfile)
    _events(world, 2)
    assert set(AccessEvent.objects.values_list("key_id", flat=True)) == {"2026-a", "2026-b"}
    assert audit_verify().problems == []


def test_a_short_or_malformed_key_is_refused_in_words(world, settings, capsys):
    _events(world, 1)
    for bad in ("no-colon-here", "k:short"):
        settings.MISPER_AUDIT_KEY = bad
        assert "MISPER_AUDIT_KEY" in _verify_fails(capsys)


def test_a_damaged_or_missing_checkpoint_file_is_a_finding_not_a_crash(world, settings, tmp_path, capsys):
    _events(world, 2)
    damaged = tmp_path / "damaged.log"
    damaged.write_text("misper-audit-checkpoint {not json\n")
    settings.MISPER_AUDIT_CHECKPOINTS = f"file:{damaged}"
    assert "is damaged" in _verify_fails(capsys)
    settings.MISPER_AUDIT_CHECKPOINTS = f"file:{tmp_path / 'absent.log'}"
    assert "No checkpoint found" in _verify_fails(capsys)


def test_production_refuses_to_start_without_an_access_log_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith("MISPER_AUDIT_KEY")}
    env |= {
        "MISPER_ENV": "production",
        "MISPER_SECRET_KEY": secrets.token_urlsafe(50),
        "PYTHONPATH": str(REPO),
    }
    done = subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='misper.config.settings'; django.setup()"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert "will not start in production without an access log key" in done.stderr


def test_the_sealer_will_not_anchor_a_log_whose_last_events_were_removed(world, capsys):
    _events(world, 10)
    with trigger_off():
        AccessEvent.objects.filter(seq__gt=5).delete()
    access_record(user=world.calltaker, action="view", record_type="episode", record_ids=[99])
    with pytest.raises(CommandError, match="no longer matches its newest checkpoint"):
        call_command("audit", "seal")  # else the next checkpoint would record the shortened log as whole
    assert "events 6 to 10 missing from the end of the access log" in _verify_fails(capsys)


def test_in_production_an_emptied_log_is_caught_and_no_new_log_starts_over_it(world, settings, capsys):
    settings.DEMO_MODE, settings.MISPER_AUDIT_KEY = False, "2026-a:" + "a" * 40
    _events(world, 4)
    with trigger_off():
        AccessEvent.objects.all().delete()
    access_record(user=world.calltaker, action="view", record_type="episode", record_ids=[1])
    with pytest.raises(CommandError, match="will not start a new access log over it"):
        call_command("audit", "seal")
    assert "this database's access log was emptied or replaced" in _verify_fails(capsys)
