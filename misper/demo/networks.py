"""Adults around the children: exploitation networks shared by several children, and ordinary contacts.

Published inspections (HMIC 2016) found exploited children repeatedly with the same adults, so each
network here has one to three adults of concern linked to two to six children.
"""

from __future__ import annotations

from datetime import timedelta

from misper.core.dates import years_on
from misper.demo import figures
from misper.demo.context import Gen
from misper.demo.plan import AssociatePlan, CawnPlan, LinkPlan

NETWORK_CONCERN = {"cse_risk": "suspected_sexual_exploiter", "cce_risk": "suspected_criminal_exploiter"}
NETWORK_FLAGS = {
    "cse_risk": (("cse_suspect",), ("registered_sex_offender", "violent_offender")),
    "cce_risk": (("drug_supplier",), ("violent_offender",)),
}


def build_networks(gen: Gen) -> None:
    """Group flagged children into networks around shared adults of concern; add CAWNs."""
    for code in ("cse_risk", "cce_risk"):
        flagged = [
            c.key
            for c in gen.plan.children
            if c.key not in gen.story_children and any(f.code == code for f in c.flags)
        ]
        gen.rng.shuffle(flagged)
        for group in _groups(gen, flagged):
            _network(gen, code, group + _hangers_on(gen, group))
    for child in gen.plan.children:
        if child.key not in gen.story_children and gen.rng.random() < 0.10:
            _ordinary_contact(gen, child.key)


def _groups(gen: Gen, keys: list[int]) -> list[list[int]]:
    """Chunks of 2-5 children (a lone child joins the previous group)."""
    groups: list[list[int]] = []
    i = 0
    while i < len(keys):
        size = gen.rng.randint(2, 5)
        groups.append(keys[i : i + size])
        i += size
    if len(groups) > 1 and len(groups[-1]) < figures.ASSOCIATE_CHILDREN_MIN:
        groups[-2].extend(groups.pop())
    return groups


def _hangers_on(gen: Gen, group: list[int]) -> list[int]:
    """A repeat runner or two without the flag, drawn into the same network."""
    candidates = [
        c.key
        for c in gen.plan.children
        if not c.is_adult
        and c.key not in gen.story_children
        and len(gen.child_episodes(c.key)) >= 3
        and c.key not in group
    ]
    room = max(0, figures.ASSOCIATE_CHILDREN_MAX - len(group))
    count = min(room, gen.rng.choice((0, 0, 0, 1)), len(candidates))
    return gen.rng.sample(candidates, count)


def _network(gen: Gen, code: str, group: list[int]) -> None:
    rng = gen.rng
    primary, secondary = NETWORK_FLAGS[code]
    adults = [
        new_associate(gen, [*primary, *([rng.choice(secondary)] if rng.random() < 0.35 else [])])
        for _ in range(rng.randint(1, 3))
    ]
    for n, adult in enumerate(adults):
        members = group if n == 0 or len(group) <= 2 else rng.sample(group, rng.randint(2, len(group)))
        for key in members:
            relationship = "boyfriend" if code == "cse_risk" and rng.random() < 0.3 else "associate"
            noted = gen.first_day(key) - timedelta(days=rng.randrange(-20, 200))
            gen.plan.links.append(
                LinkPlan(
                    key,
                    adult.key,
                    relationship,
                    True,
                    noted,
                    "Seen together; believed to be exploiting the child.",
                    NETWORK_CONCERN[code],
                    "Police intelligence",
                )
            )
    if code == "cse_risk" and rng.random() < 0.5:
        _cawns(gen, adults[0].key, group)


def new_associate(
    gen: Gen, flags: list[str], sex: str = "male", age: tuple[int, int] = (18, 45)
) -> AssociatePlan:
    """An adult with the given misper/1 flags."""
    rng, fake = gen.rng, gen.fake
    dob = gen.now.date() - timedelta(days=rng.randrange(age[0] * 365 + 30, age[1] * 365))
    given = fake.first_name_male() if sex == "male" else fake.first_name_female()
    adult = AssociatePlan(
        key=len(gen.plan.associates),
        given_name=given,
        family_name=fake.last_name(),
        date_of_birth=dob,
        sex=sex,
        flags=flags,
        description=f"Drives a {rng.choice(('silver', 'black', 'white'))} "
        f"{rng.choice(('hatchback', 'saloon', 'van'))}.",
        intelligence_notes="Synthetic intelligence record for the demo.",
    )
    gen.plan.associates.append(adult)
    return adult


def _cawns(gen: Gen, associate: int, group: list[int]) -> None:
    rng = gen.rng
    for key in group:
        child = gen.child(key)
        issued = gen.first_day(key) + timedelta(days=rng.randrange(-60, 60))
        if issued >= gen.now.date():
            continue
        breaches = []
        if rng.random() < 0.3:
            when = issued + timedelta(days=rng.randrange(5, 90))
            if when < gen.now.date():
                breaches.append(
                    {
                        "on": when.isoformat(),
                        "note": "Found together at the associate's flat.",
                        "follow_up": "Arrested for breach; case referred to the CPS; strategy meeting held.",
                        "recorded_by": "Demoshire Police",
                        "recorded_at": f"{when.isoformat()}T12:00:00+00:00",
                    }
                )
        gen.plan.cawns.append(
            CawnPlan(
                associate,
                key,
                issued,
                years_on(child.date_of_birth, 18),
                breaches,
                "Served in person; copy to children's services.",
            )
        )


def _ordinary_contact(gen: Gen, key: int) -> None:
    # An aunt, a grandparent, an older sibling: the people a child usually goes to, known to be safe. Not a
    # much older "boyfriend" or an adult "friend" of a young child: the engine rightly reads those as of
    # concern, and the demo had made a quarter of all reports cite an adult of concern that way.
    rng = gen.rng
    relationship = "family"
    adult = new_associate(gen, [], sex=rng.choice(("male", "female")), age=(20, 70))
    gen.plan.links.append(
        LinkPlan(
            key,
            adult.key,
            relationship,
            False,
            gen.first_day(key),
            "Often where the child goes; helpful to police.",
        )
    )


def associate_address(gen: Gen, associate: int, cache: dict[int, int]) -> int:
    """The (one) address where a child is found with this associate."""
    if associate not in cache:
        adult = gen.plan.associates[associate]
        cache[associate] = gen.places.add("found", gen.places.home_town(), f"Flat used by {adult.given_name}")
    return cache[associate]
