from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from misper.audit.models import AccessEvent
from misper.audit.selectors import LogFilter, access_log_csv, access_log_search
from misper.audit.services import access_record, audit_chain_verify


class Command(BaseCommand):
    help = (
        "Access log tools. 'misper audit verify' checks the hash chain and exits 1 if it is broken; "
        "'misper audit export --purpose WHY [--user NAME] [--record-type T]' writes the log as CSV to "
        "stdout (and logs the export)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "export"])
        parser.add_argument("--purpose", default="")
        parser.add_argument("--user", default="")
        parser.add_argument("--record-type", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self.export(options)
            return
        problems = audit_chain_verify()
        if problems:
            for p in problems[:50]:
                self.stderr.write(p)
            raise CommandError(f"The access log has been tampered with: {len(problems)} problem(s).")
        self.stdout.write(f"Access log intact: {AccessEvent.objects.count()} events verified.")

    def export(self, options: dict[str, Any]) -> None:
        if not options["purpose"].strip():
            raise CommandError("Say why you are exporting the access log: --purpose '…'.")
        f = LogFilter(username=options["user"], record_type=options["record_type"])
        with transaction.atomic():
            events = list(access_log_search(f).order_by("pk"))
            access_record(
                user=None,
                action="export",
                record_type="access_event",
                record_ids=[e.pk for e in events],
                purpose=f"stated: {options['purpose'].strip()} (command line)",
            )
        for line in access_log_csv(events):
            self.stdout.write(line, ending="")
