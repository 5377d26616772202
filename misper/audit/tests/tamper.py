"""Tampering the way an attacker with database access (but not the key) would, for the tamper tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from misper.audit.chain import link
from misper.audit.models import AccessEvent
from misper.audit.sealer import row_of

GUESSED_KEY = b"the attacker does not have the key, so guesses one"


@contextmanager
def trigger_off() -> Iterator[None]:
    """Plant a tamper the way only a database superuser could: with the append-only trigger disabled."""
    pg = connection.vendor == "postgresql"
    if pg:
        with connection.cursor() as c:
            c.execute("SET session_replication_role = replica")  # superuser only: skips triggers
    try:
        yield
    finally:
        if pg:
            with connection.cursor() as c:
                c.execute("SET session_replication_role = DEFAULT")


def rewrite_chain(secret: bytes = GUESSED_KEY) -> None:
    """Renumber the sealed events 1, 2, 3… and recompute every link with misper's own function."""
    prev = "0" * 64
    with trigger_off():
        for n, event in enumerate(AccessEvent.objects.filter(seq__isnull=False).order_by("seq"), 1):
            event.seq, event.prev_hash = n, prev
            event.hash = link(row_of(event), prev, secret)
            event.seq = -n  # stored negative first (seq is unique), made positive below
            event.save()
            prev = event.hash
        for event in AccessEvent.objects.filter(seq__lt=0):
            AccessEvent.objects.filter(pk=event.pk).update(seq=-event.seq)
