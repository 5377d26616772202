"""Demo national returns: the demo force's own children plus two neighbouring forces' returns in which
some of the same children appear (damaged as real returns are), so the national view shows children
missing in more than one force area. Synthetic data only.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

from django.utils import timezone

from misper.demo.world import FORCE, NEIGHBOUR_FORCES
from misper.episodes.models import Episode
from misper.national.linkage import synthetic

SHARED_SHARE = 0.15  # of the demo force's children, the share also reported missing by a neighbour


def _document(source: str, ref: str, child: dict, address: dict | None, episode: dict) -> dict:
    doc = {"format": "misper/1", "source": source, "child": {"ref": ref, **child}, "episode": episode}
    if address:
        doc["address"] = address
    return doc


def _demo_force_documents() -> list[dict]:
    """One document per episode of the demo force (from the seeded database), newest first."""
    out = []
    episodes = Episode.objects.filter(force__code=FORCE, child__date_of_birth__isnull=False).select_related(
        "child", "child__home_address"
    )
    for e in episodes.order_by("-reported_at")[:3000]:
        child = {"given_name": e.child.given_name, "family_name": e.child.family_name,
                 "date_of_birth": e.child.date_of_birth.isoformat(), "sex": e.child.sex}  # fmt: skip
        home = e.child.home_address
        address = {"line": home.address_line, "town": home.town, "postcode": home.postcode} if home else None
        episode = {"ref": e.reference, "reported_at": e.reported_at.isoformat(), "risk": e.risk,
                   "category": e.category, "status": e.status,
                   "found_at": e.found_at.isoformat() if e.found_at else None}  # fmt: skip
        out.append(_document(FORCE, e.child.ref, child, address, episode))
    return out


def _episode(rng: random.Random, now: datetime, ref: str, open_now: bool) -> dict:
    reported = now - timedelta(hours=rng.randint(2, 24 * 300))
    found = None if open_now else (reported + timedelta(hours=rng.randint(1, 72))).isoformat()
    return {"ref": ref, "reported_at": reported.isoformat(), "found_at": found,
            "risk": rng.choice(("low", "medium", "medium", "high")), "category": "missing",
            "status": "active" if open_now else "closed"}  # fmt: skip


def _neighbour_documents(own: list[dict], rng: random.Random) -> list[dict]:
    """The neighbours' returns: some demo children (damaged copies) and some synthetic children."""
    now = timezone.now()
    children = {d["child"]["ref"]: d for d in own}
    shared = rng.sample(sorted(children), k=int(len(children) * SHARED_SHARE))
    docs = []
    for n, ref in enumerate(shared):
        source = NEIGHBOUR_FORCES[n % 2]
        c = children[ref]["child"]
        given = (
            synthetic._given(rng, c["given_name"], synthetic._Pools(), c["sex"])
            if n % 3 == 0
            else c["given_name"]
        )
        child = {"given_name": given or c["given_name"], "family_name": c["family_name"],
                 "date_of_birth": synthetic._date(rng, datetime.fromisoformat(c["date_of_birth"]).date()) or c["date_of_birth"],
                 "sex": c["sex"]}  # fmt: skip
        docs.append(_document(source, f"N-{n:05d}", child, children[ref].get("address"),
                              _episode(rng, now, f"{source[:4].upper()}-{n:05d}", open_now=n % 7 == 0)))  # fmt: skip
    for a in synthetic.generate(400, seed=rng.randrange(1 << 30))[:400]:
        doc = a.document()
        doc["source"] = NEIGHBOUR_FORCES[hash(a.source) % 2]
        doc["child"]["ref"] = f"S-{a.source[:3]}-{a.ref}"
        doc["episode"] = _episode(rng, now, doc["child"]["ref"], open_now=rng.random() < 0.03)
        docs.append(doc)
    return docs


def write_demo_returns(folder: Path, seed: int = 2016) -> list[Path]:
    """Write one JSONL return per force (demo force and its two neighbours) into ``folder``."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    own = _demo_force_documents()
    by_source: dict[str, list[dict]] = {FORCE: own}
    for doc in _neighbour_documents(own, rng) if own else []:
        by_source.setdefault(doc["source"], []).append(doc)
    paths = []
    for source, docs in by_source.items():
        path = folder / f"{source}.jsonl"
        path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
        paths.append(path)
    return paths
