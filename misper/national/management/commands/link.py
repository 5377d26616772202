"""``misper link INPUT.jsonl --out OUT.csv``: which records in several forces' returns are the same child."""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from misper.national.linkage import link, read_records
from misper.national.linkage.errors import SparkBackendError
from misper.national.linkage.model import BACKENDS, MATCH_THRESHOLD, MODEL_PATH, train_on_synthetic
from misper.national.linkage.records import Problem, ReadResult
from misper.national.services import write_rejects

UNUSABLE = "No line of {path} could be linked."
CANNOT_READ = "Cannot read {path}: {reason}"


class Command(BaseCommand):
    help = "Link children's records across forces' returns (misper/1 JSONL) and write source,ref,person_id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", type=Path, help="JSONL: one misper/1 document with 'source' per line")
        parser.add_argument("--out", type=Path, required=True, help="CSV to write (source,ref,person_id)")
        parser.add_argument("--threshold", type=float, default=MATCH_THRESHOLD, help="match probability")
        parser.add_argument("--model", type=Path, default=MODEL_PATH, help="trained model JSON")
        parser.add_argument("--train", action="store_true", help="retrain the model on synthetic data first")
        parser.add_argument(
            "--backend",
            choices=BACKENDS,
            default="duckdb",
            help="Splink backend: duckdb (default) or spark (local[2]; see docs/linkage.md)",
        )
        parser.add_argument(
            "--no-twin-guard", action="store_true", help="link pairs whose given names clearly differ"
        )

    def handle(self, *args: object, **options: object) -> None:
        source: Path = options["input"]  # type: ignore[assignment]
        out: Path = options["out"]  # type: ignore[assignment]
        if options["train"]:
            train_on_synthetic(out=options["model"])  # type: ignore[arg-type]
        try:
            with source.open(encoding="utf-8", errors="replace") as handle:
                result = read_records(handle)
        except OSError as error:
            raise CommandError(
                CANNOT_READ.format(path=source, reason=error.strerror), returncode=2
            ) from error
        for reject in result.rejects:
            sys.stderr.write(f"line {reject.line}: rejected: {' '.join(reject.errors)}\n")
        for problem in result.problems:
            sys.stderr.write(f"line {problem.line}: kept: {problem.message}\n")
        write_rejects(out, result.rejects, result.problems)
        if not result.records:
            raise CommandError(UNUSABLE.format(path=source), returncode=2)
        try:
            outcome = link(
                result.records,
                model=options["model"],  # type: ignore[arg-type]
                threshold=options["threshold"],  # type: ignore[arg-type]
                twin_guard=not options["no_twin_guard"],
                backend=options["backend"],  # type: ignore[arg-type]
            )
        except SparkBackendError as error:
            raise CommandError(str(error), returncode=2) from error
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["source", "ref", "person_id"])
            writer.writerows(_rows(result, outcome.person_ids))
        self.stderr.write(
            f"{len(result.records) + len(result.repeats)} records linked into "
            f"{len(set(outcome.person_ids))} children; {len(outcome.doubtful)} pairs for review. "
            f"Rejects summary: {len(result.rejects)} lines rejected (not JSON, or no force code or "
            f"reference); {len({p.line for p in result.problems})} records kept with a field treated as "
            f"missing{_by_kind(result.problems)}."
        )


def _rows(result: ReadResult, person_ids: list[str]) -> list[tuple[int, str, str, str]]:
    """One row per input line with an identity, in input order (a repeated reference included)."""
    rows = [
        (line, r.source, r.ref, pid)
        for line, r, pid in zip(result.lines, result.records, person_ids, strict=True)
    ]
    rows += [(rep.line, rep.record.source, rep.record.ref, person_ids[rep.index]) for rep in result.repeats]
    return [row[1:] for row in sorted(rows)]  # type: ignore[misc]


def _by_kind(problems: list[Problem]) -> str:
    kinds = Counter(p.message.split("'")[1] if "'" in p.message else "reference repeated" for p in problems)
    return f" ({', '.join(f'{n} {kind}' for kind, n in sorted(kinds.items()))})" if kinds else ""
