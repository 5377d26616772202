"""``misper analytics refresh [--since ISO-DATETIME]``: bring the dashboard's fact table up to date.

Without ``--since`` every episode's facts are recomputed (minutes at national scale); with it, only
those of people changed since then. Idempotent: running it twice writes the same rows. The alert worker
runs the incremental refresh every minute, so this is for a first fill, or after changing
the force's repeat window (its risk policy) or the national one.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from misper.analytics.facts import facts_refresh

BAD_SINCE = "--since must be a date and time, for example 2026-03-01T09:00"


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise CommandError(BAD_SINCE)
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


class Command(BaseCommand):
    help = "Analytics upkeep. 'refresh': bring the dashboard's fact table up to date."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        refresh = sub.add_parser("refresh", help="Refresh the dashboard's facts (all, or changed since)")
        refresh.add_argument("--since", help="Only people changed at or after this date and time")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            since = _since(options.get("since"))
        except ValueError as exc:
            raise CommandError(BAD_SINCE) from exc
        start = time.perf_counter()
        written = facts_refresh(since=since)
        seconds = time.perf_counter() - start
        self.stdout.write(f"Dashboard facts refreshed: {written} episodes in {seconds:.1f} s")
