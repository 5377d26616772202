"""Missed-indicator suggestions: signs in the free-text circumstances that no ticked code covers.

Suggestions are for the operator to confirm. They never change the grade: the engine grades only on
coded facts, because free text is easily misread (a "train" may be a toy).

Each sign is a code, a question for the operator and the phrases that suggest it. A phrase is a
series of words; a word may list alternatives (``man|woman``), end in ``*`` to match any ending
(``suicid*``), or be ``<adult>`` for a number from 18 to 99. Text is compared in lower case, word
by word, so "self-harming" matches ``self harm*`` and "24-year-old man" matches
``<adult> year old man``.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from misper.risk.facts import Facts
from misper.risk.vocab import VULNERABILITIES

Word = Callable[[str], bool]
_TOKEN = re.compile(r"[a-z0-9&]+")


@dataclass(frozen=True, slots=True)
class Sign:
    code: str
    text: str
    phrases: tuple[str, ...]


SIGNS: tuple[Sign, ...] = (
    Sign(
        "with_adult_of_concern",
        "An older man or woman is mentioned: is the child with an adult of concern?",
        (
            "older|grown|adult man|men|woman|women|male|female|guy|bloke|lady",
            "grown up man|men|woman|women",
            "<adult> year old man|woman|male|female|guy|bloke|lady",
            "man|woman in his|her twenties|thirties|forties|fifties|20s|30s|40s|50s",
        ),
    ),
    Sign(
        "cse_risk",
        "A much older boyfriend is mentioned: is the child at risk of sexual exploitation?",
        (
            "older boyfriend",
            "<adult> year old boyfriend",
            "boyfriend is|aged <adult>",
            "boyfriend who is <adult>",
        ),
    ),
    Sign(
        "cse_risk",
        "Hotels are mentioned: is the child at risk of sexual exploitation?",
        ("hotel|hotels|motel|motels|b&b|guesthouse|guesthouses|airbnb", "guest house|houses"),
    ),
    Sign(
        "cse_risk",
        "Taxis are mentioned: is the child being moved around by others?",
        ("taxi|taxis|minicab|minicabs|cab|cabs|uber|ubers",),
    ),
    Sign(
        "cse_risk",
        "Unexplained gifts are mentioned: is the child being groomed?",
        ("new phone|clothes|trainers", "gift|gifts", "unexplained money|cash"),
    ),
    Sign(
        "cce_risk",
        "County lines or dealing is mentioned: is the child being criminally exploited?",
        ("county line|lines", "trap house|houses", "traphouse", "dealing", "holding drugs|package|packages"),
    ),
    Sign(
        "cce_risk",
        "Trains or coaches to another place are mentioned: is the child being moved to sell drugs?",
        ("train|trains|coach|coaches", "railway station"),
    ),
    Sign(
        "substance_misuse",
        "Drugs or alcohol are mentioned: does the child misuse them?",
        (
            "drug|drugs|cannabis|weed|skunk|cocaine|crack|heroin|ketamine|spice|mdma|pills|drunk|alcohol|vodka",
        ),
    ),
    Sign(
        "suicidal_ideation",
        "Talk of wanting to die is mentioned: is the child at risk of suicide?",
        (
            "suicid*",
            "kill herself|himself|themselves|myself",
            "want|wants|wanted to die",
            "end it all",
            "end her|his|their|my life",
            "overdose",
        ),
    ),
    Sign(
        "self_harm",
        "Self-harm is mentioned: has the child harmed themselves?",
        ("self harm*", "selfharm*", "cut|cuts|cutting herself|himself|themselves"),
    ),
    Sign(
        "plans_to_travel_abroad",
        "Travel abroad is mentioned: may the child be planning to leave the country?",
        ("abroad|passport|airport|flight|flights|overseas",),
    ),
    Sign(
        "online_contact_with_stranger",
        "Online contact is mentioned: has the child been talking to a stranger online?",
        ("online|snapchat|instagram|tiktok|discord", "dating app"),
    ),
    Sign(
        "forced_marriage_risk",
        "Marriage is mentioned: may the child be at risk of forced marriage?",
        ("marry|married|marriage|wedding|engaged",),
    ),
    Sign(
        "harm_at_home_suspected",
        "Injuries or violence are mentioned: may the child be harmed at home?",
        ("bruis*", "beaten|slapped|punched"),
    ),
)


def _adult(token: str) -> bool:
    return token.isdigit() and 18 <= int(token) <= 99


def _word(spec: str) -> Word:
    if spec == "<adult>":
        return _adult
    if spec.endswith("*"):
        stem = spec[:-1]
        return lambda token: token.startswith(stem)
    choices = frozenset(spec.split("|"))
    return choices.__contains__


Phrase = tuple[int, tuple[Word, ...]]  # (index of its sign, its words)
# Phrases are found by their first word: a plain word is looked up; the few phrases that start with
# a pattern (``suicid*``, ``<adult>``) are tried only at words that could start them.
_BY_FIRST_WORD: dict[str, list[Phrase]] = {}
_PATTERN_FIRST: list[Phrase] = []
for _index, _sign in enumerate(SIGNS):
    for _phrase in _sign.phrases:
        _specs = _phrase.split()
        _entry = (_index, tuple(_word(spec) for spec in _specs))
        if _specs[0].endswith("*") or _specs[0].startswith("<"):
            _PATTERN_FIRST.append(_entry)
        else:
            for _first in _specs[0].split("|"):
                _BY_FIRST_WORD.setdefault(_first, []).append(_entry)
_PATTERN_STEMS = tuple(
    spec.split()[0][:-1] for sign in SIGNS for spec in sign.phrases if spec.split()[0].endswith("*")
)


def _candidates(token: str) -> list[Phrase]:
    found = _BY_FIRST_WORD.get(token, [])
    if token.startswith(_PATTERN_STEMS) or token[0].isdigit():
        found = [*found, *_PATTERN_FIRST]
    return found


def _matches(text: str) -> dict[int, str]:
    """For each sign found in `text`, the first phrase that matched it, as written."""
    lowered = text.lower()
    source = text if len(lowered) == len(text) else lowered  # a few letters change length in lower case
    spans = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(lowered)]
    tokens = [token for token, _, _ in spans]
    found: dict[int, str] = {}
    for at, token in enumerate(tokens):
        for sign, words in _candidates(token):
            end = at + len(words)
            if sign in found or end > len(tokens):
                continue
            if all(word(tokens[at + n]) for n, word in enumerate(words)):
                found[sign] = source[spans[at][1] : spans[end - 1][2]]
    return found


def suggest(facts: Facts) -> list[dict[str, Any]]:
    """Codes the circumstances hint at but the record does not have, each once, with the phrase.

    Listed in the order of SIGNS; for a code with several signs, the first sign found.
    """
    if not facts.circumstances:
        return []
    present = facts.vulnerabilities | facts.indicators
    found: dict[str, dict[str, Any]] = {}
    for index, matched in sorted(_matches(facts.circumstances).items()):
        sign = SIGNS[index]
        if sign.code not in present and sign.code not in found:
            kind = "vulnerability" if sign.code in VULNERABILITIES else "indicator"
            found[sign.code] = {"code": sign.code, "kind": kind, "text": sign.text, "matched": matched}
    return list(found.values())
