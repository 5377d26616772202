"""Definitions of "repeat" and "long-term" missing: the force's own and the national standard.

Forces have used definitions of repeat ranging from 24 hours to six months, so figures could not be
compared. Every figure that counts repeats or long-term cases here names its definition, and the
dashboard shows both side by side. The force's definitions are its own, read from one place
(``misper.episodes.schedules.thresholds``) so the engine, board and dashboard agree:

- repeat: the loaded risk policy's ``thresholds.repeat_episodes`` within ``thresholds.repeat_window_days``
- ``MISPER_FORCE_LONG_TERM_DAYS`` (default 28)
- ``MISPER_NATIONAL_LONG_TERM_DAYS`` (default 28; see docs/dashboard.md for the source)

A person is *repeat* under a definition (n, d) when at least one of their episodes in the period is
the n-th or later within d days (that episode counts), exactly as the risk engine's ``repeat_missing``
rule reads history. An episode is *long-term* when the person was away at least the given number of
days (from last seen, or reported, to found, closed or now).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from misper.episodes import schedules

NATIONAL_REPEAT = (3, 90)  # 3 or more episodes within 90 days (docs/dashboard.md)
DEFAULT_LONG_TERM_DAYS = 28


@dataclass(frozen=True)
class Repeat:
    name: str
    episodes: int
    days: int

    @property
    def label(self) -> str:
        return f"Repeat, {self.name}: {self.episodes} or more episodes within {self.days} days"


@dataclass(frozen=True)
class LongTerm:
    name: str
    days: int

    @property
    def label(self) -> str:
        return f"Long-term, {self.name}: missing {self.days} days or more"


def force_repeat() -> Repeat:
    t = schedules.thresholds()
    return Repeat("force definition", t.repeat_episodes, t.repeat_window_days)


def national_repeat() -> Repeat:
    return Repeat("national standard", *NATIONAL_REPEAT)


def force_long_term() -> LongTerm:
    return LongTerm("force definition", schedules.thresholds().long_term_after.days)


def national_long_term() -> LongTerm:
    days = getattr(settings, "MISPER_NATIONAL_LONG_TERM_DAYS", DEFAULT_LONG_TERM_DAYS)
    return LongTerm("national standard", int(days))
