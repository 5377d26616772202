"""Benchmark: find the child (not a test). Run: ``.venv/bin/python bench/find_child.py [--queries N]``.

A call handler of the busiest force types a name and a date of birth into ``POST /api/v1/children/search``
(Django's test client, in this process: the whole request, the access rule, the search and its access
log row). The typed names are drawn from the force's children with a fixed seed and mangled the ways
callers do: as on file, a nickname or alias, a sound-alike spelling, a misspelling, the first name only.

Baseline, in the same run: a plain ``ILIKE '%family name%'`` over the same visible children, no
fuzzy matching (what a naive search would do).

Also printed (stderr), not in the result file: recall (the child is in the answer) and the latency of
the same names *without* a date of birth, which exercises the name keys.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import database_url, django_setup, latency, scale, timed, user, write_result

SEED = 8
SOUND_ALIKES = (("ph", "f"), ("c", "k"), ("y", "i"), ("ie", "y"), ("ck", "k"), ("th", "t"), ("ee", "ea"))


def _sound_alike(name: str) -> str:
    lower = name.lower()
    for a, b in SOUND_ALIKES:
        if a in lower:
            return lower.replace(a, b, 1).capitalize()
        if b in lower:
            return lower.replace(b, a, 1).capitalize()
    return name


def _misspell(rng: random.Random, name: str) -> str:
    if len(name) < 5:
        return name
    i = rng.randrange(1, len(name) - 2)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]  # swap two letters


def typed_names(rng: random.Random, count: int) -> list[tuple[Any, str, str]]:
    """(child, typed name, how it was mangled) for ``count`` children of the busiest force."""
    from misper.people.models import Child, ChildAlias

    me = user("call_handler")
    ids = list(Child.objects.filter(force_id=me.agency_id).values_list("pk", flat=True))
    chosen = Child.objects.in_bulk(rng.sample(ids, min(count, len(ids))))
    aliases = {a.child_id: a for a in ChildAlias.objects.filter(child_id__in=list(chosen))}
    out = []
    for n, child in enumerate(chosen.values()):
        kind = ("as_on_file", "alias", "sound_alike", "misspelling", "first_name")[n % 5]
        given, family = child.given_name, child.family_name
        typed = {
            "as_on_file": f"{given} {family}",
            "alias": f"{aliases[child.pk].given_name} {aliases[child.pk].family_name}".strip()
            if child.pk in aliases
            else f"{given} {family}",
            "sound_alike": f"{_sound_alike(given)} {_sound_alike(family)}",
            "misspelling": f"{given} {_misspell(rng, family)}",
            "first_name": given,
        }[kind]
        out.append((child, typed, kind))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    url = database_url()
    django_setup(url)
    from bench.common import api_client
    from misper.people.selectors import visible_children

    rng = random.Random(SEED)
    me = user("call_handler")
    client = api_client(me)
    cases = typed_names(rng, args.queries)
    found, answers = 0, iter(range(10**9))

    def search(with_dob: bool) -> Any:
        nonlocal found
        child, typed, _ = cases[next(answers) % len(cases)]
        params = {"name": typed, "limit": 20} | ({"dob": child.date_of_birth.isoformat()} if with_dob else {})
        body = client.post("/api/v1/children/search", params, content_type="application/json").json()
        found += any(item["id"] == child.pk for item in body["items"])

    def ilike() -> Any:
        child, _, _ = cases[next(answers) % len(cases)]
        return list(visible_children(me).filter(family_name__icontains=child.family_name).values("pk")[:20])

    baseline = latency(timed(ilike, len(cases)))
    answers, found = iter(range(10**9)), 0
    metrics = latency(timed(lambda: search(True), len(cases), warmup=0))
    recall = found / len(cases)
    answers, found = iter(range(10**9)), 0
    name_only = latency(timed(lambda: search(False), len(cases), warmup=0))
    print(f"recall with date of birth: {recall:.1%}; name only: {found / len(cases):.1%}", file=sys.stderr)
    print(f"name only (no date of birth): {name_only}", file=sys.stderr)
    info = scale(url) | {"queries": len(cases), "recall": round(recall, 3)}
    write_result("find_child", info, metrics, baseline)


if __name__ == "__main__":
    main()
