from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from misper.web.catalogue import catalogues_compile, po_files


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # the catalogue check would warn about what this fixes
    help = (
        "Compile misper's translation catalogues (misper/locale/*/LC_MESSAGES/django.po) to the .mo files "
        "Django reads, in pure Python (no GNU gettext needed). Writes only those that changed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        written = catalogues_compile()
        if options["verbosity"] < 1:
            return
        for mo in written:
            self.stdout.write(f"Compiled {mo}")
        if not written:
            self.stdout.write(f"{len(po_files())} catalogue(s) already compiled.")
