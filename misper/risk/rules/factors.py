"""Rules for the vulnerabilities and indicators ticked on the report: one row per code.

Each rule applies when its code is on the document; its evidence names the field. A risk question answered
"not known" counts as its table says (``NOT_KNOWN_AS``). What each does to
the grade is policy (see policies/national.toml), so a force can change an effect without code.
"""

from misper.risk.facts import Facts
from misper.risk.policy import Policy
from misper.risk.rules.base import APP, DFE, HMIC, Check, Rule
from misper.risk.vocab import INDICATORS, MITIGATING_INDICATORS, VULNERABILITIES

VULNERABILITY_TEXT: dict[str, tuple[str, str]] = {
    "cse_risk": ("The child is known to be at risk of sexual exploitation.", HMIC),
    "cce_risk": ("The child is known to be at risk of criminal exploitation, such as county lines.", HMIC),
    "trafficking_risk": ("The child is believed to be at risk of trafficking.", APP),
    "self_harm": ("The child has harmed themselves before.", APP),
    "mental_health": ("The child has a mental health condition.", APP),
    "learning_disability": ("The child has a learning disability.", APP),
    "autism": ("The child is autistic, so may not recognise danger or ask for help.", APP),
    "physical_illness": ("The child has a physical illness.", APP),
    "needs_medication": ("The child needs medication.", APP),
    "substance_misuse": ("The child misuses drugs or alcohol.", HMIC),
    "child_protection_plan": ("The child is subject to a child protection plan.", DFE),
    "domestic_abuse_at_home": ("There is domestic abuse in the child's home.", APP),
    "honour_based_abuse_risk": ("The child is at risk of so-called honour-based abuse.", APP),
    "online_grooming_risk": ("The child is known to be at risk of grooming online.", HMIC),
}

INDICATOR_TEXT: dict[str, tuple[str, str]] = {
    "out_of_character": ("Going missing is out of character for this child.", APP),
    "with_adult_of_concern": ("The child is believed to be with an adult who poses a risk.", HMIC),
    "plans_to_travel_abroad": ("The child may be planning to travel abroad.", HMIC),
    "suicidal_ideation": ("The child has talked about or shown signs of wanting to end their life.", APP),
    "abduction_suspected": ("The child may have been abducted.", APP),
    "victim_of_crime_suspected": ("The child may be the victim of a crime.", APP),
    "crime_suspected": ("The child may be involved in committing a crime.", APP),
    "danger_to_public": ("The child may be a danger to other people.", APP),
    "missed_medication": ("The child has missed medication they need.", APP),
    "adverse_weather": ("The weather puts the child at risk.", APP),
    "harm_at_home_suspected": ("The child may be being harmed at home.", DFE),
    "family_conflict": ("The child went missing after conflict in the family.", APP),
    "school_problems": ("The child has problems at school.", APP),
    "bullying": ("The child is being bullied.", APP),
    "preparations_made": ("The child made preparations, such as taking money or clothes.", APP),
    "contact_established": (
        "Someone is in contact with the child. This makes finding them less urgent, not less serious.",
        APP,
    ),
    "whereabouts_believed_known": (
        "Where the child is believed to be is known. This makes finding them less urgent, not less serious.",
        APP,
    ),
    "forced_marriage_risk": ("The child may be at risk of forced marriage.", APP),
    "online_contact_with_stranger": ("The child has been in contact online with a stranger.", HMIC),
}


def _has_vulnerability(code: str) -> Check:
    def check(facts: Facts, policy: Policy) -> str | None:
        return f"child.vulnerabilities includes {code}" if code in facts.vulnerabilities else None

    return check


# What a question answered "not known" counts as, rule by rule (docs/risk-rules.md, "Not known"). Every risk
# factor counts as yes until someone finds out: not knowing whether a child talked of suicide, is with an
# adult of concern or was harmed at home must never grade them as if the answer were no. The two mitigating
# questions (someone is in contact, where the child is is known) count only when the answer is yes:
# reassurance is never assumed. A force that wants a rule read otherwise changes this table, not the engine.
NOT_KNOWN_AS: dict[str, str] = {code: "no" if code in MITIGATING_INDICATORS else "yes" for code in INDICATORS}
NOT_KNOWN_EVIDENCE = "report.answers.{code} is not_known, read as yes until it is known"


def _has_indicator(code: str) -> Check:
    counts_not_known = NOT_KNOWN_AS[code] == "yes"

    def check(facts: Facts, policy: Policy) -> str | None:
        if code in facts.indicators:
            return f"report.indicators includes {code}"
        if counts_not_known and code in facts.indicators_not_known:
            return NOT_KNOWN_EVIDENCE.format(code=code)
        return None

    return check


def _indicator_kind(code: str) -> str:
    return "mitigating" if code in MITIGATING_INDICATORS else "indicator"


FACTOR_RULES: tuple[Rule, ...] = tuple(
    Rule(code, code, "vulnerability", *VULNERABILITY_TEXT[code], _has_vulnerability(code))
    for code in VULNERABILITIES
) + tuple(
    Rule(
        code,
        code,
        _indicator_kind(code),
        *INDICATOR_TEXT[code],
        _has_indicator(code),
        not_known_as=NOT_KNOWN_AS[code],
    )
    for code in INDICATORS
)
