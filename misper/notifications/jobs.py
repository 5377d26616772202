"""Periodic jobs the alert worker runs beside its own sweep, registered by the apps that own them.

An app registers its job when Django starts (in its ``AppConfig.ready``), so the worker never imports
the app: ``misper.analytics`` registers the dashboard facts' refresh this way. A job takes no arguments,
must be safe to run every minute and twice at once, and does its own logging of what it did.
"""

from __future__ import annotations

from collections.abc import Callable

Job = Callable[[], object]
PERIODIC_JOBS: list[Job] = []


def periodic_job(job: Job) -> Job:
    """Run ``job`` on every sweep of the worker (about once a minute), after the alerts sweep."""
    if job not in PERIODIC_JOBS:
        PERIODIC_JOBS.append(job)
    return job
