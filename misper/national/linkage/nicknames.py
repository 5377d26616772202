"""A small table of English given-name nicknames, each mapped to one canonical given name.

Linkage compares the canonical forms as one level of the given-name comparison, so "Jess" and "Jessica",
or "Katie" and "Catherine", agree even though their spellings are far apart. The table is deliberately
short and conservative: a nickname that could stand for two common names (for example "Sam" for Samuel
or Samantha) maps to one of them, and the sex comparison keeps the two apart. Add names here, lower case.
"""

from __future__ import annotations

# canonical name -> the nicknames and variant spellings that stand for it
NICKNAMES: dict[str, tuple[str, ...]] = {
    "alexander": ("alex", "alec", "xander", "sandy"),
    "alexandra": ("lexi", "lexie", "alexa", "sasha"),
    "alfred": ("alfie", "alf", "fred", "freddie"),
    "abigail": ("abi", "abbie", "abby", "gail"),
    "amelia": ("millie", "mia", "amy"),
    "benjamin": ("ben", "benji", "benny"),
    "catherine": ("kate", "katie", "cat", "cathy", "kathryn", "katherine", "kathy", "kat", "katy"),
    "charles": ("charlie", "chas", "chaz"),
    "charlotte": ("lottie", "lotte", "charly"),
    "christopher": ("chris", "kit", "topher"),
    "daniel": ("dan", "danny"),
    "edward": ("ed", "eddie", "ted", "teddy", "ned"),
    "eleanor": ("ellie", "nell", "nellie", "elle", "elinor"),
    "elizabeth": ("liz", "lizzie", "beth", "betty", "eliza", "libby", "elisabeth"),
    "frederick": ("freddy",),
    "harry": ("harrison", "henry", "hal"),
    "isabella": ("bella", "izzy", "isabel", "isabelle", "issy"),
    "jacob": ("jake", "jay"),
    "james": ("jim", "jimmy", "jamie", "jimi"),
    "jessica": ("jess", "jessie", "jessy"),
    "jonathan": ("jon", "jonny", "johnny", "john", "jack"),
    "joseph": ("joe", "joey"),
    "joshua": ("josh",),
    "margaret": ("maggie", "meg", "peggy", "megan"),
    "matthew": ("matt", "matty"),
    "michael": ("mike", "mikey", "mick", "micky"),
    "nathaniel": ("nathan", "nate", "nat"),
    "nicholas": ("nick", "nicky", "nico"),
    "oliver": ("ollie", "olly"),
    "olivia": ("liv", "livvy", "livia"),
    "rebecca": ("becky", "becca", "bex"),
    "robert": ("rob", "robbie", "bob", "bobby", "bert"),
    "samuel": ("sam", "sammy"),
    "samantha": ("sammie", "sammi"),
    "sophia": ("sophie", "soph"),
    "thomas": ("tom", "tommy", "thom"),
    "victoria": ("vicky", "vicki", "tori", "tia"),
    "william": ("will", "bill", "billy", "liam", "willy", "billie"),
    "zachary": ("zach", "zack", "zak"),
}

CANONICAL: dict[str, str] = {
    nickname: canonical for canonical, nicknames in NICKNAMES.items() for nickname in nicknames
}


def canonical_given_name(name: str | None) -> str | None:
    """The canonical form of a cleaned (lower-case) given name: itself unless the table maps it."""
    if not name:
        return None
    return CANONICAL.get(name, name)
