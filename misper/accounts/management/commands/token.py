from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from misper.accounts.models import User
from misper.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Print a new API bearer token for USERNAME."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--label", default="issued by misper token")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"], is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"No active user called {options['username']!r}.") from exc
        self.stdout.write(api_token_create(user=user, label=options["label"]))
