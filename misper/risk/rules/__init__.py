"""The rule table: every rule the engine knows, in the order reasons are listed.

A policy file must give every rule here an effect (see misper.risk.policy); docs/risk-rules.md
describes each rule in plain English with its source.
"""

from misper.risk.rules.base import Rule
from misper.risk.rules.derived import DERIVED_RULES, POLICY_FLOOR_SOURCE, POLICY_FLOOR_TEXT
from misper.risk.rules.factors import FACTOR_RULES

RULES: tuple[Rule, ...] = DERIVED_RULES + FACTOR_RULES
RULE_IDS: tuple[str, ...] = tuple(rule.id for rule in RULES)
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}

assert len(RULES_BY_ID) == len(RULES), "rule ids must be unique"

__all__ = ["POLICY_FLOOR_SOURCE", "POLICY_FLOOR_TEXT", "RULES", "RULES_BY_ID", "RULE_IDS", "Rule"]
