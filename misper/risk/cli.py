"""`misper assess`: assess one document, or a JSON Lines batch, from the command line.

    misper assess [--policy NAME|PATH] FILE.json      prints the result as JSON
    misper assess [--policy NAME|PATH] --batch FILE.jsonl
                                                      prints one result per input line, as it goes

FILE may be ``-`` for standard input. Exit codes: 0 all assessed; 2 bad input, an unreadable file or
a bad policy, with one line on standard error naming the field. In a batch an invalid line does not
stop the run: its output line is ``{"line": N, "error": {"field": ..., "message": ...}}`` (N counts
from 1; blank lines are skipped but counted), and the run ends with exit code 2 and one line on
standard error giving how many lines were invalid and the first of them.
`argv` excludes the word ``assess``: ``misper assess ...`` calls ``main(sys.argv[2:])``.
"""

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import IO, Any, NoReturn

from misper.risk.engine import assess
from misper.risk.errors import InvalidDocument, PolicyError
from misper.risk.policies import DEFAULT_POLICY, load_policy
from misper.risk.policy import Policy

EXIT_OK = 0
EXIT_INVALID = 2
PROG = "misper assess"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, like every other failure of this command.
        self.exit(EXIT_INVALID, f"{self.prog}: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Recommend a risk grading for missing child reports (misper/1).")
    parser.add_argument("--policy", default=DEFAULT_POLICY, help="policy name or path to a .toml file")
    parser.add_argument("--batch", action="store_true", help="FILE is JSON Lines: one document per line")
    parser.add_argument("file", metavar="FILE", help="input file, or - for standard input")
    return parser


def _fail(message: str) -> int:
    print(f"{PROG}: {message}".replace("\n", " "), file=sys.stderr)
    return EXIT_INVALID


def _open(path: str) -> AbstractContextManager[IO[str]]:
    if path == "-":
        return nullcontext(sys.stdin)  # never close the process's standard input
    return open(path, encoding="utf-8")


def _load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidDocument(
            "$", f"is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None


def _assess_one(path: str, policy: Policy, out: IO[str]) -> int:
    with _open(path) as handle:
        text = handle.read()
    result = assess(_load_json(text), policy)
    out.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def _batch_lines(lines: Iterable[str], policy: Policy) -> Iterator[tuple[int, str, InvalidDocument | None]]:
    """For each non-blank line: its number, its output line, and its error if it was invalid."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield number, dumps(assess(_load_json(line), policy)), None
        except InvalidDocument as exc:
            yield number, dumps({"line": number, "error": exc.as_dict()}), exc


def _assess_batch(path: str, policy: Policy, out: IO[str]) -> int:
    invalid: list[tuple[int, InvalidDocument]] = []
    with _open(path) as handle:
        for number, output, error in _batch_lines(handle, policy):
            out.write(output + "\n")
            if error is not None:
                invalid.append((number, error))
    if invalid:
        number, error = invalid[0]
        return _fail(f"{len(invalid)} invalid line(s); first: line {number}: {error}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run ``misper assess`` with `argv` (without the word ``assess``); return the exit code."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already reported on one line
        return exc.code if isinstance(exc.code, int) else EXIT_INVALID
    try:
        policy = load_policy(args.policy)
        run = _assess_batch if args.batch else _assess_one
        return run(args.file, policy, sys.stdout)
    except PolicyError as exc:
        return _fail(f"policy: {exc}")
    except InvalidDocument as exc:
        return _fail(str(exc))
    except (OSError, UnicodeDecodeError) as exc:
        return _fail(f"{args.file}: cannot be read: {getattr(exc, 'strerror', None) or exc}")
