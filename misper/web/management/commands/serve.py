from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from misper.accounts.services import DEMO_PERSONAS


class Command(BaseCommand):
    help = "Serve misper with waitress on 127.0.0.1:PORT (refuses demo users in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        from misper.config.wsgi import application

        if not settings.DEMO_MODE:
            call_command("check", deploy=True, fail_level="ERROR")
        elif settings.SECRET_KEY.startswith("misper-demo"):
            self.stdout.write("Demo mode: synthetic data, demo users and a demo secret key.")
        if not settings.DEMO_MODE and settings.SECRET_KEY.startswith("misper-demo"):
            raise CommandError("Refusing to start in production with the demo secret key.")
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"\nmisper is running at {url}"))
        if settings.DEMO_MODE:
            names = ", ".join(p.username for p in DEMO_PERSONAS)
            self.stdout.write(f"Sign in as one of: {names}")
            self.stdout.write(f"Demo password: {settings.MISPER_DEMO_PASSWORD}")
            self.stdout.write(
                f"API token: .venv/bin/misper token demo-supervisor\nAPI docs: {url}api/v1/docs\n"
            )
        serve(
            application, host=options["host"], port=options["port"], threads=options["threads"], _quiet=True
        )
