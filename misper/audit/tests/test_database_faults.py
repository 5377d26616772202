"""The service recovers unaided when PostgreSQL drops its connections (restart, failover, idle kill).

Each request starts with Django's ``close_old_connections`` (the ``request_started`` handler); with
``CONN_HEALTH_CHECKS`` it finds a persistent connection dead and replaces it instead of failing."""

from __future__ import annotations

import psycopg
import pytest
from django.db import close_old_connections, connection

from misper.accounts.models import User

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL connection faults")


def _terminate(pid: int) -> None:
    s = connection.settings_dict
    dsn = f"host={s['HOST']} port={s['PORT'] or 5432} user={s['USER']} dbname={s['NAME']}"
    with psycopg.connect(dsn, autocommit=True) as c:
        assert c.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]


def _backend_pid() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        return cur.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_next_request_gets_a_fresh_connection_after_the_backend_is_terminated(world):
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    assert connection.settings_dict["CONN_MAX_AGE"] > 0
    close_old_connections()  # as at the start of a request
    pid = _backend_pid()
    _terminate(pid)  # as a database restart would
    close_old_connections()  # the next request starts: the health check finds the connection dead
    assert User.objects.filter(username="calltaker").exists()
    assert _backend_pid() != pid
