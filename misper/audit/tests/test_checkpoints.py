"""Checkpoints outside the database: to syslog (a central log store), verified later from a copy of it."""

from __future__ import annotations

import socket

import pytest
from django.core.management import CommandError, call_command

from misper.audit.sealer import audit_seal
from misper.audit.services import access_record

pytestmark = pytest.mark.django_db


def test_checkpoints_sent_to_syslog_verify_from_a_copy_of_that_log(world, settings, tmp_path, capsys):
    collector = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    collector.bind(("127.0.0.1", 0))
    collector.settimeout(5)
    settings.MISPER_AUDIT_CHECKPOINTS = f"syslog:127.0.0.1:{collector.getsockname()[1]}"
    for i in range(3):
        access_record(user=world.calltaker, action="view", record_type="episode", record_ids=[i])
    audit_seal()
    received = collector.recv(65536).decode()
    collector.close()
    assert "misper-audit-checkpoint" in received
    with pytest.raises(CommandError):  # the sink cannot be read back: verify asks for a copy, in words
        call_command("audit", "verify")
    assert "give a copy of that log with --checkpoints FILE" in capsys.readouterr().err
    copy = tmp_path / "syslog-copy.log"
    copy.write_text(f"Dec  7 23:10:00 host misper: {received}\n")  # as a syslog server stores it
    call_command("audit", "verify", "--checkpoints", str(copy))
    assert "Access log intact: 3 events verified." in capsys.readouterr().out
