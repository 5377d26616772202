"""The one map of allowed status moves for an episode, and the one function that makes a move."""

from __future__ import annotations

from datetime import datetime

from misper.accounts.models import User
from misper.core.errors import ConflictError
from misper.episodes.models import Episode, Status, StatusChange

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.REPORTED: frozenset({Status.ACTIVE, Status.FOUND}),
    Status.ACTIVE: frozenset({Status.FOUND}),
    Status.FOUND: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}

REFUSALS: dict[str, str] = {
    Status.FOUND: "This episode is not open, so the child cannot be recorded as found.",
    Status.CLOSED: "Only an episode whose child has been found or returned can be closed.",
    Status.ACTIVE: "Only a newly reported episode can become an active investigation.",
}


def episode_transition(
    *, episode: Episode, to: str, acting_user: User | None, at: datetime, note: str = ""
) -> None:
    """Move ``episode`` (locked by the caller, inside its transaction) to status ``to`` and record the move.

    Raises ConflictError if the move is not allowed from the current status."""
    if to not in TRANSITIONS[episode.status]:
        raise ConflictError(REFUSALS.get(to, f"An episode cannot move from {episode.status} to {to}."))
    StatusChange.objects.create(
        episode=episode, from_status=episode.status, to_status=to, at=at, by=acting_user, note=note
    )
    episode.status = to
