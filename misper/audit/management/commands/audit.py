from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError, transaction

from misper.audit.keys import AuditKeyError
from misper.audit.sealer import ChainBrokenError, audit_seal, checkpoint_now, sealer_run
from misper.audit.selectors import LogFilter, access_log_csv, access_log_search
from misper.audit.services import access_record
from misper.audit.verify import audit_verify


class Command(BaseCommand):
    help = (
        "Access log tools. 'misper audit verify [--checkpoints FILE]' checks the keyed chain against the "
        "newest checkpoint and exits 1 if anything is wrong; 'misper audit seal [--loop]' seals committed "
        "events (once, or as the long-running sealer) and writes a checkpoint; 'misper audit checkpoint' "
        "writes one now; 'misper audit export --purpose WHY [--user NAME] [--record-type T]' writes the "
        "log as CSV to stdout (and logs the export)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "seal", "checkpoint", "export"])
        parser.add_argument("--purpose", default="")
        parser.add_argument("--user", default="")
        parser.add_argument("--record-type", default="")
        parser.add_argument("--checkpoints", type=Path, default=None, help="verify: read checkpoints here")
        parser.add_argument("--loop", action="store_true", help="seal: keep sealing until stopped")
        parser.add_argument("--poll", type=float, default=0.2, help="seal --loop: seconds between looks")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "export":
                self.export(options)
            elif action == "seal":
                self.seal(options)
            elif action == "checkpoint":
                cp = checkpoint_now()
                self.stdout.write(f"Checkpoint written at event {cp.seq}." if cp else "Nothing sealed yet.")
            else:
                self.verify(options)
        except (AuditKeyError, ChainBrokenError) as exc:
            raise CommandError(str(exc)) from exc
        except OperationalError as exc:
            raise CommandError(
                f"The database cannot be reached, so the access log was not checked: {exc}"
            ) from exc

    def verify(self, options: dict[str, Any]) -> None:
        report = audit_verify(checkpoints=options["checkpoints"])
        for note in report.notes:
            self.stdout.write(note)
        if report.problems:
            for p in report.problems[:50]:
                self.stderr.write(p)
            raise CommandError(f"The access log does not verify: {len(report.problems)} problem(s).")
        self.stdout.write(f"Access log intact: {report.sealed} events verified.")

    def seal(self, options: dict[str, Any]) -> None:
        if not options["loop"]:
            self.stdout.write(f"Sealed {audit_seal()} events.")
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())  # seal what has committed, checkpoint, then stop
        self.stdout.write(f"misper audit seal: sealing the access log (every {options['poll']} s)")
        sealer_run(poll=options["poll"], stop=stop)

    def export(self, options: dict[str, Any]) -> None:
        if not options["purpose"].strip():
            raise CommandError("Say why you are exporting the access log: --purpose '…'.")
        f = LogFilter(username=options["user"], record_type=options["record_type"])
        with transaction.atomic():
            events = list(access_log_search(f, reader=None).order_by("pk"))  # the whole log
            access_record(
                user=None,
                action="export",
                record_type="access_event",
                record_ids=[e.pk for e in events],
                purpose=f"stated: {options['purpose'].strip()} (command line)",
            )
        for line in access_log_csv(events):
            self.stdout.write(line, ending="")
