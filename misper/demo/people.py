"""Who goes missing: names, ages, sex, ethnicity, care status and vulnerabilities."""

from __future__ import annotations

from datetime import date, timedelta

from misper.core.dates import years_back
from misper.demo import calibrate, figures, texts, world
from misper.demo.context import Gen
from misper.demo.plan import AliasPlan, ChildPlaceLink, ChildPlan, FlagPlan

BANDS = ("under_12", "12_14", "15_17")
BAND_AGES = {"under_12": (7, 11), "12_14": (12, 14), "15_17": (15, 17)}
# 2021 Census (England and Wales) child population, tilted towards the groups over-represented
# in NCA missing figures (Black and Mixed children).
ETHNICITY_WEIGHTS = {
    "W1": 0.69, "W2": 0.005, "W3": 0.01, "W9": 0.04, "M1": 0.035, "M2": 0.01, "M3": 0.015,
    "M9": 0.015, "A1": 0.025, "A2": 0.03, "A3": 0.01, "A4": 0.003, "A9": 0.01, "B1": 0.02,
    "B2": 0.03, "B9": 0.007, "O2": 0.005, "O9": 0.01, "NS": 0.02,
}  # fmt: skip
# Share of children with each other vulnerability on file (invented but plausible).
OTHER_FLAGS = {
    "mental_health": (0.10, "CAMHS"),
    "self_harm": (0.06, "School nurse"),
    "autism": (0.04, "Diagnosis reported by parent"),
    "learning_disability": (0.03, "Education, health and care plan"),
    "substance_misuse": (0.06, "Youth offending service"),
    "child_protection_plan": (0.05, "Children's services"),
    "domestic_abuse_at_home": (0.04, "Police domestic abuse team"),
    "needs_medication": (0.02, "GP"),
    "physical_illness": (0.01, "GP"),
    "online_grooming_risk": (0.01, "Police online child safety team"),
    "trafficking_risk": (0.003, "National Referral Mechanism"),
    "honour_based_abuse_risk": (0.003, "Children's services"),
}
ADULT_FLAGS = {"mental_health": 0.30, "needs_medication": 0.15, "substance_misuse": 0.10, "self_harm": 0.08}


def assign_bands(gen: Gen, keys: list[int], sizes: list[int]) -> dict[int, str]:
    """An age band per child so each band's share of episodes matches the NCA figures.

    Children with most episodes are placed first; each goes to a band with room left, chosen in
    proportion to the room, so the episode shares come out close to the targets.
    """
    children_share = 1 - figures.ADULT_EPISODE_SHARE
    targets = {
        "under_12": figures.AGE_UNDER_12_SHARE / children_share,
        "12_14": figures.AGE_12_14_SHARE / children_share,
        "15_17": figures.AGE_15_17_SHARE / children_share,
    }
    total = sum(sizes)
    room = {band: share * total for band, share in targets.items()}
    order = sorted(range(len(keys)), key=lambda i: (-sizes[i], gen.rng.random()))
    bands: dict[int, str] = {}
    for i in order:
        weights = [max(room[b], 0.01) * (0.2 if b == "under_12" and sizes[i] > 6 else 1) for b in BANDS]
        band = gen.rng.choices(BANDS, weights=weights)[0]
        room[band] -= sizes[i]
        bands[keys[i]] = band
    return bands


def birth_date(gen: Gen, key: int, low_age: int, high_age: int) -> date:
    """A date of birth that makes the person ``low_age``-``high_age`` in the middle of their episodes.

    Children stay under 18 at their last episode; adults are 18 or over at their first.
    """
    eps = gen.child_episodes(key)
    first, last = eps[0].reported_at.date(), eps[-1].reported_at.date()
    middle = first + (last - first) / 2
    age_days = gen.rng.uniform(low_age * 365.25, (high_age + 1) * 365.25 - 1)
    dob = middle - timedelta(days=age_days)
    if high_age < 18:
        dob = max(dob, years_back(last, 18) + timedelta(days=1))
    else:
        dob = min(dob, years_back(first, 18))
    return dob


def sex_for(gen: Gen, band: str) -> str:
    """Sex by age band: more boys under 12, more girls 12-17, more men among adults."""
    rng = gen.rng
    if rng.random() < figures.OTHER_OR_UNKNOWN_SEX_SHARE:
        return rng.choice(("other", "unknown"))
    male_share = {
        "under_12": figures.UNDER_12_MALE_SHARE,
        "adult": figures.ADULT_MALE_SHARE,
    }.get(band, 1 - figures.AGE_12_17_FEMALE_SHARE)
    return "male" if rng.random() < male_share else "female"


def new_person(gen: Gen, band: str, ref: str) -> ChildPlan:
    """A named person with sex, ethnicity and description; care status and flags come later."""
    key = len(gen.plan.children)
    sex = sex_for(gen, band)
    fake, rng = gen.fake, gen.rng
    given = fake.first_name_female() if sex == "female" else fake.first_name_male()
    if sex in ("other", "unknown"):
        given = fake.first_name_nonbinary()
    ethnicity = rng.choices(list(ETHNICITY_WEIGHTS), weights=list(ETHNICITY_WEIGHTS.values()))[0]
    child = ChildPlan(
        key=key,
        ref=ref,
        given_name=given,
        family_name=fake.last_name(),
        date_of_birth=date(2000, 1, 1),
        sex=sex,
        ethnicity=ethnicity,
        is_adult=band == "adult",
        description=_description(gen, band),
    )
    if rng.random() < 0.7 and band != "under_12":
        child.phone = world.drama_mobile(rng)
    if rng.random() < 0.5 and band != "under_12":
        child.social_media = f"Snapchat: {given.lower()}{rng.randrange(10, 99)}x"
    gen.plan.children.append(child)
    return child


def _description(gen: Gen, band: str) -> str:
    rng = gen.rng
    height = {"under_12": (120, 150), "12_14": (145, 170), "15_17": (155, 185)}.get(band, (155, 190))
    build = rng.choice(("slim", "medium", "stocky", "slight", "tall and thin"))
    hair = rng.choice(
        (
            "short brown",
            "long dark",
            "shoulder-length blonde",
            "black braided",
            "ginger",
            "dyed red",
            "shaved",
            "curly black",
        )
    )
    extra = rng.choice(
        (
            "",
            "Wears glasses.",
            "Pierced ears.",
            "Scar above left eyebrow.",
            "Usually wears a black North Face jacket.",
            "Grey tracksuit and white trainers.",
        )
    )
    return f"About {rng.randrange(*height)} cm, {build} build, {hair} hair. {extra}".strip()


def add_aliases(gen: Gen, child: ChildPlan) -> None:
    """Nicknames, aliases and other spellings for some children."""
    rng, fake = gen.rng, gen.fake
    roll = rng.random()
    if roll < 0.12:
        nickname = child.given_name[: max(3, len(child.given_name) // 2)]
        child.preferred_name = nickname
        child.aliases.append(AliasPlan("nickname", nickname, ""))
    elif roll < 0.16:
        child.aliases.append(AliasPlan("alias", child.given_name, fake.last_name()))
    elif roll < 0.19:
        child.aliases.append(AliasPlan("spelling", child.given_name + rng.choice(("e", "h", "y")), ""))


def assign_care(gen: Gen, keys: list[int], sizes: list[int]) -> None:
    """Make children looked after so that about 40% of children's episodes are from care."""
    propensity = [
        s**0.5 * (0.3 if gen.child(k).age_on(gen.first_day(k)) < 12 else 1.0)
        for k, s in zip(keys, sizes, strict=True)
    ]
    chosen = calibrate.choose_share(gen.rng, sizes, propensity, figures.FROM_CARE_EPISODE_SHARE, cap=0.9)
    for key, looked_after in zip(keys, chosen, strict=True):
        if looked_after:
            place_in_care(gen, gen.child(key))
        else:
            place_at_home(gen, gen.child(key))


def place_at_home(gen: Gen, child: ChildPlan) -> None:
    """A family home in the force area."""
    child.home_location = gen.places.add("home", gen.places.home_town())
    child.places.append(ChildPlaceLink(child.home_location, "home"))


def place_in_care(gen: Gen, child: ChildPlan) -> None:
    """A placement by the home council or (out of area) by another council."""
    rng, places = gen.rng, gen.places
    weights = dict(figures.CARE_PLACEMENT_WEIGHTS)
    if child.age_on(gen.first_day(child.key)) < 16:
        weights.pop("supported_living")
    kind = rng.choices(list(weights), weights=list(weights.values()))[0]
    out_of_area = rng.random() < figures.OUT_OF_AREA_SHARE_OF_CARE
    child.looked_after, child.placement_type, child.out_of_area = True, kind, out_of_area
    child.placing_authority = rng.choice(world.OTHER_LAS) if out_of_area else world.HOME_LA
    child.host_authority = world.HOME_LA
    if kind in ("residential_home", "secure"):
        child.care_provider = rng.choice(world.HOME_PROVIDERS)
        child.placement_location = rng.choice(places.children_homes[child.care_provider])
    else:
        child.care_provider = world.FOSTERING_AGENCY if kind == "foster" and rng.random() < 0.5 else None
        child.placement_location = places.add("placement", places.home_town())
    child.places.append(ChildPlaceLink(child.placement_location, "placement"))
    child.placed_since = gen.first_day(child.key) - timedelta(days=rng.randrange(20, 900))
    child.social_worker_name = gen.fake.name()
    child.social_worker_phone = world.drama_landline(rng)
    if not out_of_area and rng.random() < 0.5:  # family home still on file for most home children
        place_at_home(gen, child)


def add_exploitation_flags(gen: Gen, keys: list[int], sizes: list[int]) -> None:
    """Flag a few percent of children's episodes as at risk of sexual or criminal exploitation."""
    for code, female_weight, target in (
        ("cse_risk", 1.0, figures.CSE_FLAGGED_EPISODE_SHARE),
        ("cce_risk", 0.3, figures.CCE_FLAGGED_EPISODE_SHARE),
    ):
        propensity = [
            _exploitation_propensity(gen, k, s, female_weight) for k, s in zip(keys, sizes, strict=True)
        ]
        chosen = calibrate.choose_share(gen.rng, sizes, propensity, target, cap=0.8)
        for key, flagged in zip(keys, chosen, strict=True):
            if flagged:
                gen.child(key).flags.append(_exploitation_flag(gen, key, code))


def _exploitation_propensity(gen: Gen, key: int, size: int, female_weight: float) -> float:
    child = gen.child(key)
    if child.age_on(gen.first_day(key)) < 11:
        return 0.0
    sex_weight = female_weight if child.sex == "female" else 1.3 - female_weight
    return size**0.8 * sex_weight * (1.6 if child.looked_after else 1.0)


def _exploitation_flag(gen: Gen, key: int, code: str) -> FlagPlan:
    """Flagged before the window, or during it after the child's second episode."""
    eps = gen.child_episodes(key)
    rng = gen.rng
    if rng.random() < 0.6 or len(eps) < 3:
        noted = gen.first_day(key) - timedelta(days=rng.randrange(10, 400))
    else:
        noted = eps[1].reported_at.date() + timedelta(days=rng.randrange(1, 10))
    child = gen.child(key)
    if code == "cse_risk":
        source, agency = "Multi-agency child exploitation meeting", child.placing_authority or world.HOME_LA
    else:
        source, agency = "Police intelligence", world.FORCE
    return FlagPlan(code, source, agency, noted, notes=texts.pick(rng, _FLAG_NOTES[code]))


_FLAG_NOTES = {
    "cse_risk": (
        "Seen with older males in cars.",
        "Gifts and a second phone found.",
        "Disclosed a 'boyfriend' of 24.",
    ),
    "cce_risk": (
        "Found with cash and two phones.",
        "Linked to a county lines phone number.",
        "Found in another force area with drugs.",
    ),
}


def add_other_flags(gen: Gen, child: ChildPlan) -> None:
    """Other vulnerabilities on file, each dated with a source."""
    rng = gen.rng
    first = gen.first_day(child.key)
    table = {c: (p, "GP") for c, p in ADULT_FLAGS.items()} if child.is_adult else OTHER_FLAGS
    for code, (share, source) in table.items():
        if rng.random() < share:
            noted = first - timedelta(days=rng.randrange(5, 700))
            child.flags.append(FlagPlan(code, source, None, noted))
    codes = {f.code for f in child.flags}
    if "needs_medication" in codes:
        child.medical_needs = rng.choice(
            (
                "Takes medication for epilepsy twice a day.",
                "Type 1 diabetes; needs insulin.",
                "Inhaler for severe asthma.",
            )
        )
    if codes & {"autism", "learning_disability"}:
        child.disabilities = (
            "Autistic; can become distressed in noisy places."
            if "autism" in codes
            else ("Learning disability; may not understand danger.")
        )
