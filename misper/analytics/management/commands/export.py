"""``misper export national --period YYYY-MM [--out FILE] [--force CODE]``: the national return.

Writes the national return JSONL (docs/national-return.md) to FILE (or standard output) and logs the
disclosure. A bad period, key or force is a one-line error and exit status 2; nothing is written.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from misper.analytics.national_return import national_return_write
from misper.core.errors import InvalidInput

ACTOR_NAME = "misper export national"


class CommandActor:
    """Who the access log names for a disclosure made from the command line."""

    pk = None
    agency = None
    role = "command_line"

    def __init__(self) -> None:
        self.username = f"{ACTOR_NAME} ({os.environ.get('USER', 'unknown user')})"


class Command(BaseCommand):
    help = "Export data for other bodies. 'national': the national return (version 2) for one month."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        national = sub.add_parser("national", help="The national return (JSONL) for one month")
        national.add_argument("--period", required=True, help="The month, as YYYY-MM")
        national.add_argument("--out", help="File to write (default: standard output)")
        national.add_argument("--force", dest="force_code", help="The police force's code")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            written = self._write(options)
        except InvalidInput as exc:
            self.stderr.write(f"Error: {exc}")
            sys.exit(2)
        self.stderr.write(f"Wrote {written.lines} episodes for {written.force}, {written.period}.")

    def _write(self, options: dict[str, Any]) -> Any:
        out = options.get("out")
        if not out:
            buffer = io.StringIO()
            written = national_return_write(
                period=options["period"],
                out=buffer,
                force_code=options.get("force_code"),
                actor=CommandActor(),
            )
            self.stdout.write(buffer.getvalue(), ending="")
            return written
        target = Path(out)
        # Write beside the target, then rename: a failed export leaves no partial file.
        fd, tmp = tempfile.mkstemp(dir=target.parent or Path("."), prefix=".national-", suffix=".jsonl")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                written = national_return_write(
                    period=options["period"],
                    out=fh,
                    force_code=options.get("force_code"),
                    actor=CommandActor(),
                )
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return written
