"""``misper token USERNAME`` prints a new API token (stdout: the token alone, so scripts can capture it;
stderr: when it expires). ``--list USERNAME`` lists a user's tokens; ``--revoke ID`` revokes one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from misper.accounts.models import ApiToken, User
from misper.accounts.services import api_token_issue, api_token_revoke


def when(at: datetime | None) -> str:
    return timezone.localtime(at).strftime("%-d %B %Y %H:%M") if at else "never"


def token_status(token: ApiToken) -> str:
    if token.revoked_at:
        return f"revoked {when(token.revoked_at)} by {token.revoked_by}"
    return "expired" if token.expires_at <= timezone.now() else "active"


class Command(BaseCommand):
    help = (
        "Print a new API bearer token for USERNAME (it expires after MISPER_API_TOKEN_DAYS, or --days). "
        "'misper token --list USERNAME' lists their tokens; 'misper token --revoke ID' revokes one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?")
        parser.add_argument("--label", default="issued by misper token")
        parser.add_argument("--days", type=int, default=None, help="lifetime in days")
        parser.add_argument("--list", action="store_true", help="list USERNAME's tokens")
        parser.add_argument("--revoke", type=int, metavar="ID", help="revoke the token with this id")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["revoke"] is not None:
            self.revoke(options["revoke"])
        elif not options["username"]:
            raise CommandError("Name the user: misper token USERNAME (or --revoke ID).")
        elif options["list"]:
            self.list(self.user(options["username"], active_only=False))
        else:
            self.issue(self.user(options["username"]), options["label"], options["days"])

    def user(self, username: str, *, active_only: bool = True) -> User:
        users = User.objects.filter(username=username)
        user = (users.filter(is_active=True) if active_only else users).first()
        if user is None:
            raise CommandError(f"No {'active ' if active_only else ''}user called {username!r}.")
        return user

    def issue(self, user: User, label: str, days: int | None) -> None:
        if days is not None and not 1 <= days <= 366:
            raise CommandError("--days must be between 1 and 366.")
        issued = api_token_issue(user=user, label=label, issued_by="misper token (command line)", days=days)
        self.stdout.write(issued.raw)
        self.stderr.write(f"Token {issued.token.pk} expires on {when(issued.token.expires_at)}.")

    def list(self, user: User) -> None:
        tokens = user.api_tokens.order_by("-created_at", "-pk")
        if not tokens:
            self.stdout.write(f"{user.username} has no API tokens.")
        for t in tokens:
            self.stdout.write(
                f"{t.pk}\t{t.label or '-'}\tmade {when(t.created_at)}\texpires {when(t.expires_at)}\t"
                f"last used {when(t.last_used_at)}\t{token_status(t)}"
            )

    def revoke(self, token_id: int) -> None:
        token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
        if token is None:
            raise CommandError(f"No API token with id {token_id}.")
        api_token_revoke(token=token, acting_user=None, revoked_by="misper token --revoke (command line)")
        self.stdout.write(f"Token {token.pk} of {token.user.username} is revoked.")
