from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from misper.audit.backup import database_backup


class Command(BaseCommand):
    help = "Write a consistent copy of the database to FILE (SQLite backup API, or pg_dump for PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        database_backup(options["file"])
        self.stdout.write(f"Backed up to {options['file']}.")
