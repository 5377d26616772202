from __future__ import annotations

import logging
import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import ThreadWorker

from misper.accounts.services import DEMO_PERSONAS
from misper.web.catalogue import catalogues_compile


def _cpus() -> int:
    """The CPUs this process may run on (its affinity, not every CPU of the host), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class Command(BaseCommand):
    help = (
        "Serve misper with gunicorn on HOST:PORT: --workers processes (default: one per CPU) of --threads "
        "threads each. Refuses demo users or the demo secret key in production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=_cpus(), help="processes (default: one per CPU)")
        parser.add_argument("--threads", type=int, default=8, help="threads per process (default 8)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1.")
        try:
            catalogues_compile()  # Welsh pages need the compiled catalogue (a no-op when up to date)
        except OSError as exc:  # a read-only install: compile at build time with `misper compilecatalogue`
            self.stderr.write(f"Could not compile the translation catalogues: {exc}")
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
        self.stdout.flush()
        connections.close_all()  # the checks may have opened one; forked workers must not share it
        _Gunicorn(
            {
                "bind": f"{options['host']}:{options['port']}",
                "workers": options["workers"],
                "threads": options["threads"],
                "worker_class": _Worker,
                "loglevel": "warning",  # errors and worker crashes; no access log (the audit log is the record)
                "proc_name": "misper",
                "control_socket_disable": True,  # else one shared ~/.gunicorn/gunicorn.ctl for every server
            }
        ).run()


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn run in this process (it becomes the master; SIGTERM stops it gracefully, workers included)."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from misper.config.wsgi import application

        return application


class _Worker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's gthread worker, ending at once once it has stopped gracefully.

    A normal interpreter exit first garbage-collects the whole Django process: a stop took 5-12 s on a
    busy 2-core machine (measured), against 3-4 s with this (most of it now the master's own exit)."""

    def run(self) -> None:
        super().run()  # returns once stopped: no new connections, requests in hand finished
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
