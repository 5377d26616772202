"""Benchmark of national identity linkage (not a test). Run: ``.venv/bin/python bench/linkage.py [--records N]``.

Every figure beside its same-run baseline, a plain Splink 5 model with Splink's default comparisons
(``bench/plain_splink.py``), as issue 18 asks:

0. Accuracy: FEBRL3 dedupe with every record counted (impossible dates kept), and the synthetic
   cross-force set on held-out seeds (``HELD_OUT``, never used to tune), misper and the plain model on
   the same records; misper's review queue as a share of the records.
1. Writes about N (default 1,000,000) synthetic cross-force records (misper/1 JSONL) from a fixed seed,
   with their truth.
2. Splink: in a fresh child process, what ``misper link`` does -- read and check the lines, link with the
   stored model (DuckDB), write the CSV.
3. Baselines, each in a fresh child process on the same file: the plain Splink 5 model (read the same
   way, trained and linked on the file itself), and exact-match deterministic linkage (same cleaned given
   name, family name and date of birth = same child), CSVs written the same way.

``per_second`` is records per wall-clock second end to end; ``peak_rss_mib`` the child's peak resident
memory; ``splink_stages_seconds`` the wall time of each stage (read, prepare, score, guard, cluster,
person_ids, write); ``load_average`` the machine's load when the run started and ended (it is shared). Pairwise precision, recall and F1 of both are recorded beside them. Writes
bench/results/linkage.json and prints it.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SEED = 20160101
RECORDS_PER_CHILD = 1.85


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "misper.config.settings")


def write_input(records: int, folder: Path) -> tuple[Path, Path]:
    _setup()
    from misper.national.linkage.synthetic import generate

    appearances = generate(int(records / RECORDS_PER_CHILD), seed=SEED)
    data, truth = folder / "input.jsonl", folder / "truth.json"
    with data.open("w") as out:
        for a in appearances:
            out.write(json.dumps(a.document()) + "\n")
    truth.write_text(json.dumps({f"{a.source}\x1f{a.ref}": a.pid for a in appearances}))
    return data, truth


def run_splink(data: Path, out: Path) -> None:
    _setup()
    from misper.national.linkage import link, read_records

    start = time.perf_counter()
    with data.open() as handle:
        result = read_records(handle)
    read = time.perf_counter() - start
    outcome = link(result.records)
    start = time.perf_counter()
    _write(out, ((r.source, r.ref) for r in result.records), outcome.person_ids)
    stages = {"read": round(read, 2), **outcome.seconds, "write": round(time.perf_counter() - start, 2)}
    out.with_suffix(".stages.json").write_text(json.dumps(stages))


def run_plain(data: Path, out: Path) -> None:
    _setup()
    from bench.plain_splink import plain_link
    from misper.national.linkage import read_records

    with data.open() as handle:
        result = read_records(handle)
    ids = plain_link(result.records)
    _write(out, ((r.source, r.ref) for r in result.records), ids)


def run_exact(data: Path, out: Path) -> None:
    _setup()
    from misper.national.linkage import read_records

    with data.open() as handle:
        result = read_records(handle)
    keys, ids = [], []
    for r in result.records:
        keys.append((r.source, r.ref))
        name = ((r.given_name or "").lower(), (r.family_name or "").lower(), r.date_of_birth or "")
        ids.append("|".join(name) if all(name) else f"{r.source}|{r.ref}")
    _write(out, keys, ids)


def _write(out: Path, keys, ids) -> None:  # type: ignore[no-untyped-def]
    with out.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "ref", "person_id"])
        writer.writerows((s, r, p) for (s, r), p in zip(keys, ids, strict=True))


def _child(step: str, data: Path, out: Path) -> dict[str, float]:
    """Run one step in a fresh process; its wall time and its own peak RSS (GNU time's figure)."""
    start = time.perf_counter()
    usage = out.with_suffix(".rss")
    command = [sys.executable, __file__, "--step", step, str(data), str(out)]
    timer = ["/usr/bin/time", "-f", "%M", "-o", str(usage)] if Path("/usr/bin/time").exists() else []
    subprocess.run([*timer, *command], check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - start
    rss_kib = (
        int(usage.read_text().split()[-1])
        if timer
        else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    )
    return {"seconds": round(wall, 1), "peak_rss_mib": round(rss_kib / 1024, 1)}


HELD_OUT = (301, 302, 303, 304)  # synthetic seeds never used to tune anything (3,000 children each)


def accuracy_sets(children: int = 3000, seeds: tuple[int, ...] = HELD_OUT) -> dict[str, object]:
    """FEBRL3 and the held-out synthetic seeds: misper and the plain model, pairwise P/R/F1, queue share."""
    _setup()
    import django

    django.setup()
    from bench.plain_splink import plain_link
    from misper.national.linkage import link, read_records
    from misper.national.linkage.evaluate import pairwise
    from misper.national.linkage.synthetic import labelled_records
    from misper.national.tests.febrl import febrl3_documents

    def scores(predicted, truth):  # type: ignore[no-untyped-def]
        s = pairwise(predicted, truth)
        return {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4)}

    documents, truth = febrl3_documents()
    read = read_records(json.dumps(d) for d in documents)
    ours = link(read.records)
    febrl = {
        "records": len(read.records), "rejected": len(read.rejects), "kept_with_problems": len(read.problems),
        "misper": {**scores(ours.person_ids, truth), "review_queue": len(ours.doubtful),
                   "review_share": round(len(ours.doubtful) / len(read.records), 4)},
        "plain_splink": scores(plain_link(read.records), truth),
    }  # fmt: skip
    predicted, plain, people, queue, n = [], [], [], 0, 0
    for seed in seeds:
        records, labels = labelled_records(children, seed=seed)
        outcome = link(records)
        predicted += [(seed, p) for p in outcome.person_ids]
        plain += [(seed, p) for p in plain_link(records)]
        people += [(seed, p) for p in labels]
        queue, n = queue + len(outcome.doubtful), n + len(records)
    synthetic = {
        "seeds": list(seeds), "children_per_seed": children, "records": n,
        "misper": {**scores(predicted, people), "review_queue": queue, "review_share": round(queue / n, 4)},
        "plain_splink": scores(plain, people),
    }  # fmt: skip
    return {"febrl3": febrl, "synthetic_held_out": synthetic}


def _accuracy(out: Path, truth_path: Path) -> dict[str, float]:
    _setup()
    from misper.national.linkage.evaluate import pairwise

    truth = json.loads(truth_path.read_text())
    with out.open() as handle:
        rows = list(csv.reader(handle))[1:]
    scores = pairwise([r[2] for r in rows], [truth[f"{r[0]}\x1f{r[1]}"] for r in rows])
    return {
        "precision": round(scores.precision, 4),
        "recall": round(scores.recall, 4),
        "f1": round(scores.f1, 4),
    }


def _commit() -> str:
    done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--no-scale", action="store_true", help="accuracy sets only (no N-record run)")
    parser.add_argument(
        "--smoke", action="store_true", help="a tiny synthetic accuracy set (checks the script)"
    )
    parser.add_argument("--step", nargs=3, metavar=("STEP", "DATA", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        {"splink": run_splink, "exact": run_exact, "plain": run_plain}[args.step[0]](
            Path(args.step[1]), Path(args.step[2])
        )
        return
    load_at_start = os.getloadavg()
    accuracy = accuracy_sets(300, HELD_OUT[:1]) if args.smoke else accuracy_sets()
    print(json.dumps(accuracy, indent=2), flush=True)
    if args.no_scale:
        _save({"benchmark": "linkage", "commit": _commit(), "accuracy_sets": accuracy,
               "load_average": {"start": load_at_start[0], "end": os.getloadavg()[0], "cpus": os.cpu_count()}})  # fmt: skip
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data, truth = write_input(args.records, folder)
        n = sum(1 for _ in data.open())
        # The baseline runs first so the splink child's ru_maxrss (a maximum over children) is its own
        # only if it is the larger; both are recorded as measured.
        load_before = os.getloadavg()
        exact = _child("exact", data, folder / "exact.csv")
        splink = _child("splink", data, folder / "splink.csv")
        load_between = os.getloadavg()
        plain = _child("plain", data, folder / "plain.csv")
        stages = json.loads((folder / "splink.stages.json").read_text())
        result = {
            "benchmark": "linkage",
            "commit": _commit(),
            "machine": f"{platform.platform()} {platform.machine()} python {platform.python_version()}; cpus={os.cpu_count()}",
            "scale": {"records": n},
            "metrics": {
                "per_second": round(n / splink["seconds"], 1),
                "peak_rss_mib": splink["peak_rss_mib"],
            },
            "baseline": {
                "plain_splink": {
                    "per_second": round(n / plain["seconds"], 1),
                    "peak_rss_mib": plain["peak_rss_mib"],
                },
                "exact": {
                    "per_second": round(n / exact["seconds"], 1),
                    "peak_rss_mib": exact["peak_rss_mib"],
                },
            },
            "seconds": {
                "splink": splink["seconds"],
                "plain_splink": plain["seconds"],
                "exact": exact["seconds"],
            },
            "time_ratio_to_plain_splink": round(splink["seconds"] / plain["seconds"], 3),
            "splink_stages_seconds": stages,
            # The machine is shared: 1-minute load averages when the run started and when it ended.
            "load_average": {
                "start": load_at_start[0],
                "scale_start": load_before[0],
                "between_misper_and_plain": load_between[0],
                "end": os.getloadavg()[0],
                "cpus": os.cpu_count(),
            },
            "accuracy": {
                "splink": _accuracy(folder / "splink.csv", truth),
                "plain_splink": _accuracy(folder / "plain.csv", truth),
                "exact": _accuracy(folder / "exact.csv", truth),
            },
            "accuracy_sets": accuracy,
        }
    _save(result)


def _save(result: dict) -> None:  # type: ignore[type-arg]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "linkage.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
