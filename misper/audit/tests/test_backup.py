"""Backup, wipe, restore: every record comes back and the access log still verifies; a forged, changed or
wrongly keyed backup is refused before anything is written; backup files are private and encrypted."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from misper.audit.backup import backup_log
from misper.audit.backup_file import MAGIC, backup_file_read, payload_digest
from misper.audit.chain import GENESIS, link
from misper.audit.models import AccessEvent
from misper.audit.sealer import audit_seal
from misper.audit.services import access_record, audit_chain_verify
from misper.audit.tests.tamper import GUESSED_KEY, rewrite_chain, trigger_off
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


def _events(world, n: int) -> None:
    for i in range(n):
        user = world.calltaker if i % 3 else world.supervisor
        access_record(user=user, action="view", record_type="episode", record_ids=[i])
    audit_seal()


def _live() -> list[tuple[int, int | None, str]]:
    return list(AccessEvent.objects.order_by("pk").values_list("pk", "seq", "hash"))


def _forge_sqlite_backup(path: Path) -> None:
    """Remove the supervisor's events from the copy inside, recompute its chain with a guessed key, and
    fix the manifest's counts and digest — everything but its HMAC, which needs the access log key."""
    manifest, payload = backup_file_read(path)
    copy = path.with_suffix(".copy")
    copy.write_bytes(payload)
    db = sqlite3.connect(copy)
    db.execute("DELETE FROM audit_accessevent WHERE username = 'supervisor'")
    prev = GENESIS
    for n, row in enumerate(backup_log(copy).sealed, 1):
        row.seq = n
        row.hash = link(row, prev, GUESSED_KEY)
        db.execute(
            "UPDATE audit_accessevent SET seq=?, prev_hash=?, hash=? WHERE id=?", (-n, prev, row.hash, row.id)
        )
        prev = row.hash
    db.execute("UPDATE audit_accessevent SET seq = -seq WHERE seq < 0")
    db.commit()
    db.close()
    forged = copy.read_bytes()
    log = backup_log(copy)
    fields = {
        **manifest.__dict__,
        "payload_sha256": payload_digest(forged),
        "events": log.unsealed + len(log.sealed),
    }
    fields |= {"sealed": len(log.sealed), "head_seq": log.head[0], "head_hash": log.head[1]}
    path.write_bytes(MAGIC + json.dumps(fields).encode() + b"\n" + forged)


sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="edits the SQLite file inside the backup"
)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_forged_backup_is_refused_before_anything_is_written(world, tmp_path):
    _events(world, 6)
    backup = tmp_path / "misper.backup"
    call_command("backup", str(backup))
    _forge_sqlite_backup(backup)
    _events(world, 2)  # the live log moves on, so a restore would show
    before, episodes = _live(), Episode.objects.count()
    with pytest.raises(CommandError, match="nothing was restored"):
        call_command("restore", str(backup))
    assert (_live(), Episode.objects.count()) == (before, episodes)
    assert audit_chain_verify() == []


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_a_log_rewritten_without_the_key_is_refused(world, tmp_path, capsys):
    _events(world, 6)
    clean = tmp_path / "clean.backup"
    call_command("backup", str(clean))
    with trigger_off():
        AccessEvent.objects.filter(username="supervisor").delete()
    rewrite_chain()
    forged = tmp_path / "forged.backup"
    call_command("backup", str(forged))  # misper signs the manifest, but the chain inside does not verify
    call_command("restore", str(clean))
    before = _live()
    with pytest.raises(CommandError, match="nothing was restored"):
        call_command("restore", str(forged))
    assert "sealed with key 'demo' verify" in capsys.readouterr().err
    assert _live() == before


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_changed_byte_or_a_changed_manifest_is_refused(world, tmp_path, capsys):
    _events(world, 3)
    backup = tmp_path / "misper.backup"
    call_command("backup", str(backup))
    data = backup.read_bytes()
    flipped = tmp_path / "flipped.backup"
    flipped.write_bytes(data[:-100] + bytes([data[-100] ^ 1]) + data[-99:])
    relabelled = tmp_path / "relabelled.backup"
    relabelled.write_bytes(data.replace(b'"events":3', b'"events":2', 1))
    for path, said in (
        (flipped, "copy inside the backup was changed"),
        (relabelled, "manifest is not genuine"),
    ):
        with pytest.raises(CommandError, match="nothing was restored"):
            call_command("restore", str(path))
        assert said in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_backups_are_private_encrypted_with_the_key_and_refused_without_it(world, tmp_path, settings, capsys):
    _events(world, 3)
    first_key = Fernet.generate_key().decode()
    settings.MISPER_BACKUP_KEY = first_key
    backup = tmp_path / "misper.backup"
    call_command("backup", str(backup))
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert b"calltaker" not in backup.read_bytes()  # the access log's usernames are inside, encrypted
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(backup))
    for key in (Fernet.generate_key().decode(), ""):
        settings.MISPER_BACKUP_KEY = key
        with pytest.raises(CommandError, match=r"decrypted|MISPER_BACKUP_KEY"):
            call_command("restore", str(backup))
    settings.MISPER_BACKUP_KEY_FILE = str(tmp_path / "keys")  # the old key kept beside a newer one
    Path(settings.MISPER_BACKUP_KEY_FILE).write_text(f"{first_key}\n")
    settings.MISPER_BACKUP_KEY = Fernet.generate_key().decode()
    call_command("restore", str(backup))
    assert "verified and restored" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_restoring_an_older_backup_says_what_is_lost_and_the_log_then_verifies(world, tmp_path, capsys):
    _events(world, 3)
    backup = tmp_path / "misper.backup"
    call_command("backup", str(backup))
    _events(world, 4)
    call_command("restore", str(backup))
    assert "the 4 events recorded after the backup are no longer in the log" in capsys.readouterr().out
    assert AccessEvent.objects.count() == 3
    assert audit_chain_verify() == []
