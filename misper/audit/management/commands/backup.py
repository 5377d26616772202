from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand, CommandError, CommandParser

from misper.audit.backup import BackupError, backup_create
from misper.audit.keys import AuditKeyError


class Command(BaseCommand):
    help = (
        "Write a signed copy of the database to FILE (created 0600; SQLite backup API or pg_dump), "
        "encrypted with MISPER_BACKUP_KEY when one is set. 'misper backup --new-key' prints a new key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, nargs="?")
        parser.add_argument("--new-key", action="store_true", help="print a new backup key and stop")
        parser.add_argument(
            "--no-encrypt", action="store_true", help="write it unencrypted even if a key is set"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(Fernet.generate_key().decode())
            return
        if options["file"] is None:
            raise CommandError("Say where to write the backup: misper backup FILE.")
        try:
            manifest = backup_create(path=options["file"], encrypt=False if options["no_encrypt"] else None)
        except (BackupError, AuditKeyError) as exc:
            raise CommandError(str(exc)) from exc
        how = "encrypted" if manifest.encrypted else "not encrypted: set MISPER_BACKUP_KEY to encrypt backups"
        self.stdout.write(
            f"Backed up to {options['file']} ({how}); access log: {manifest.events} events, "
            f"sealed up to event {manifest.head_seq}."
        )
