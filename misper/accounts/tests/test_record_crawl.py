"""Two crawls of every surface as every role and agency relationship (issue 13), over one world:

1. **Sentinels**: one child carries a distinct sentinel in every restricted field (``sentinel_world``);
   each sentinel may appear only in answers to users whose relation to the child may see its field
   group (``ALLOWED``, the matrix in docs/trust.md, "Who sees which fields").
2. **Access log**: any answer that shows the child's name or reference wrote an access event for that
   child (naming the child, or its episode, return interview or placement notice).

Both read one crawl (``crawler.crawl``), made once for the module inside a transaction rolled back after.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from misper.accounts.tests.crawler import Seen, Surface, crawl
from misper.accounts.tests.sentinel_world import (
    CHILD_FAMILY,
    CHILD_REF,
    SENTINEL_GROUPS,
    SENTINELS,
    SHARED,
    sentinel_world_build,
)
from misper.analytics.facts import facts_refresh
from misper.analytics.national_return import national_return_write
from misper.audit.models import AccessEvent
from misper.episodes.models import Episode
from misper.partners.models import PlacementNotice, ReturnInterview

# Field group → the relations to the child that may see it (docs/trust.md, "Who sees which fields").
# Written out here, not read from misper.partners.field_access, so that loosening the code's matrix
# fails this test until the documented matrix is changed with it.
ALLOWED: dict[str, frozenset[str]] = {
    "police_intelligence": frozenset({"police_owner"}),
    "safe_and_well_account": frozenset({"police_owner"}),
    "interview_account": frozenset({"interview_agency"}),
}
NOT_SHOWN = {301, 302, 303, 401, 403, 404, 405}


_CRAWL: dict[str, Any] = {}


@pytest.fixture
def crawled(db: None) -> dict[str, Any]:
    """The crawl's results, made by the first test that asks (in its own rolled-back transaction) and
    kept as plain data for the others."""
    if not _CRAWL:
        with override_settings(MISPER_ANALYTICS_REFRESH_ON_READ=False):
            _CRAWL.update(_crawl())
    return _CRAWL


def _crawl() -> dict[str, Any]:
    w = sentinel_world_build()
    assert w.crawlers is not None
    facts_refresh()  # once: the crawl only reads, so every figure is as of the world built
    seen = crawl(w, {name: user for name, (user, _) in w.crawlers.items()})
    episodes = Episode.objects.filter(child=w.child)
    records = {
        "child": {str(w.child.pk)},
        "episode": {str(pk) for pk in episodes.values_list("pk", flat=True)},
        "return_interview": {
            str(pk)
            for pk in ReturnInterview.objects.filter(episode__in=episodes).values_list("pk", flat=True)
        },
        "placement_notice": {
            str(pk) for pk in PlacementNotice.objects.filter(child=w.child).values_list("pk", flat=True)
        },
    }
    relations = {name: rel for name, (_, rel) in w.crawlers.items()}
    seen.append(_national_return(w))
    relations["national body"] = frozenset()
    return {"seen": seen, "records": records, "relations": relations}


def _national_return(w: Any) -> Seen:
    """The national return (``misper export national``) for the month, as the national body gets it."""
    out = io.StringIO()
    month = f"{timezone.localdate():%Y-%m}"
    before = AccessEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    national_return_write(period=month, out=out, force_code=w.force.code)
    surface = Surface("misper export national", "COMMAND", f"--period {month}")
    events = list(AccessEvent.objects.filter(pk__gt=before))
    return Seen("national body", surface, 200, out.getvalue(), events)


def _shown(s: Seen) -> bool:
    return s.status not in NOT_SHOWN and s.status < 500


def test_the_crawl_made_no_server_error(crawled):  # type: ignore[no-untyped-def]
    errors = [
        f"{s.user}: {s.surface.method} {s.surface.path} → {s.status}"
        for s in crawled["seen"]
        if s.status >= 500
    ]
    assert not errors, "\n".join(errors)


def test_each_sentinel_appears_only_where_the_matrix_allows(crawled):  # type: ignore[no-untyped-def]
    leaks = []
    for s in crawled["seen"]:
        if not _shown(s):
            continue
        rel = crawled["relations"][s.user]
        for field, value in SENTINELS.items():
            if value in s.text and not rel & ALLOWED[SENTINEL_GROUPS[field]]:
                leaks.append(f"{field} shown to {s.user} by {s.surface.method} {s.surface.path}")
    assert not leaks, f"{len(leaks)} restricted fields shown where the matrix forbids:\n" + "\n".join(
        sorted(leaks)
    )


# A police-only flag shows as its code checked in a form prefilled from the record (the risk tool).
POLICE_ONLY_FLAG_CHECKED = 'value="cce_risk" checked'


def test_no_form_is_prefilled_with_a_police_only_flag_where_the_matrix_forbids(crawled):  # type: ignore[no-untyped-def]
    leaks = [
        f"{s.user}: {s.surface.method} {s.surface.path}"
        for s in crawled["seen"]
        if _shown(s)
        and POLICE_ONLY_FLAG_CHECKED in s.text
        and not crawled["relations"][s.user] & ALLOWED["police_intelligence"]
    ]
    assert not leaks, "A police-only flag prefilled for:\n" + "\n".join(sorted(leaks))


def test_the_crawl_reaches_every_field_group(crawled):  # type: ignore[no-untyped-def]
    """The crawl reaches the surfaces: each shared value, and at least one sentinel of each restricted
    group, is on some answer to a user allowed to see it (else a leak test passing would mean nothing)."""
    shown = "\n".join(s.text for s in crawled["seen"] if _shown(s))
    unseen = [f for f, v in SHARED.items() if v not in shown]
    assert not unseen, f"Shared values planted but never shown: {unseen}"
    for group, allowed in ALLOWED.items():
        texts = "\n".join(
            s.text for s in crawled["seen"] if _shown(s) and crawled["relations"][s.user] & allowed
        )
        fields = [f for f, g in SENTINEL_GROUPS.items() if g == group]
        assert any(SENTINELS[f] in texts for f in fields), f"No {group} sentinel shown to anyone allowed"


def _names_child(s: Seen, records: dict[str, set[str]]) -> bool:
    for event in s.events:
        ids = {str(i) for i in event.record_ids or []}
        if ids & records.get(event.record_type, set()):
            return True
    return False


def test_every_answer_showing_the_child_wrote_an_access_event_for_it(crawled):  # type: ignore[no-untyped-def]
    unlogged = [
        f"{s.user}: {s.surface.method} {s.surface.path} ({s.status})"
        for s in crawled["seen"]
        if _shown(s)
        and (CHILD_FAMILY in s.text or CHILD_REF in s.text)
        and not _names_child(s, crawled["records"])
    ]
    assert not unlogged, f"{len(unlogged)} answers showed the child without logging it:\n" + "\n".join(
        unlogged
    )
