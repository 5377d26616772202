"""Benchmark of the risk engine (not a test). Run: ``.venv/bin/python bench/engine.py [--documents N]``.

1. Writes N (default 100,000) synthetic valid misper/1 documents, one per line, from a fixed seed.
2. Baseline: reads the file and, for each line, ``json.loads`` + ``misper.risk.validate`` (the
   compiled JSON Schema plus the date checks) -- the floor any assessment must pay.
3. Engine: reads the same file and, for each line, ``json.loads`` + ``assess`` + ``json.dumps`` --
   what ``misper assess --batch`` does, without the process start-up and pipe.
   Steps 2 and 3 each run in a fresh child process pinned to one core, so each peak RSS is its own.
4. CLI: ``python -m misper.risk --batch FILE`` end to end on one core, output to /dev/null,
   start-up included.

``per_second`` is documents per CPU-second of the measuring process (user + system time), which is
"per core" whatever else the machine is running; wall-clock rates are printed on stderr beside it.
On an idle core the two agree.

Writes bench/results/engine.json (steps 2-3) and bench/results/engine-cli.json (step 4) and prints
them.
"""

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SEED = 20150710
VULNS = [
    "cse_risk",
    "cce_risk",
    "autism",
    "mental_health",
    "substance_misuse",
    "self_harm",
    "needs_medication",
]
INDICATORS = [
    "out_of_character", "family_conflict", "contact_established", "whereabouts_believed_known",
    "with_adult_of_concern", "school_problems", "suicidal_ideation", "preparations_made",
]  # fmt: skip
TEXTS = [
    "Not home at the agreed time.",
    "Argued with parents, says by text he is at a friend's house.",
    "Seen getting into a taxi with an older man near the station.",
    "Left the care home at 19:00 and has not returned.",
]


def synthetic(rng: random.Random, n: int) -> dict[str, Any]:
    """One valid document; the mix runs from plain controls to long histories and associates."""
    tz = timezone(timedelta(hours=rng.choice([0, 1])))
    reported = datetime(2015, 1, 1, tzinfo=tz) + timedelta(minutes=rng.randrange(0, 60 * 24 * 3000))
    age = rng.randrange(4, 18)
    born = reported.date().replace(year=reported.year - age, day=1) - timedelta(days=rng.randrange(0, 300))
    history = [
        {
            "reported_at": (reported - timedelta(hours=rng.uniform(1, 24 * 400))).isoformat(),
            "category": "missing",
            "risk": rng.choice(["low", "medium", "high"]),
            "duration_hours": round(rng.uniform(1, 60), 1),
            "harm_disclosed": rng.random() < 0.05,
        }
        for _ in range(rng.choice([0, 0, 0, 1, 2, 3, 5, 8, 15]))
    ]
    doc: dict[str, Any] = {
        "format": "misper/1",
        "child": {
            "ref": f"B-{n}",
            "date_of_birth": born.isoformat(),
            "sex": rng.choice(["female", "male"]),
            "looked_after": rng.random() < 0.3,
            "placement": {"type": rng.choice(["home", "home", "foster", "residential_home"])},
            "vulnerabilities": rng.sample(VULNS, rng.choice([0, 0, 1, 2])),
        },
        "report": {
            "reported_at": reported.isoformat(),
            "last_seen_at": (reported - timedelta(hours=rng.uniform(0, 80))).isoformat(),
            "reported_by": "parent",
            "circumstances": rng.choice(TEXTS),
            "indicators": rng.sample(INDICATORS, rng.choice([0, 1, 2])),
        },
        "history": history,
        "associates": [{"relationship": "associate", "age": rng.randrange(14, 40), "flags": []}]
        if rng.random() < 0.15
        else [],
    }
    if rng.random() < 0.2:
        doc["operator_grading"] = {"category": "missing", "risk": rng.choice(["low", "medium", "high"])}
    return doc


def write_documents(path: Path, count: int) -> None:
    rng = random.Random(SEED)
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            out.write(json.dumps(synthetic(rng, n)) + "\n")


def _one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux reports KiB


def phase(name: str, path: Path) -> dict[str, float]:
    """Run one phase in this process and return its throughput and peak RSS."""
    from misper.risk import assess, load_policy, validate

    _one_core()
    policy = load_policy("national")
    dumps = json.JSONEncoder(separators=(",", ":")).encode
    count = 0
    start, cpu_start = time.perf_counter(), _cpu_seconds()
    with path.open(encoding="utf-8") as lines:  # streamed, as the CLI reads it
        if name == "baseline":
            for count, line in enumerate(lines, start=1):  # noqa: B007 -- count is the total
                validate(json.loads(line))
        else:
            for count, line in enumerate(lines, start=1):  # noqa: B007
                dumps(assess(json.loads(line), policy))
    wall, cpu = time.perf_counter() - start, _cpu_seconds() - cpu_start
    print(f"{name}: {count / wall:.0f}/s wall, {count / cpu:.0f}/s CPU", file=sys.stderr)
    return {"per_second": round(count / cpu, 1), "peak_rss_mib": _peak_rss_mib()}


def _run_phase(name: str, path: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--phase", name, str(path)], stdout=subprocess.PIPE, text=True, check=True
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def cli(path: Path, count: int) -> dict[str, float]:
    """`python -m misper.risk --batch FILE` end to end (start-up included) on one core; its own RSS."""
    start = time.perf_counter()
    with open(os.devnull, "w") as sink:
        child = subprocess.Popen(
            [sys.executable, "-m", "misper.risk", "--batch", str(path)],
            stdout=sink, cwd=ROOT, preexec_fn=_one_core,
        )  # fmt: skip
        _, status, usage = os.wait4(child.pid, 0)
    wall, cpu = time.perf_counter() - start, usage.ru_utime + usage.ru_stime
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"the CLI exited with {child.returncode}")
    print(f"cli: {count / wall:.0f}/s wall, {count / cpu:.0f}/s CPU", file=sys.stderr)
    return {"per_second": round(count / cpu, 1), "peak_rss_mib": round(usage.ru_maxrss / 1024, 1)}


def _commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=ROOT, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip() or None


def _machine() -> str:
    return f"{platform.platform()} {platform.machine()} python {platform.python_version()}; cpus={os.cpu_count()}"


def report(name: str, count: int, metrics: dict[str, float], baseline: dict[str, float]) -> dict[str, Any]:
    return {
        "benchmark": name,
        "commit": _commit(),
        "machine": _machine(),
        "scale": {"documents": count},
        "metrics": metrics,
        "baseline": baseline,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--phase", choices=["baseline", "engine"], help=argparse.SUPPRESS)
    parser.add_argument("file", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, Path(args.file))))
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "documents.jsonl"
        write_documents(path, args.documents)
        baseline = _run_phase("baseline", path)
        engine = _run_phase("engine", path)
        command = cli(path, args.documents)
    for name, metrics in (("engine", engine), ("engine-cli", command)):
        result = report(name, args.documents, metrics, baseline)
        (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n", "utf-8")
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
