"""The fixed world of the demo: the force, its neighbours, councils, providers, towns and places.

Every name here is invented. Postcodes use the area letters ``DM``, which no real UK postcode
area uses, and phone numbers come from Ofcom's ranges reserved for drama (07700 900xxx,
01632 960xxx), so nothing in the demo can reach a real person or address.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from faker import Faker

from misper.demo.plan import AgencyPlan, LocationPlan

FORCE = "demo-force"
HOME_LA = "demoshire-cs"
NEIGHBOUR_FORCES = ("northmoor-police", "westvale-police")
OTHER_LAS = ("northmoor-cs", "westvale-cs", "riverton-cs")
RHI_PROVIDER = "waymark-rhi"
FOSTERING_AGENCY = "brackenlea-fostering"
HOME_PROVIDERS = (
    "fernhollow-care",
    "larkspur-homes",
    "thistlegate-care",
    "moorbeck-residential",
    "quillfield-childrens-homes",
)


def drama_mobile(rng: random.Random) -> str:
    """A mobile number from Ofcom's drama range (07700 900000-900999)."""
    return f"07700 900{rng.randrange(1000):03d}"


def drama_landline(rng: random.Random) -> str:
    """A landline number from Ofcom's drama range (01632 960000-960999)."""
    return f"01632 960{rng.randrange(1000):03d}"


def build_agencies() -> list[AgencyPlan]:
    """The agencies of the demo, home force first. Fixed: no randomness."""
    police = "police_force"
    la = "local_authority"
    provider = "care_provider"
    return [
        AgencyPlan(FORCE, "Demoshire Police", police, email="missing@demoshire-police.example"),
        AgencyPlan("northmoor-police", "Northmoor Constabulary", police),
        AgencyPlan("westvale-police", "Westvale Police", police),
        AgencyPlan(
            HOME_LA,
            "Demoshire County Council Children's Services",
            la,
            police_area=FORCE,
            email="childrens.services@demoshire.example",
            phone="01632 960100",
            out_of_hours_phone="01632 960199",
        ),
        AgencyPlan(
            "northmoor-cs",
            "Northmoor Borough Council Children's Services",
            la,
            police_area="northmoor-police",
            phone="01632 960200",
        ),
        AgencyPlan(
            "westvale-cs",
            "Westvale City Council Children's Services",
            la,
            police_area="westvale-police",
            phone="01632 960300",
        ),
        AgencyPlan(
            "riverton-cs", "Riverton Metropolitan Borough Children's Services", la, phone="01632 960400"
        ),
        AgencyPlan(
            RHI_PROVIDER,
            "Waymark Return Interview Service",
            "return_interview_provider",
            police_area=FORCE,
            commissioned_by=HOME_LA,
            phone="01632 960500",
        ),
        AgencyPlan(FOSTERING_AGENCY, "Brackenlea Fostering", provider, police_area=FORCE),
        AgencyPlan("fernhollow-care", "Fernhollow Care", provider, police_area=FORCE),
        AgencyPlan("larkspur-homes", "Larkspur Children's Homes", provider, police_area=FORCE),
        AgencyPlan("thistlegate-care", "Thistlegate Care Group", provider, police_area=FORCE),
        AgencyPlan("moorbeck-residential", "Moorbeck Residential", provider, police_area=FORCE),
        AgencyPlan("quillfield-childrens-homes", "Quillfield Children's Homes", provider, police_area=FORCE),
    ]


@dataclass(frozen=True)
class Town:
    name: str
    latitude: float
    longitude: float
    beat_prefix: str
    district: int  # the postcode district number: DM1, DM2, ...
    force: str = FORCE


TOWNS: tuple[Town, ...] = (
    Town("Demchester", 52.630, -1.130, "DC", 1),
    Town("Eastbridge", 52.700, -0.980, "EB", 4),
    Town("Oldmarket", 52.560, -1.280, "OM", 7),
    Town("Kingsford", 52.760, -1.210, "KF", 9),
    Town("Harrowby Vale", 52.520, -1.050, "HV", 12),
)
# Where children placed here are from, and where some are found.
AWAY_TOWNS: tuple[Town, ...] = (
    Town("Northmoor", 53.100, -1.500, "NM", 30, "northmoor-police"),
    Town("Westvale", 52.480, -1.900, "WV", 40, "westvale-police"),
)
BEATS_PER_TOWN = 6
PUBLIC_PLACES = (
    "Town centre precinct",
    "Bus station",
    "Railway station",
    "Retail park",
    "Skate park",
    "Recreation ground",
    "Fast food restaurant",
    "Shopping centre",
    "Canal towpath",
    "Leisure centre",
    "McKinley Park",
    "Riverside flats",
)
PROVIDER_HOMES = {
    "fernhollow-care": ("Fernhollow House", "The Willows"),
    "larkspur-homes": ("Larkspur Lodge",),
    "thistlegate-care": ("Thistlegate Court", "Brook View"),
    "moorbeck-residential": ("Moorbeck Farmhouse",),
    "quillfield-childrens-homes": ("Quillfield Grange", "Ashdown Cottage"),
}


class Places:
    """Adds locations to a plan's list and hands back their keys."""

    def __init__(self, rng: random.Random, fake: Faker, locations: list[LocationPlan]) -> None:
        self.rng, self.fake, self.locations = rng, fake, locations
        self.public: list[int] = []
        self.away_public: list[int] = []
        self.children_homes: dict[str, list[int]] = {}

    def add(self, kind: str, town: Town, name: str = "", operated_by: str | None = None) -> int:
        """Add a location in ``town`` with a street address, beat and rough coordinates."""
        rng = self.rng
        key = len(self.locations)
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        postcode = f"DM{town.district + rng.randrange(3)} {rng.randrange(1, 10)}{rng.choice(letters)}{rng.choice(letters)}"
        self.locations.append(
            LocationPlan(
                key=key,
                force=town.force,
                kind=kind,
                name=name,
                address_line=f"{rng.randrange(1, 160)} {self.fake.street_name()}",
                town=town.name,
                postcode=postcode,
                beat=f"{town.beat_prefix}-{rng.randrange(1, BEATS_PER_TOWN + 1):02d}",
                latitude=round(town.latitude + rng.uniform(-0.03, 0.03), 5),
                longitude=round(town.longitude + rng.uniform(-0.045, 0.045), 5),
                operated_by=operated_by,
            )
        )
        return key

    def build_fixed(self) -> None:
        """Children's homes (run by the providers) and the public places children go to."""
        for provider, homes in PROVIDER_HOMES.items():
            self.children_homes[provider] = [
                self.add("placement", self.rng.choice(TOWNS), name, operated_by=provider) for name in homes
            ]
        for town in TOWNS:
            for name in self.rng.sample(PUBLIC_PLACES, 7):
                self.public.append(self.add("frequented", town, f"{name}, {town.name}"))
        for town in AWAY_TOWNS:
            for name in ("City centre", "Railway station", "Bus station"):
                self.away_public.append(self.add("frequented", town, f"{name}, {town.name}"))

    def home_town(self) -> Town:
        """A home-force town, weighted towards the biggest."""
        return self.rng.choices(TOWNS, weights=(35, 20, 20, 15, 10))[0]
