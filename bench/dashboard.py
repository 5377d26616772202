"""Benchmark: dashboard figures (not a test). Run: ``.venv/bin/python bench/dashboard.py [--runs N]``.

Times every figure in ``misper.analytics.figures.REGISTRY`` (the figures the dashboard page, exports and
API show), one figure at a time, for:

- ``dashboard_force``: the busiest force's analyst, the last year (one force-year);
- ``dashboard_national``: every force's episodes over the whole ten years. The access rule has no
  national role yet, so this run widens the figures' scope to all episodes (it replaces the analytics
  module's ``visible_episodes`` and ``visible_facts`` in this process only) -- the query cost a national
  view will pay.

Most figures read the dashboard's fact table (``misper.analytics.models.EpisodeFact``): fill it first
with ``misper analytics refresh`` (about 5 minutes on the national database).

``metrics`` are percentiles over the figures of each figure's median time (p99 is, in effect, the
slowest figure); ``per_figure_ms`` lists them all. Baseline, in the same run: a plain count of the
episodes in the same scope and period. If the figures module is absent, both results say "pending".
On PostgreSQL a figure is cut off after ``STATEMENT_TIMEOUT_S`` and listed under ``timed_out``.
``--scope force|national`` runs one of the two; ``--only code,code`` times some figures and writes no file.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import (
    database_url,
    django_setup,
    latency,
    peak_rss_mib,
    scale,
    timed,
    user,
    write_result,
)

STATEMENT_TIMEOUT_S = 120  # a figure slower than this is reported as "at least 120 s"


def _per_figure(registry: dict[str, Any], context: Any, runs: int, timed_out: list[str]) -> dict[str, float]:
    """Median milliseconds of each figure; a figure cut off by the statement timeout counts as the
    timeout (a lower bound) and is listed in ``timed_out``."""
    from django.db import OperationalError, connection, transaction

    out = {}
    for code, figure in registry.items():
        samples = []
        for _ in range(runs):
            context._cache.clear()  # each figure pays for its own queries
            start = time.perf_counter()
            try:
                with transaction.atomic():
                    figure(context)
            except OperationalError:
                connection.close()
                timed_out.append(code)
                samples.append(STATEMENT_TIMEOUT_S * 1000)
                break
            samples.append((time.perf_counter() - start) * 1000)
        out[code] = round(statistics.median(samples), 1)
        print(f"  {code}: {out[code]} ms", file=sys.stderr)
    return out


def _statement_timeout() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = '{STATEMENT_TIMEOUT_S}s'")


def _run(name: str, url: str, years: int, national: bool, runs: int, only: list[str] | None = None) -> None:
    from django.db import connection
    from django.db.backends.signals import connection_created
    from django.utils import timezone

    from misper.analytics.figures import REGISTRY, Context
    from misper.analytics.figures import base as figures_base
    from misper.analytics.filters import Filters
    from misper.analytics.models import EpisodeFact
    from misper.episodes.models import Episode

    if connection.vendor == "postgresql":
        connection_created.connect(lambda **kw: _statement_timeout(), weak=False)
        _statement_timeout()
    analyst = user("analyst")
    now = timezone.now()
    filters = Filters(period_from=(now - timedelta(days=365 * years)).date(), period_to=now.date())
    if national:
        figures_base.visible_episodes = lambda _user: Episode.objects.all()  # type: ignore[assignment]
        figures_base.visible_facts = lambda _user: EpisodeFact.objects.all()  # type: ignore[assignment]
    scope = figures_base.visible_episodes(analyst).filter(reported_at__gte=filters.start)
    baseline = latency(timed(scope.count, 5, warmup=1))
    print(f"{name}:", file=sys.stderr)
    timed_out: list[str] = []
    context = Context(user=analyst, filters=filters, now=now)
    registry = {code: fn for code, fn in REGISTRY.items() if not only or code in only}
    per_figure = _per_figure(registry, context, runs, timed_out)
    if only:  # a look at some figures: printed above, no result file
        return
    metrics = latency(list(per_figure.values()) * 2)  # quantiles need two points; the values are the same
    metrics["peak_rss_mib"] = peak_rss_mib()
    info = scale(url) | {"scope": "all forces" if national else analyst.agency.code, "years": years}
    write_result(name, info, metrics, baseline, per_figure_ms=per_figure, timed_out=timed_out)


def _pending(url: str, reason: str) -> None:
    for name in ("dashboard_force", "dashboard_national"):
        write_result(name, scale(url), {}, {}, pending=reason)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each one-force figure (national: 1)")
    parser.add_argument("--only", help="comma-separated figure codes: time these, write no result file")
    parser.add_argument("--scope", choices=["force", "national", "both"], default="both")
    args = parser.parse_args()
    only = args.only.split(",") if args.only else None
    url = database_url()
    django_setup(url)
    try:
        import misper.analytics.figures  # noqa: F401
    except ImportError as exc:
        _pending(url, f"misper.analytics.figures is not there yet ({exc})")
        return
    if args.scope in ("force", "both"):
        _run("dashboard_force", url, years=1, national=False, runs=args.runs, only=only)
    if args.scope in ("national", "both"):
        _run("dashboard_national", url, years=10, national=True, runs=1, only=only)


if __name__ == "__main__":
    main()
