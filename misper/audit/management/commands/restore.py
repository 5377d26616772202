from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from misper.audit.backup import database_restore
from misper.audit.services import audit_chain_verify


class Command(BaseCommand):
    help = (
        "Replace the database's contents with a backup made by 'misper backup', then verify the access log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            database_restore(options["file"])
        except FileNotFoundError as exc:
            raise CommandError(f"No backup at {options['file']}.") from exc
        except subprocess.CalledProcessError as exc:
            raise CommandError(f"The restore failed: {exc.stderr.decode(errors='replace')[:2000]}") from exc
        problems = audit_chain_verify()
        if problems:
            raise CommandError(f"Restored, but the access log does not verify: {len(problems)} problem(s).")
        self.stdout.write(f"Restored from {options['file']}; access log verified.")
