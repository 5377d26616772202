"""``misper national import FILE...``, ``misper national relink`` and ``misper national demo``: the
national view's data."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from misper.national.models import NationalRecord
from misper.national.services import national_import, national_relink, write_rejects

NOTHING_IMPORTED = "Nothing could be imported."


class Command(BaseCommand):
    help = "Import forces' national returns and link children across forces; or write demo returns."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import national return files (JSONL), then re-link")
        imp.add_argument("files", nargs="+", type=Path)
        sub.add_parser("relink", help="link every imported child again (after pushes through the API)")
        demo = sub.add_parser("demo", help="write and import synthetic returns for 3 forces")
        demo.add_argument("--out", type=Path, default=Path("national-demo"), help="folder for the files")
        demo.add_argument("--seed", type=int, default=2016)
        demo.add_argument("--months", type=int, default=3, help="the demo force's last N months (default 3)")
        demo.add_argument("--no-import", action="store_true", help="only write the files")
        demo.add_argument(
            "--if-empty", action="store_true", help="do nothing if the national view already holds records"
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["action"] == "relink":
            self.stdout.write(f"Linked into {national_relink()} children.")
            return
        if options["action"] == "demo":
            from misper.national.demo import write_demo_returns

            if options["if_empty"] and NationalRecord.objects.exists():
                self.stdout.write("The national view already holds records; nothing to do.")
                return

            files = write_demo_returns(
                options["out"],  # type: ignore[arg-type]
                seed=options["seed"],  # type: ignore[arg-type]
                months=options["months"],  # type: ignore[arg-type]
            )
            self.stdout.write("Wrote " + ", ".join(str(f) for f in files))
            if options["no_import"]:
                return
        else:
            files = options["files"]  # type: ignore[assignment]
        self._import(files)  # type: ignore[arg-type]

    def _import(self, files: list[Path]) -> None:
        imported = 0
        for path in files:
            if not path.is_file():
                sys.stderr.write(f"{path}: no such file\n")
                continue
            result = national_import(path=path)
            rejects = write_rejects(path, result.rejects)
            for reject in result.rejects:
                sys.stderr.write(f"{path}: line {reject.line}: {' '.join(reject.errors)}\n")
            imported += result.created + result.updated + result.unchanged
            self.stdout.write(
                f"{path}: {result.created} new, {result.updated} changed, {result.unchanged} unchanged, "
                f"{len(result.rejects)} rejected" + (f" (see {rejects})" if rejects else "")
            )
        if not imported:
            raise CommandError(NOTHING_IMPORTED, returncode=2)
        self.stdout.write(f"Linked into {national_relink()} children.")
