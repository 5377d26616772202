from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from misper.audit.backup import BackupError, backup_restore, backup_verify
from misper.audit.keys import AuditKeyError


class Command(BaseCommand):
    help = (
        "Verify a backup made by 'misper backup' (its signed manifest, the access log's counts, keyed chain "
        "and checkpoints) and, only if it verifies, replace the database's contents with it. "
        "'--check' verifies and stops."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--check", action="store_true", help="verify the backup only; change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            check = backup_verify(path)[0] if options["check"] else backup_restore(path)
        except (BackupError, AuditKeyError) as exc:
            raise CommandError(str(exc)) from exc
        except subprocess.CalledProcessError as exc:
            raise CommandError(f"The restore failed: {exc.stderr.decode(errors='replace')[:2000]}") from exc
        for note in check.notes:
            self.stdout.write(note)
        if check.problems:
            for p in check.problems:
                self.stderr.write(p)
            raise CommandError(
                f"The backup does not verify, so nothing was restored: {len(check.problems)} problem(s)."
            )
        done = "verifies" if options["check"] else "verified and restored"
        self.stdout.write(f"The backup {path} {done}.")
