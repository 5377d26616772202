"""The demo's UK Missing Persons Unit notices, written through the same services people use (after
``load_plan``, by ``misper seed``; documented in docs/demo-data.md):

- ``C-DEMO-3`` Mia Instance, 13, reported missing by ``demo-calltaker`` through ``episode_report``, last
  seen 80 hours ago: her notice is due, so ``demo-coordinator`` sees it on the episode and the list;
- every earlier episode whose child was still missing at the 72-hour point has its notice recorded by
  ``demo-coordinator`` through ``ukmpu_notice_record``: most a few hours after the point, one in eight
  late, and the most recent one left unsent (late), so the dashboard counts all three.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from misper.accounts.models import User
from misper.episodes import schedules, ukmpu
from misper.episodes.models import Episode, NoticeMethod
from misper.episodes.services import episode_report

STORY_REF = "C-DEMO-3"
METHODS = list(NoticeMethod.values)


def _report_mia(calltaker: User) -> Episode:
    now = timezone.now()
    born = (now - timedelta(days=13 * 365 + 120)).date()
    doc: dict[str, Any] = {
        "format": "misper/1",
        "child": {
            "ref": STORY_REF,
            "given_name": "Mia",
            "family_name": "Instance",
            "date_of_birth": str(born),
        },
        "report": {
            "reported_at": (now - timedelta(hours=78)).isoformat(),
            "last_seen_at": (now - timedelta(hours=80)).isoformat(),
            "reported_by": "parent",
            "circumstances": "Left for school and did not arrive. Her phone has been off since.",
            "indicators": ["out_of_character"],
        },
    }
    return episode_report(doc=doc, acting_user=calltaker).episode


@transaction.atomic
def ukmpu_demo(force_code: str) -> dict[str, int]:
    """Report Mia and record the notices of earlier long episodes (see the module's docstring).
    Returns how many notices were recorded and left unsent."""
    coordinator = User.objects.get(username="demo-coordinator", agency__code=force_code)
    calltaker = User.objects.get(username="demo-calltaker", agency__code=force_code)
    _report_mia(calltaker)
    limits = schedules.thresholds()
    now = timezone.now()
    found_late = [
        e
        for e in Episode.objects.filter(force=coordinator.agency, found_at__isnull=False).select_related(
            "child", "force", "owner", "missing_from", "child__placing_authority"
        )
        if e.found_at and e.found_at >= ukmpu.notice_due_at(e, limits)
    ]
    found_late.sort(key=lambda e: e.reported_at)
    recorded = 0
    for i, episode in enumerate(found_late[:-1]):
        after = limits.ukmpu_late_after + timedelta(hours=6) if i % 8 == 7 else timedelta(hours=3)
        sent_at = min(ukmpu.notice_due_at(episode, limits) + after, now - timedelta(minutes=10))
        ukmpu.ukmpu_notice_record(
            episode_id=episode.pk,
            sent_at=sent_at,
            method=METHODS[i % len(METHODS)],
            ukmpu_reference=f"UKMPU-DEMO-{i + 1:04d}",
            acting_user=coordinator,
        )
        recorded += 1
    return {"ukmpu notices": recorded, "ukmpu notices unsent": len(found_late) - recorded}
