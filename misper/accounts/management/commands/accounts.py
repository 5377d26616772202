"""``misper accounts reset-2fa USERNAME``: let an account set up a (new) authenticator app, once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from misper.accounts.models import EnrolmentGrant, User
from misper.accounts.services import second_factor_reset


class Command(BaseCommand):
    help = (
        "Account tools. 'misper accounts reset-2fa USERNAME [--new-account]' removes the user's "
        "authenticator apps and lets them set up a new one at their next sign-in (once, within "
        "MISPER_ENROLMENT_GRANT_HOURS). Logged in the access log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["reset-2fa"])
        parser.add_argument("username")
        parser.add_argument(
            "--new-account", action="store_true", help="the account is new (recorded as the reason)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"], is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"No active user called {options['username']!r}.") from exc
        reason = EnrolmentGrant.Reason.NEW_ACCOUNT if options["new_account"] else EnrolmentGrant.Reason.RESET
        grant = second_factor_reset(user=user, acting_user=None, granted_by="command line", reason=reason)
        until = timezone.localtime(grant.expires_at)
        self.stdout.write(
            f"{user.username} can set up an authenticator app at their next sign-in, once, "
            f"until {until:%-d %B %Y %H:%M}."
        )
