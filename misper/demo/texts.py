"""Synthetic free text: circumstances, children's accounts, notes. Invented, varied, never real.

Children's accounts are written in a child's own voice from fragments, so that screens and
searches show realistic variety without any real words from any real child.
"""

from __future__ import annotations

import random

LEFT_FROM = {
    "home": ("home", "the family home", "her mum's house", "his dad's flat"),
    "care": ("the children's home", "the placement", "the home after tea", "the unit"),
    "foster": ("the foster home", "the carers' house"),
    "school": ("school at lunchtime", "the school gates"),
}
TRIGGERS = (
    "after an argument about a phone",
    "after being told they could not go out",
    "after a row about screen time",
    "saying they were going to see friends",
    "without saying anything to anyone",
    "after a difficult contact visit",
    "after staff confiscated a vape",
    "after a falling-out with another young person",
    "following a disagreement about curfew",
    "saying they needed some space",
)
PHONE = (
    "Phone is going straight to voicemail.",
    "Has read messages but not replied.",
    "Phone switched off since about an hour after leaving.",
    "Has no phone with them.",
    "Answered once, said they were fine and hung up.",
)
CONCERN_HINTS = (
    "Staff believe they have been getting into taxis paid for by an older man.",
    "Was seen getting into a car with an older male earlier in the week.",
    "Has had new clothes and a new phone that carers cannot explain.",
    "Friends say they have been staying at a hotel in the city.",
    "Recently had large amounts of cash; police suspect county lines involvement.",
    "Said last week that they wanted to hurt themselves.",
    "Has talked about getting a train to another city to see a boyfriend who is much older.",
    "Was found with cannabis on the last occasion.",
)
REASSURANCE = (
    "Usually returns on their own by the morning.",
    "Friends think they are at a sleepover nearby.",
    "Has done this before and came back when hungry.",
    "Parent thinks they are with a school friend but has no address.",
    "Carers have driven round the usual places without success.",
)
ACCOUNT_OPENINGS = (
    "I just needed to get out.",
    "I wasn't missing, I was at my mate's.",
    "Honestly I don't know why everyone's making a big deal.",
    "I was upset and didn't want to talk to anyone.",
    "I went into town and lost track of time.",
    "I didn't want to go back there.",
    "Me and my friends were just chilling.",
    "I was angry with staff so I left.",
)
ACCOUNT_MIDDLES = (
    "We went to the park and then to someone's flat, I don't know whose.",
    "My phone died so I couldn't text anyone.",
    "I stayed at a friend's house, her mum said it was OK.",
    "Some older lads gave us a lift, they were alright.",
    "I walked around for ages and then sat at the bus station.",
    "I got the train with my cousin and we stayed at his.",
    "I slept on my friend's sofa.",
    "Someone bought us food and let us stay over.",
)
ACCOUNT_ENDINGS = (
    "I came back because I was cold.",
    "I'm fine, nothing happened.",
    "I don't want to talk about it anymore.",
    "I'd rather live with my nan.",
    "Staff don't listen to me so I go out.",
    "I'll probably do it again if nothing changes.",
    "I'm sorry I worried people.",
    "I just want to be left alone.",
)
PUSH = (
    "Conflict with carers about rules",
    "Arguments at home",
    "Feels unsettled in placement",
    "Bullying at school",
    "Bereavement in the family",
    "Does not get on with another resident",
)
PULL = (
    "Wants to see friends from previous area",
    "Boyfriend or girlfriend",
    "Older peers offering lifts and money",
    "Wants to see family",
    "Parties and alcohol",
)
WISHES = (
    "Wants to move closer to family.",
    "Wants more freedom to see friends.",
    "Wants a different key worker.",
    "Does not want to go back to school yet.",
    "Wants to stay where they are.",
)
RATIONALES = (
    "Child usually returns by themselves within a few hours; carers not worried.",
    "Staff believe the child is with friends at a known address.",
    "Contact has been made by phone and the child says they are safe.",
    "Pattern of similar short episodes with no harm reported.",
    "Operator judged the circumstances routine for this child.",
)
REVIEW_NOTES = (
    "Reviewed. Enquiries continuing; no change to risk.",
    "Reviewed. Friends' addresses checked, not there. Grading stays the same.",
    "Reviewed. Phone still off; social media checked, nothing new.",
    "Reviewed. Carers have checked usual places; patrols briefed.",
    "Reviewed. CCTV requested for the bus station.",
)
CLOSURE = (
    "Returned safe and well. Safe and well check done. Return interview referral made.",
    "Found and returned to placement. No disclosures. Referral made for return interview.",
    "Child located at a friend's address and brought home. Closed after safe and well check.",
    "Self-returned. Spoken to by officers; no offences disclosed.",
)
NOT_DONE = (
    "Child refused to speak to officers; carers confirmed they are home and appear well.",
    "Child was asleep when officers attended; carers to call back. Not completed.",
)
HARM = (
    "Disclosed being given alcohol and drugs by older males.",
    "Disclosed being assaulted by another young person.",
    "Disclosed being made to carry a package for someone.",
    "Injuries consistent with a fall; disclosed being pushed.",
)


def circumstances(rng: random.Random, setting: str, concern: bool) -> str:
    """The circumstances of a report. ``concern`` adds a line a careful reader should flag."""
    parts = [
        f"Left {rng.choice(LEFT_FROM[setting])} {rng.choice(TRIGGERS)}.",
        rng.choice(PHONE),
        rng.choice(CONCERN_HINTS) if concern else rng.choice(REASSURANCE),
    ]
    return " ".join(parts)


def child_account(rng: random.Random) -> str:
    """What a child said on return, in their own words (synthetic)."""
    return " ".join((rng.choice(ACCOUNT_OPENINGS), rng.choice(ACCOUNT_MIDDLES), rng.choice(ACCOUNT_ENDINGS)))


def pick(rng: random.Random, options: tuple[str, ...]) -> str:
    """One of ``options``."""
    return rng.choice(options)
