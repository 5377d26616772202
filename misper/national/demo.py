"""Demo national returns, made the way forces make them (issue 18).

The demo force's file is its real national return: ``national_return_write``, the service behind
``misper export national``, once for every month with episodes, so the disclosure is logged as a force's
would be. The two neighbouring forces have no database here, so their returns are written from the demo
force's lines in the same format (national return version 2, every line checked against its schema):
some of the same children (damaged as real returns are: typing errors, nicknames, day and month swapped)
and some children of their own from the synthetic generator. ``misper national demo`` then imports all
three files with ``national_import``, the service behind ``misper national import``. Synthetic data only.
"""

from __future__ import annotations

import copy
import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from misper.analytics.national_return import national_return_write, validate_line
from misper.demo.world import FORCE, NEIGHBOUR_FORCES
from misper.episodes.models import Episode
from misper.national.linkage import synthetic

SHARED_SHARE = 0.15  # of the demo force's children, the share also reported missing by a neighbour
OWN_CHILDREN = 400  # children known only to the neighbours


class DemoActor:
    """Who the access log names for the demo force's disclosure."""

    pk = None
    agency = None
    role = "command_line"
    username = "misper national demo"


def _months(force_code: str) -> list[str]:
    """Every month from the force's first episode to its last, as YYYY-MM."""
    dates = Episode.objects.filter(force__code=force_code).order_by("reported_at")
    first, last = dates.values_list("reported_at", flat=True).first(), dates.last()
    if first is None or last is None:
        return []
    month, end = (first.year, first.month), (last.reported_at.year, last.reported_at.month)
    out = []
    while month <= end:
        out.append(f"{month[0]:04d}-{month[1]:02d}")
        month = (month[0] + month[1] // 12, month[1] % 12 + 1)
    return out


def write_force_return(path: Path, force_code: str, months: int) -> list[dict[str, Any]]:
    """The force's national returns for its last ``months`` months with episodes, written to ``path``
    by the export service (each a logged disclosure); the lines written."""
    with path.open("w", encoding="utf-8") as out:
        for month in _months(force_code)[-months:]:
            national_return_write(period=month, out=out, force_code=force_code, actor=DemoActor())
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _episode(line: dict, rng: random.Random, now: datetime, ref: str, open_now: bool) -> None:
    """Give ``line`` a neighbour's episode: its own reference and times, open now or found."""
    reported = now - timedelta(hours=rng.randint(2, 24 * 300))
    found = None if open_now else reported + timedelta(hours=rng.randint(1, 72))
    status = "active" if open_now else "closed"
    line["episode"].update(ref=ref, reported_at=reported.astimezone(UTC).isoformat(), status=status,
                           found_at=found.astimezone(UTC).isoformat() if found else None)  # fmt: skip
    line["report"]["reported_at"] = reported.astimezone(UTC).strftime("%Y-%m-%dT%H:00:00+00:00")
    line["outcome"].update(status=status, found_at=None, duration_hours=None)
    line["period"] = reported.strftime("%Y-%m")


def _full_date(value: str | None) -> str | None:
    """National return 2 carries a full date of birth or none: a partial one is not known."""
    return value if value and len(value) == 10 else None


def _shared(own: dict, n: int, rng: random.Random, now: datetime) -> dict:
    """A neighbour's line for a child the demo force also knows, as the neighbour typed it."""
    line, child = copy.deepcopy(own), own["child"]
    line["source"] = NEIGHBOUR_FORCES[n % 2]
    given = child["given_name"]
    if n % 3 == 0 and given:
        given = synthetic._given(rng, given, synthetic._Pools(), child["sex"]) or given
    born = child["date_of_birth"]
    if born:
        born = _full_date(synthetic._date(rng, date.fromisoformat(born))) or born
    line["child"].update(ref=f"N-{n:05d}", given_name=given, date_of_birth=born)
    _episode(line, rng, now, f"{line['source'][:4].upper()}-{n:05d}", open_now=n % 7 == 0)
    return line


def _own(template: dict, appearance: synthetic.Appearance, n: int, rng: random.Random, now: datetime) -> dict:
    """A neighbour's line for a synthetic child of its own."""
    line = copy.deepcopy(template)
    line["source"] = NEIGHBOUR_FORCES[n % 2]
    line["child"].pop("trigger_plan", None)
    line.update(history=[], associates=[])
    line["child"].update(age_band="unknown", looked_after=False, placement={}, vulnerabilities=[])
    line["child"].update(
        ref=f"S-{appearance.ref}", given_name=appearance.given_name or "", family_name=appearance.family_name or "",
        date_of_birth=_full_date(appearance.date_of_birth), sex=appearance.sex,
    )  # fmt: skip
    line.pop("address", None)
    if appearance.address:
        line["address"] = dict(appearance.address)
    _episode(line, rng, now, f"S-{appearance.ref}-E", open_now=rng.random() < 0.03)
    return line


def neighbour_lines(own: list[dict], rng: random.Random) -> list[dict]:
    """The neighbours' return lines: damaged copies of some demo children, and synthetic children."""
    now = timezone.now()
    children = {line["child"]["ref"]: line for line in own}
    shared = rng.sample(sorted(children), k=int(len(children) * SHARED_SHARE))
    lines = [_shared(children[ref], n, rng, now) for n, ref in enumerate(shared)]
    appearances = synthetic.generate(OWN_CHILDREN, seed=rng.randrange(1 << 30))[:OWN_CHILDREN]
    lines += [_own(own[0], a, n, rng, now) for n, a in enumerate(appearances)]
    for line in lines:
        problems = validate_line(line)
        if problems:
            raise ValueError(f"demo line for {line['child']['ref']}: {'; '.join(problems)}")
    return lines


# The demo force's returns for its last this many months: every month would take minutes to write
# (each line is built from the episode's full misper/1 document), too long for a demo.
MONTHS = 3


def write_demo_returns(folder: Path, seed: int = 2016, months: int = MONTHS) -> list[Path]:
    """Write one national return file per force (the demo force and its two neighbours) into ``folder``:
    the demo force's for its last ``months`` months with episodes."""
    folder.mkdir(parents=True, exist_ok=True)
    own_path = folder / f"{FORCE}.jsonl"
    own = write_force_return(own_path, FORCE, months)
    if not own:
        return [own_path]
    by_source: dict[str, list[dict]] = {}
    for line in neighbour_lines(own, random.Random(seed)):
        by_source.setdefault(line["source"], []).append(line)
    paths = [own_path]
    for source, lines in by_source.items():
        path = folder / f"{source}.jsonl"
        path.write_text("".join(json.dumps(line, sort_keys=True) + "\n" for line in lines), encoding="utf-8")
        paths.append(path)
    return paths
