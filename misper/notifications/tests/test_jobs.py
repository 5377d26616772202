"""The worker runs the jobs other apps register, without importing those apps."""

from __future__ import annotations

from misper.analytics.facts import facts_refresh_due
from misper.notifications.jobs import PERIODIC_JOBS, periodic_job


def test_the_dashboard_facts_refresh_is_a_registered_job():
    assert facts_refresh_due in PERIODIC_JOBS


def test_registering_a_job_twice_runs_it_once():
    before = list(PERIODIC_JOBS)
    periodic_job(facts_refresh_due)
    assert before == PERIODIC_JOBS
