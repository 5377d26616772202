from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from misper.audit.models import AccessEvent
from misper.audit.services import audit_chain_verify


class Command(BaseCommand):
    help = "Access log tools. 'misper audit verify' checks the hash chain and exits 1 if it is broken."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        problems = audit_chain_verify()
        if problems:
            for p in problems[:50]:
                self.stderr.write(p)
            raise CommandError(f"The access log has been tampered with: {len(problems)} problem(s).")
        self.stdout.write(f"Access log intact: {AccessEvent.objects.count()} events verified.")
