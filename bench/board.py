"""Benchmark: the supervisors' board (not a test). Run: ``.venv/bin/python bench/board.py [--requests N]``.

A supervisor of the busiest force (300 open episodes in the national data) opens ``GET /board`` (Django's
test client, signed in, in this process): the page, the board selector's queries, the template.

Baseline, in the same run: a plain count of the force's open episodes (one indexed query, no page).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import database_url, django_setup, latency, scale, timed, user, write_result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    url = database_url()
    django_setup(url)
    from django.test import Client

    from misper.episodes.models import Episode
    from tests.factories import session_second_factor_pass

    supervisor = user("supervisor")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(supervisor)
    session_second_factor_pass(client, supervisor)  # as the code step of sign-in does
    open_now = Episode.objects.filter(force_id=supervisor.agency_id, status__in=["reported", "active"])

    def board() -> None:
        resp = client.get("/board")
        if resp.status_code != 200:
            raise SystemExit(f"board failed: {resp.status_code}")

    baseline = latency(timed(open_now.count, args.requests))
    metrics = latency(timed(board, args.requests))
    info = scale(url) | {"requests": args.requests, "open_episodes": open_now.count()}
    write_result("board", info, metrics, baseline)


if __name__ == "__main__":
    main()
