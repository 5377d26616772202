"""Which children a response revealed, so that every read of a child's record is logged by construction.

During a request, every ``Child`` row loaded from the database is noted here (``Child.from_db`` calls
``child_loaded``): a page, an API answer or a download can only show a child's name or reference by
loading the child. Every access event written during the request is noted too (a ``post_save`` receiver
on ``AccessEvent``). At the end, ``misper.audit.middleware`` writes one ``view`` event for the children
the response revealed that no event of the request named (directly, or through their episode, return
interview or placement notice). So a new view cannot forget to log: it can only log more precisely
(a ``search``, ``list`` or ``export`` event with a purpose) than the safety net would.

Reads that never load a ``Child`` (``values()`` rows, counts) reveal no child by this route; the pages
that show names from such rows log their own events, and the logging crawl
(``misper/accounts/tests/test_access_log_crawl.py``) fails if one does not.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db.models.signals import post_save


@dataclass
class Reveals:
    children: set[int] = field(default_factory=set)
    logged: dict[str, set[str]] = field(default_factory=dict)  # record type → ids named by events


_CURRENT: ContextVar[Reveals | None] = ContextVar("misper_reveals", default=None)


@contextmanager
def collecting() -> Iterator[Reveals]:
    """Note the children loaded and the events written while the block runs (one request)."""
    reveals = Reveals()
    token = _CURRENT.set(reveals)
    try:
        yield reveals
    finally:
        _CURRENT.reset(token)


def child_loaded(child_id: Any) -> None:
    reveals = _CURRENT.get()
    if reveals is not None and child_id is not None:
        reveals.children.add(int(child_id))


def children_revealed(ids: Any) -> None:
    """For a read that shows children's names from rows, not ``Child`` objects: note them."""
    for child_id in ids:
        child_loaded(child_id)


def _event_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    reveals = _CURRENT.get()
    if reveals is not None and created:
        ids = reveals.logged.setdefault(str(instance.record_type), set())
        ids.update(str(i) for i in instance.record_ids or [])


post_save.connect(_event_saved, sender="audit.AccessEvent", dispatch_uid="misper-reveals-event")


def _ints(ids: set[str]) -> list[int]:
    return [int(i) for i in ids if i.isdigit()]


def children_logged(reveals: Reveals) -> set[int]:
    """The children the request's events named: as children, or through a record of theirs."""
    from misper.episodes.models import Episode
    from misper.partners.models import PlacementNotice, ReturnInterview

    logged = reveals.logged
    covered = set(_ints(logged.get("child", set())))
    through = (
        ("episode", Episode.objects, "child_id"),
        ("return_interview", ReturnInterview.objects, "episode__child_id"),
        ("placement_notice", PlacementNotice.objects, "child_id"),
    )
    for record_type, manager, child_field in through:
        ids = _ints(logged.get(record_type, set()))
        if ids:
            covered.update(manager.filter(pk__in=ids).values_list(child_field, flat=True))
    return covered


def children_unlogged(reveals: Reveals) -> list[int]:
    """Children loaded during the request that no access event of the request named."""
    if not reveals.children:
        return []
    return sorted(reveals.children - children_logged(reveals))
