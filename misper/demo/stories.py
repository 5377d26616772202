"""Two fixed children for demonstrations and browser journeys (documented in docs/demo-data.md).

- ``C-DEMO-1`` Jade Example, 14, in a residential children's home, at risk of sexual exploitation,
  with a current trigger plan (minimum risk high), eight earlier episodes and an adult of concern.
  She is not missing now.
- ``C-DEMO-2`` Tyler Sample, 15, living at home, at risk of criminal exploitation, missing now.
"""

from __future__ import annotations

from datetime import timedelta

from misper.demo import world
from misper.demo.context import Gen
from misper.demo.networks import new_associate
from misper.demo.partnering import trigger_plan
from misper.demo.plan import CawnPlan, ChildPlaceLink, ChildPlan, EpisodePlan, FlagPlan, LinkPlan

JADE_REF = "C-DEMO-1"
TYLER_REF = "C-DEMO-2"
# (days ago reported, hours missing) for each of Jade's episodes, oldest first.
JADE_EPISODES = ((170, 6), (150, 14), (120, 30), (95, 9), (70, 20), (45, 48), (25, 11), (6, 16))
TYLER_EPISODES = ((80, 20), (52, 40), (30, 8), (12, 26))


def add_stories(gen: Gen) -> None:
    """Add Jade and Tyler with their records, adults and episodes. Needs the fixed world built."""
    _jade(gen)
    _tyler(gen)


def _child(gen: Gen, ref: str, given: str, family: str, sex: str, age_days: int) -> ChildPlan:
    child = ChildPlan(
        key=len(gen.plan.children),
        ref=ref,
        given_name=given,
        family_name=family,
        date_of_birth=gen.now.date() - timedelta(days=age_days),
        sex=sex,
        ethnicity="W1",
        phone=world.drama_mobile(gen.rng),
        languages="English",
    )
    gen.plan.children.append(child)
    gen.story_children.add(child.key)
    return child


def _episodes(gen: Gen, child: ChildPlan, times: tuple[tuple[int, int], ...]) -> list[EpisodePlan]:
    eps = []
    for days, hours in times:
        reported = gen.days_ago(days).replace(hour=21, minute=15, second=0, microsecond=0)
        ep = EpisodePlan(
            key=len(gen.plan.episodes),
            child=child.key,
            reported_at=reported,
            last_seen_at=reported - timedelta(hours=2),
            found_at=reported + timedelta(hours=hours),
        )
        gen.plan.episodes.append(ep)
        eps.append(ep)
    gen.episodes_by_child[child.key] = eps
    return eps


def _jade(gen: Gen) -> None:
    jade = _child(gen, JADE_REF, "Jade", "Example", "female", 14 * 365 + 100)
    jade.preferred_name = "Jade"
    jade.description = "About 158 cm, slim build, long dark hair. Usually wears a pink puffer jacket."
    jade.social_media = "Snapchat: jadexample_demo"
    jade.looked_after, jade.placement_type = True, "residential_home"
    jade.placing_authority = jade.host_authority = world.HOME_LA
    jade.care_provider = "fernhollow-care"
    jade.placement_location = gen.places.children_homes["fernhollow-care"][0]
    jade.places.append(ChildPlaceLink(jade.placement_location, "placement"))
    jade.places.append(ChildPlaceLink(gen.places.public[0], "frequented", "Meets older friends here"))
    jade.placed_since = gen.now.date() - timedelta(days=400)
    jade.social_worker_name, jade.social_worker_phone = "Sol Socialworker", "01632 960101"
    today = gen.now.date()
    jade.flags += [
        FlagPlan(
            "cse_risk",
            "Multi-agency child exploitation meeting",
            world.HOME_LA,
            today - timedelta(days=200),
            notes="Seen getting into cars with older men; unexplained gifts.",
        ),
        FlagPlan("mental_health", "CAMHS", None, today - timedelta(days=300)),
    ]
    lee = new_associate(gen, ["cse_suspect"], age=(26, 27))
    lee.given_name, lee.family_name = "Lee", "Specimen"
    gen.plan.links.append(
        LinkPlan(
            jade.key,
            lee.key,
            "boyfriend",
            True,
            today - timedelta(days=160),
            "Calls himself her boyfriend; 12 years older.",
            "older_boyfriend",
            "Children's services",
        )
    )
    gen.plan.cawns.append(
        CawnPlan(
            lee.key,
            jade.key,
            today - timedelta(days=60),
            jade.date_of_birth.replace(year=jade.date_of_birth.year + 18),
            [],
            "Served in person at his flat.",
        )
    )
    eps = _episodes(gen, jade, JADE_EPISODES)
    eps[5].found_with_associate = lee.key
    eps[5].found_with = "With Lee Specimen, 26, an adult of concern"
    eps[4].harm_disclosed = True
    trigger_plan(gen, jade, 1, today - timedelta(days=110), "medium").superseded_at = gen.days_ago(40)
    trigger_plan(gen, jade, 2, today - timedelta(days=40), "high")


def _tyler(gen: Gen) -> None:
    tyler = _child(gen, TYLER_REF, "Tyler", "Sample", "male", 15 * 365 + 200)
    tyler.description = "About 175 cm, slim build, short brown hair. Grey tracksuit."
    tyler.home_location = gen.places.add("home", world.TOWNS[0])
    tyler.places.append(ChildPlaceLink(tyler.home_location, "home"))
    tyler.flags.append(
        FlagPlan(
            "cce_risk",
            "Police intelligence",
            world.FORCE,
            gen.now.date() - timedelta(days=90),
            notes="Found in Westvale with cash.",
        )
    )
    dean = new_associate(gen, ["drug_supplier"], age=(22, 23))
    dean.given_name, dean.family_name = "Dean", "Placeholder"
    gen.plan.links.append(
        LinkPlan(
            tyler.key,
            dean.key,
            "associate",
            True,
            gen.now.date() - timedelta(days=85),
            "Believed to run a county line from Westvale.",
            "suspected_criminal_exploiter",
            "Police intelligence",
        )
    )
    eps = _episodes(gen, tyler, TYLER_EPISODES)
    reported = gen.now - timedelta(hours=3)
    current = EpisodePlan(
        key=len(gen.plan.episodes),
        child=tyler.key,
        reported_at=reported,
        last_seen_at=reported - timedelta(hours=4),
        found_at=None,
        owner="demo-officer",
    )
    gen.plan.episodes.append(current)
    eps.append(current)
    trigger_plan(gen, tyler, 1, gen.now.date() - timedelta(days=25), "high")


def link_to_networks(gen: Gen) -> None:
    """Share Jade's adult of concern with up to two other children flagged for sexual exploitation."""
    jade_link = next(link for link in gen.plan.links if gen.child(link.child).ref == JADE_REF)
    others = [
        c.key
        for c in gen.plan.children
        if c.key not in gen.story_children and any(f.code == "cse_risk" for f in c.flags)
    ]
    for key in others[:2]:
        gen.plan.links.append(
            LinkPlan(
                key,
                jade_link.associate,
                "associate",
                True,
                gen.first_day(key),
                "Seen with him in the town centre.",
                "suspected_sexual_exploiter",
                "Police intelligence",
            )
        )
