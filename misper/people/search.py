"""Finding a child by name quickly: normalised name keys, kept beside the children, searched by index.

``ChildNameKey`` holds one row per name part of a child (given, family, preferred name, every alias):
lower-case, Metaphone and Soundex. ``child_name_keys_refresh`` rebuilds a child's rows; it runs when a
child or alias is saved (the receivers below: the keys are a derived index, like a database index, so
every write path -- services, factories, admin -- keeps them current without remembering to) and is
called by bulk loaders, which bypass signals.

``name_candidates`` turns a typed name into at most ``CANDIDATE_LIMIT`` visible child ids in which every
typed part matches some name part -- exactly, as a prefix, as a sound-alike, or (PostgreSQL, ``pg_trgm``) as
a near spelling -- best first. The selector (``misper.people.selectors.child_search``) scores those few
in Python as before, so ranking is unchanged while the database does the narrowing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

import jellyfish
from django.db import connection
from django.db.models import Case, F, Lookup, Max, Q, QuerySet, Value, When
from django.db.models.fields import CharField, FloatField
from django.db.models.signals import post_save

from misper.people.models import Child, ChildAlias, ChildNameKey

CANDIDATE_LIMIT = 200
POOL = 2000
TRIGRAM_MIN_LENGTH = 4
_NAME_SPLIT = re.compile(r"[^a-z]+")


def name_tokens(text: str) -> list[str]:
    """Lower-case name parts of ``text``, apostrophes dropped ("O'Neil" → "oneil")."""
    return [t for t in _NAME_SPLIT.split(text.lower().replace("'", "")) if t]


@lru_cache(maxsize=200_000)
def name_codes(token: str) -> tuple[str, str]:
    """(Metaphone, Soundex) of one lower-case name part; cached, as names repeat a great deal."""
    return jellyfish.metaphone(token)[:40], jellyfish.soundex(token)


def key_rows(names: Iterable[str]) -> Iterator[tuple[str, str, str]]:
    """Distinct (name, metaphone, soundex) for every part of every name in ``names``."""
    seen: set[str] = set()
    for name in names:
        for token in name_tokens(name):
            if token not in seen:
                seen.add(token)
                yield (token[:100], *name_codes(token))


def child_name_keys_refresh(*, child_ids: Iterable[int]) -> int:
    """Rebuild the name keys of the children ``child_ids`` from their names and aliases.

    Needs the children saved. Promises each child's keys match its current names afterwards; returns
    the number of key rows written. Three queries per call, whatever the number of children.
    """
    ids = list(child_ids)
    if not ids:
        return 0
    names: dict[int, list[str]] = {}
    for pk, given, family, preferred in Child.objects.filter(pk__in=ids).values_list(
        "pk", "given_name", "family_name", "preferred_name"
    ):
        names[pk] = [given, family, preferred]
    for pk, given, family in ChildAlias.objects.filter(child_id__in=ids).values_list(
        "child_id", "given_name", "family_name"
    ):
        names.setdefault(pk, []).extend([given, family])
    rows = [
        ChildNameKey(child_id=pk, name=n, metaphone=m, soundex=s)
        for pk, own in names.items()
        for n, m, s in key_rows(own)
    ]
    ChildNameKey.objects.filter(child_id__in=ids).delete()
    ChildNameKey.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _child_saved(sender: Any, instance: Child, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        child_name_keys_refresh(child_ids=[instance.pk])


def _alias_changed(sender: Any, instance: ChildAlias, raw: bool = False, **kwargs: Any) -> None:
    if not raw and Child.objects.filter(pk=instance.child_id).exists():
        child_name_keys_refresh(child_ids=[instance.child_id])


def connect_receivers() -> None:
    """Keep name keys current on every save of a child or alias (called from PeopleConfig.ready).

    Deleting an alias deliberately changes nothing: a key left behind can only add a candidate, which
    the selector's scoring on the names actually on file then drops; and a deletion that wrote rows
    would fight deletions that remove a child's rows in bulk (retention)."""
    post_save.connect(_child_saved, sender=Child, dispatch_uid="people.name_keys.child")
    post_save.connect(_alias_changed, sender=ChildAlias, dispatch_uid="people.name_keys.alias")


# --- searching -----------------------------------------------------------------------------------------


class _TrigramSimilar(Lookup):
    """``name %% token``: pg_trgm similarity above its threshold (PostgreSQL only; GIN-indexed)."""

    lookup_name = "misper_trigram_similar"

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} %% {rhs}", [*lhs_params, *rhs_params]


CharField.register_lookup(_TrigramSimilar)


def _trigrams() -> bool:
    return connection.vendor == "postgresql"


def _token_whens(token: str) -> list[When]:
    """How one typed part can match one key, each with the score the Python scorer would give."""
    metaphone, soundex = name_codes(token)
    whens = [When(name=token, then=Value(4.0))]
    if len(token) >= 2:
        whens.append(When(name__startswith=token, then=Value(3.0)))
    whens.append(When(Q(metaphone=metaphone) | Q(soundex=soundex), then=Value(2.5)))
    if _trigrams() and len(token) >= TRIGRAM_MIN_LENGTH:
        whens.append(When(name__misper_trigram_similar=token, then=Value(2.0)))
    return whens


def _token_filter(token: str) -> Q:
    metaphone, soundex = name_codes(token)
    q = Q(name=token) | Q(metaphone=metaphone) | Q(soundex=soundex)
    if len(token) >= 2:
        q |= Q(name__startswith=token)
    if _trigrams() and len(token) >= TRIGRAM_MIN_LENGTH:
        q |= Q(name__misper_trigram_similar=token)
    return q


def name_candidates(children: QuerySet[Child], name: str, limit: int = CANDIDATE_LIMIT) -> list[int]:
    """Ids of children in ``children`` whose name parts match every part of ``name``, best first.

    Two queries: the name keys pick at most ``POOL`` best-scoring children by index alone, then the
    access rule (and any other filter in ``children``) is checked on those ids by primary key. Checking
    the rule first would make the database evaluate it for every child on file (a scan of the whole
    table at national scale). The price: if more than ``POOL`` children nationally match better than a
    visible one, that one is missed -- the caller then narrows by date of birth, which is exact.
    Promises at most ``limit`` ids and no child outside ``children``.
    """
    tokens = list(dict.fromkeys(name_tokens(name)))[:6]
    if not tokens:
        return []
    any_token = Q()
    for token in tokens:
        any_token |= _token_filter(token)
    per_token = {
        f"t{i}": Max(Case(*_token_whens(token), default=Value(0.0), output_field=FloatField()))
        for i, token in enumerate(tokens)
    }
    total = sum((F(k) for k in per_token), start=Value(0.0))
    ranked = list(
        ChildNameKey.objects.filter(any_token)
        .values("child_id")
        .annotate(**per_token)
        .filter(**{f"{k}__gt": 0 for k in per_token})
        .annotate(score=total)
        .order_by("-score", "child_id")
        .values_list("child_id", flat=True)[:POOL]
    )
    visible = set(children.filter(pk__in=ranked).values_list("pk", flat=True))
    return [pk for pk in ranked if pk in visible][:limit]
