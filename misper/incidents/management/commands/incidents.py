"""``misper incidents import FILE --as USERNAME``: a batch of incidents from command and control, one JSON
document a line (docs/incidents.md). Good lines are imported; each bad line is reported on stderr by its
number with the field and the problem, and the command then exits 2."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from misper.accounts.models import User
from misper.incidents.imports import incidents_import


class Command(BaseCommand):
    help = "Incidents from command and control: import a file of JSON lines as a force's account."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a JSON-lines file of incidents")
        imp.add_argument("file", type=Path)
        imp.add_argument(
            "--as",
            dest="username",
            required=True,
            help="the force account the incidents come from: a call handler or supervisor",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user {options['username']}.", returncode=2)
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        try:
            result = incidents_import(path=path, acting_user=user)
        except PermissionDenied as exc:
            raise CommandError(str(exc), returncode=2) from exc
        for reject in result.rejects:
            sys.stderr.write(f"{path}: line {reject.line}: {'; '.join(reject.errors)}\n")
        self.stdout.write(
            f"{path}: {result.created} new, {result.changed} changed, {result.unchanged} unchanged, "
            f"{len(result.rejects)} rejected; {result.with_episode} with an episode."
        )
        if result.rejects:
            raise CommandError(f"{len(result.rejects)} line(s) rejected.", returncode=2)
