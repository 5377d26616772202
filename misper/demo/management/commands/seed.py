"""``misper seed``: build the synthetic demo force (never real people)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from misper.accounts.models import Agency
from misper.accounts.services import DEMO_PERSONAS
from misper.analytics.facts import facts_refresh
from misper.audit.sealer import audit_seal
from misper.demo import assessing, world
from misper.demo.generator import DEFAULT_SEED, generate_plan
from misper.demo.incidents import incidents_demo
from misper.demo.loader import load_plan
from misper.demo.notices import ukmpu_demo
from misper.episodes.models import Episode


class Command(BaseCommand):
    help = "Build a synthetic police force with missing-person episodes, and the demo users."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--years", type=float, default=1.0, help="Years of episodes, ending now (default 1)"
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default {DEFAULT_SEED})"
        )
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Size relative to a typical force (default 1)"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the demo force has episodes"
        )
        parser.add_argument(
            "--national",
            action="store_true",
            help="National-scale benchmark data instead: --forces forces, --years years (misper.demo.national)",
        )
        parser.add_argument("--forces", type=int, default=43, help="With --national: forces (default 43)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["national"]:
            self._national(options)
            return
        if options["if_empty"] and Episode.objects.filter(force__code=world.FORCE).exists():
            self.stdout.write(f"The demo force ({world.FORCE}) already has episodes; nothing to do.")
            return
        if Episode.objects.filter(force__code=world.FORCE).exists():
            self.stderr.write(f"The demo force ({world.FORCE}) already has episodes. Use a fresh database.")
            raise SystemExit(1)
        started = time.perf_counter()
        plan = generate_plan(seed=options["seed"], years=options["years"], scale=options["scale"])
        generated = time.perf_counter()
        loaded = load_plan(plan)
        # Through the services people use: a child past the 72-hour point, and the notices of the past.
        counts = plan.counts() | ukmpu_demo(loaded["force"].code) | incidents_demo(loaded["force"].code)
        facts_refresh()  # the dashboard reads its fact table (misper.analytics.facts)
        audit_seal()  # link the seed's access events into the chain and write a checkpoint
        finished = time.perf_counter()
        self._report(counts, loaded["force"], generated - started, finished - generated)

    def _national(self, options: dict[str, Any]) -> None:
        from misper.demo.national import national_seed

        done = national_seed(
            years=options["years"],
            forces=options["forces"],
            scale=options["scale"],
            seed=options["seed"],
            progress=self.stdout.write,
        )
        audit_seal()  # seals anything left unsealed and anchors the chain the national data continued
        self.stdout.write("Seeded national synthetic data:")
        for name, count in done["counts"].items():
            self.stdout.write(f"  {name:28} {count:>12,}")
        size = done["database_bytes"]
        size_text = f", database {size / 2**30:.2f} GiB" if size else ""
        self.stdout.write(f"Took {done['seconds']:.1f} s{size_text}.")

    def _report(self, counts: dict[str, int], force: Agency, generate_s: float, load_s: float) -> None:
        self.stdout.write(f"Seeded {force.name} ({force.code}) with synthetic data:")
        for name, count in counts.items():
            self.stdout.write(f"  {name.replace('_', ' '):28} {count:>7,}")
        if assessing.ENGINE is None:
            self.stdout.write("  (risk engine not installed: gradings use the demo stand-in)")
        self.stdout.write(f"Demo users: {', '.join(p.username for p in DEMO_PERSONAS)}")
        self.stdout.write(
            f"Took {generate_s + load_s:.1f} s (generate {generate_s:.1f} s, write {load_s:.1f} s)."
        )
