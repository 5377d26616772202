"""Benchmark: intake (not a test). Run: ``.venv/bin/python bench/intake.py [--requests N]``.

A call handler of a second force (``WRITING_FORCE``, so the board benchmark's force keeps its 300 open
episodes) reports a child missing with ``POST /api/v1/episodes`` (Django's
test client, in this process, each request committed): the child has 40 previous episodes on file, so
the request loads that history, merges it into the document, runs the engine, and writes the episode,
its assessment, actions, status change, access event and alerts.

Set-up (once per database, idempotent): ``CHILDREN`` synthetic children ``BENCH-H40-n``, each with 40
closed episodes, written in bulk. Each request reports a different child in turn, so a child's history
grows by one per round (40 to 40 + requests / CHILDREN).

Baseline, in the same run: ``GET /api/v1/health`` through the same client (the floor of any request:
middleware, routing, no database). Also printed (stderr): the same POST for a new child with no history.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import WRITING_FORCE, database_url, django_setup, latency, scale, timed, user, write_result

CHILDREN = 50
HISTORY = 40
REF = "BENCH-H40-{n}"


def ensure_children(force: Any) -> list[str]:
    """The benchmark's children with 40 previous episodes each (created once, in bulk)."""
    from misper.episodes.models import Episode
    from misper.people.models import Child
    from misper.people.search import child_name_keys_refresh

    refs = [REF.format(n=n) for n in range(CHILDREN)]
    if Child.objects.filter(force=force, ref__in=refs).count() == CHILDREN:
        return refs
    rng = random.Random(40)
    now = datetime.now(UTC)
    children = Child.objects.bulk_create(
        Child(force=force, ref=ref, given_name="Bench", family_name=f"History{n}", date_of_birth=now.date() - timedelta(days=365 * 14))
        for n, ref in enumerate(refs)
    )  # fmt: skip
    child_name_keys_refresh(child_ids=[c.pk for c in children])
    episodes = []
    for child in children:
        for k in range(HISTORY):
            reported = now - timedelta(days=400 - 9 * k, hours=rng.uniform(0, 12))
            episodes.append(
                Episode(
                    force=force, child=child, reference=f"{force.code}-{child.ref}-{k}", status="closed", risk="medium",
                    reported_at=reported, last_seen_at=reported - timedelta(hours=2),
                    found_at=reported + timedelta(hours=rng.uniform(2, 30)), harm_disclosed=False,
                    closed_at=reported + timedelta(days=2),
                )
            )  # fmt: skip
    Episode.objects.bulk_create(episodes, batch_size=1000)
    return refs


def document(ref: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "format": "misper/1",
        "child": {"ref": ref, "date_of_birth": "2012-03-04", "sex": "female", "vulnerabilities": []},
        "report": {
            "reported_at": (now - timedelta(minutes=20)).isoformat(),
            "last_seen_at": (now - timedelta(hours=3)).isoformat(),
            "reported_by": "parent",
            "circumstances": "Not home at the agreed time.",
            "indicators": ["out_of_character"],
            # Each child is reported again every round while its earlier episodes are still open, so each
            # report says it is a separate incident (one open episode per child: episodes.services).
            "separate_incident": {"reason": "Benchmark: each report is a new synthetic incident"},
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    url = database_url()
    django_setup(url)
    from bench.common import api_client

    me = user("call_handler", force=WRITING_FORCE)
    refs = ensure_children(me.agency)
    client = api_client(me)
    turn = iter(range(10**9))

    def report(fresh: bool = False) -> None:
        n = next(turn)
        ref = f"BENCH-NEW-{datetime.now(UTC).timestamp()}-{n}" if fresh else refs[n % len(refs)]
        resp = client.post("/api/v1/episodes", document(ref), content_type="application/json")
        if resp.status_code != 201:
            raise SystemExit(f"intake failed: {resp.status_code} {resp.content[:300]!r}")

    baseline = latency(timed(lambda: client.get("/api/v1/health"), args.requests))
    metrics = latency(timed(report, args.requests, warmup=2))
    fresh = latency(timed(lambda: report(fresh=True), max(20, args.requests // 4), warmup=0))
    print(f"intake, new child with no history: {fresh}", file=sys.stderr)
    info = scale(url) | {"requests": args.requests, "previous_episodes": HISTORY}
    write_result("intake", info, metrics, baseline)


if __name__ == "__main__":
    main()
