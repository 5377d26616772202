"""The demo's UK Missing Persons Unit notices are written through the services: Mia is past the 72-hour
point and due, earlier long episodes have notices (some late), and the most recent is left unsent."""

from __future__ import annotations

import pytest

from misper.accounts.models import User
from misper.demo import world
from misper.demo.generator import generate_plan
from misper.demo.loader import load_plan
from misper.demo.notices import STORY_REF, ukmpu_demo
from misper.episodes import ukmpu
from misper.episodes.models import Episode, UkmpuNotice


@pytest.mark.django_db
def test_the_demo_has_a_child_past_the_point_and_notices_due_sent_and_late() -> None:
    load_plan(generate_plan(seed=2016, scale=0.05))
    counts = ukmpu_demo(world.FORCE)
    mia = Episode.objects.get(child__ref=STORY_REF)
    assert mia.is_open
    assert ukmpu.notice_state(mia).code == "due"
    assert counts["ukmpu notices"] == UkmpuNotice.objects.count() > 0
    assert set(UkmpuNotice.objects.values_list("sent_by__username", flat=True)) == {"demo-coordinator"}
    states = {ukmpu.notice_state(n.episode).code for n in UkmpuNotice.objects.select_related("episode")}
    assert states <= {"sent", "sent_late"}
    assert "sent" in states
    coordinator = User.objects.get(username="demo-coordinator")
    assert mia.pk in {e.pk for e, _ in ukmpu.notices_to_send(coordinator)}
