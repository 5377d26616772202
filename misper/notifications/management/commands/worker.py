from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from misper.notifications.worker import worker_run


class Command(BaseCommand):
    help = "Send queued alerts (e-mail, webhooks) and run the alert sweep every minute."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Sweep and send what is due, then stop")
        parser.add_argument("--poll", type=float, default=1.0, help="Seconds to wait when nothing is due")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())  # finish the alert in hand, then stop
        if not options["once"]:
            self.stdout.write(f"misper worker: sending alerts (polling every {options['poll']} s)")
        worker_run(once=options["once"], poll=options["poll"], stop=stop)
