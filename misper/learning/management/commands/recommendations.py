"""``misper recommendations load-hmic-2016 [--force CODE]``: seed the tracker with the 2016 inspection's
recommendations (paraphrased public policy text). Safe to run again: existing references are kept."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from misper.accounts.models import Agency, AgencyKind
from misper.learning import hmic2016
from misper.learning.services import recommendations_load


class Command(BaseCommand):
    help = "Manage the recommendations tracker. Subcommand: load-hmic-2016."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=["load-hmic-2016"])
        parser.add_argument("--force", help="The police force's agency code (needed if there are several)")

    def handle(self, *args: Any, **options: Any) -> None:
        force = self._force(options.get("force"))
        created = recommendations_load(force=force, source=hmic2016.SOURCE, items=hmic2016.RECOMMENDATIONS)
        total = len(hmic2016.RECOMMENDATIONS)
        self.stdout.write(
            f"{force.name}: {created} added, {total - created} already there ({hmic2016.SOURCE})"
        )

    @staticmethod
    def _force(code: str | None) -> Agency:
        forces = Agency.objects.filter(kind=AgencyKind.POLICE_FORCE)
        if code:
            forces = forces.filter(code=code)
        found = list(forces[:2])
        if len(found) != 1:
            raise CommandError("Name the police force with --force CODE" if found else "No such police force")
        return found[0]
