"""A synthetic cross-force set with known truth, for training and measuring linkage.

Children appear in 1 to 4 forces' returns. Each appearance is copied from the child's true details and then
damaged the way real returns are: typing errors, nicknames, day and month swapped, a changed surname (or a
new one added by a parent's marriage, "Smith-Jones"), a double-barrelled surname given as one half, a
partial or missing date of birth, sex not recorded, a missing or different address. Twins (same surname,
address and date of birth, another given name) must never be linked. Twins and siblings
share a surname, an address and (twins) a date of birth; children in care share a children's home's
address. The same seed always gives the same records. Nothing here describes a real person: names are
drawn from Faker's lists and invented syllables, postcodes use invented areas.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import accumulate

from faker.providers.person.en_GB import Provider as Names

from misper.national.linkage.nicknames import CANONICAL, NICKNAMES

FORCES = ("alpha-police", "bravo-police", "charlie-police", "delta-police", "echo-police", "foxtrot-police")
APPEARANCES = (1, 2, 3, 4)
APPEARANCE_WEIGHTS = (0.50, 0.28, 0.14, 0.08)
_PREFIXES = ("ash", "brad", "carr", "dun", "fair", "gold", "hal", "kings", "lang", "mor", "north", "pen")
_PREFIXES += ("rad", "shel", "thorn", "west", "wood", "black", "brook", "craw", "elm", "hart", "old", "stan")
_SUFFIXES = ("ley", "worth", "ton", "field", "by", "ford", "well", "wick", "ham", "more", "shaw", "croft")
_STREETS = ("Acacia Road", "Mill Lane", "Church Street", "Station Road", "Park View", "High Street")
_STREETS += ("Victoria Road", "Green Lane", "Manor Way", "Orchard Close", "Queens Drive", "Kings Avenue")
_TOWNS = ("Ashford Magna", "Brindlecombe", "Cowley End", "Dunmere", "Elmsworth", "Fallowmere", "Greyhaven")
_TOWNS += ("Hollins Cross", "Ironbridge Vale", "Juniper Hill", "Kestrel Bay", "Larkstone")


@dataclass(frozen=True)
class Person:
    pid: int
    given_name: str
    family_name: str
    dob: date
    sex: str
    line: str
    town: str
    postcode: str


@dataclass(frozen=True)
class Appearance:
    """One child in one force's return: the damaged fields, and who it truly is (``pid``)."""

    source: str
    ref: str
    pid: int
    given_name: str | None
    family_name: str | None
    date_of_birth: str | None
    sex: str
    address: dict[str, str] | None

    def document(self) -> dict:
        """The misper/1 linkage document for this appearance."""
        child = {"ref": self.ref, "sex": self.sex}
        for key in ("given_name", "family_name", "date_of_birth"):
            if getattr(self, key) is not None:
                child[key] = getattr(self, key)
        doc: dict = {"format": "misper/1", "source": self.source, "child": child}
        if self.address:
            doc["address"] = self.address
        return doc


class _Pools:
    """Weighted name pools: a few names are very common, most are rare (as in real returns)."""

    def __init__(self) -> None:
        surnames = dict(Names.last_names)
        for i, (pre, suf) in enumerate((p, s) for p in _PREFIXES for s in _SUFFIXES):
            surnames[(pre + suf).capitalize()] = 0.02 / (1 + i % 7)
        self.family = list(surnames)
        self.family_cum = list(accumulate(surnames.values()))
        self.given = {
            "female": self._zipf(Names.first_names_female),
            "male": self._zipf(Names.first_names_male),
        }

    @staticmethod
    def _zipf(names: tuple[str, ...]) -> tuple[list[str], list[float]]:
        names = tuple(dict.fromkeys(names))
        return list(names), list(accumulate(1 / (rank + 5) for rank in range(len(names))))

    def given_name(self, rng: random.Random, sex: str) -> str:
        names, cum = self.given[sex]
        return rng.choices(names, cum_weights=cum)[0]

    def family_name(self, rng: random.Random) -> str:
        return rng.choices(self.family, cum_weights=self.family_cum)[0]


def _postcode(town: int, street: int, number: int, district: int) -> str:
    """Neighbouring houses share a postcode, as in real ones: one per 20 house numbers of a street."""
    letters = string.ascii_uppercase
    unit = (street * 13 + number // 20 * 7 + district * 3) % 676
    return f"Z{letters[town]}{district} {number // 20 + 1}{letters[unit // 26]}{letters[unit % 26]}"


def _address(rng: random.Random) -> tuple[str, str, str]:
    town, street, number, district = (
        rng.randrange(len(_TOWNS)),
        rng.randrange(len(_STREETS)),
        rng.randint(1, 180),
        rng.randint(1, 30),
    )
    line = f"{number} {_STREETS[street]}"
    return line, _TOWNS[town], _postcode(town, street, number, district)


def _dob(rng: random.Random) -> date:
    return date(2007, 1, 1) + timedelta(days=rng.randrange(8 * 365))


def people(n: int, rng: random.Random) -> list[Person]:
    """``n`` true children: about 12% in families of 2-3 siblings, 2% twins, 6% in shared children's homes;
    5% with a double-barrelled surname, 3% with a common name (the three commonest given names and
    surnames, so many children share one name)."""
    pools = _Pools()
    homes = [_address(rng) for _ in range(max(1, n // 150))]
    out: list[Person] = []
    while len(out) < n:
        sex = rng.choice(("female", "male"))
        line, town, postcode = rng.choice(homes) if rng.random() < 0.06 else _address(rng)
        given, family = pools.given_name(rng, sex), pools.family_name(rng)
        roll = rng.random()
        if roll < 0.05:  # a double-barrelled surname from birth ("Okafor-Lewis")
            family = f"{family}-{pools.family_name(rng)}"
        elif roll < 0.08:  # a common name: one of the three commonest given names and surnames
            given, family = rng.choice(pools.given[sex][0][:3]), rng.choice(pools.family[:3])
        child = Person(len(out), given, family, _dob(rng), sex, line, town, postcode)
        out.append(child)
        roll = rng.random()
        if roll < 0.02:  # twin: same surname, address and date of birth, a different name
            sex2 = rng.choice(("female", "male"))
            name2 = pools.given_name(rng, sex2)
            if name2 != child.given_name:
                out.append(replace(child, pid=len(out), given_name=name2, sex=sex2))
        elif roll < 0.14:  # sibling: same surname and address, another date of birth and given name
            sex2 = rng.choice(("female", "male"))
            name2 = pools.given_name(rng, sex2)
            if name2 != child.given_name:  # parents do not give two children one name (as for twins)
                out.append(replace(child, pid=len(out), given_name=name2, sex=sex2, dob=_dob(rng)))
    return out[:n]


_NICK = dict(NICKNAMES.items())


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word))
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + rng.choice(string.ascii_lowercase) + word[i:]
    if kind == 2 and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :]


def _given(rng: random.Random, name: str, pools: _Pools, sex: str) -> str | None:
    roll = rng.random()
    if roll < 0.005:  # another name altogether (a middle name, a chosen name)
        return pools.given_name(rng, sex)
    roll = rng.random()
    nicks = _NICK.get(name.lower())
    if roll < 0.10 and nicks:
        return rng.choice(nicks).capitalize()
    if roll < 0.10 and name.lower() in CANONICAL:
        return CANONICAL[name.lower()].capitalize()
    if roll < 0.17:
        return _typo(rng, name)
    return None if roll < 0.18 else name


def _family(rng: random.Random, name: str, pools: _Pools) -> str | None:
    roll = rng.random()
    if roll < 0.04:
        return pools.family_name(rng)  # changed surname (a step-parent's, a mother's maiden name)
    if roll < 0.06:  # a parent's marriage: the new surname added ("Smith" -> "Smith-Jones")
        return f"{name}-{pools.family_name(rng)}"
    if "-" in name and roll < 0.30:  # a double-barrelled surname given as one half, or with a space
        first, last = name.split("-", 1)
        return rng.choice((first, last, f"{first} {last}"))
    if roll < 0.12:
        return _typo(rng, name)
    return None if roll < 0.13 else name


def _date(rng: random.Random, dob: date) -> str | None:
    roll, iso = rng.random(), dob.isoformat()
    if roll < 0.05 and dob.day <= 12:
        return f"{dob.year}-{dob.day:02d}-{dob.month:02d}"
    if roll < 0.08:
        return iso[:7] if roll < 0.07 else iso[:4]
    if roll < 0.11:  # not known to the force
        return None
    if roll < 0.125:  # a wrong date altogether
        return _dob(rng).isoformat()
    if roll < 0.155:
        day = dob.day + rng.choice((-10, 10)) if 10 < dob.day <= 18 else dob.day % 9 + 1
        return dob.replace(day=day).isoformat()
    return iso


def _place(rng: random.Random, person: Person) -> dict[str, str] | None:
    roll = rng.random()
    if roll < 0.12:
        return None
    if roll < 0.22:  # moved since
        line, town, postcode = _address(rng)
        return {"line": line, "town": town, "postcode": postcode}
    postcode = person.postcode if rng.random() > 0.04 else _typo(rng, person.postcode)
    return {"line": person.line, "town": person.town, "postcode": postcode}


def appearances(persons: list[Person], rng: random.Random) -> Iterator[Appearance]:
    """Each person in 1-4 forces' returns, damaged independently in each."""
    pools = _Pools()
    counters = dict.fromkeys(FORCES, 0)
    for person in persons:
        k = rng.choices(APPEARANCES, APPEARANCE_WEIGHTS)[0]
        for source in rng.sample(FORCES, k):
            counters[source] += 1
            appearance = Appearance(
                source=source,
                ref=f"{source[:3].upper()}-{counters[source]:07d}",
                pid=person.pid,
                given_name=_given(rng, person.given_name, pools, person.sex),
                family_name=_family(rng, person.family_name, pools),
                date_of_birth=_date(rng, person.dob),
                sex=person.sex if rng.random() > 0.05 else "unknown",
                address=_place(rng, person),
            )
            if rng.random() < 0.01:  # given and family names entered the wrong way round
                appearance = replace(
                    appearance, given_name=appearance.family_name, family_name=appearance.given_name
                )
            yield appearance


def generate(children: int, seed: int = 2016) -> list[Appearance]:
    """The appearances of ``children`` synthetic children (about 1.8 records per child), shuffled."""
    rng = random.Random(seed)
    out = list(appearances(people(children, rng), rng))
    rng.shuffle(out)
    return out


def labelled_records(children: int, seed: int = 2016) -> tuple[list, list[int]]:
    """Link records for ``children`` synthetic children and each record's true person.

    Appearances a force could not send (no name and no date of birth left) are dropped, as linkage would.
    """
    from misper.national.linkage.records import record_from_document

    records, truth = [], []
    for appearance in generate(children, seed):
        record, _errors = record_from_document(appearance.document())
        if record is not None:
            records.append(record)
            truth.append(appearance.pid)
    return records, truth
