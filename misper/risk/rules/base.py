"""The shape of a rule: a code, a sentence a reviewer reads, a source, a check and its effect."""

from collections.abc import Callable
from dataclasses import dataclass

from misper.risk.facts import Facts
from misper.risk.policy import Effect, Policy

APP = "College of Policing, Authorised Professional Practice: Missing persons (risk assessment)"
HMIC = "HMIC (2016) Missing children: who cares?"
DFE = "DfE (2014) Statutory guidance on children who run away or go missing from home or care"

Check = Callable[[Facts, Policy], str | None]
EffectAdjuster = Callable[[Facts, Policy, Effect], Effect]


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the rule table.

    `id` is unique and keys the rule's effect in a policy file; `code` is the reason code shown in
    results (two rules may share a code, such as the two kinds of `long_duration`). `check` returns
    the evidence it found, in words, or None when the rule does not apply. `kind` groups rules in the
    docs; rules of kind "mitigating" are not risk factors. `not_known_as` says what a risk question answered
    "not known" counts as for this rule ("yes" or "no"; "" for a rule that is not a question): shown in the
    rule table of docs/risk-rules.md.
    """

    id: str
    code: str
    kind: str
    text: str
    source: str
    check: Check
    adjust: EffectAdjuster | None = None
    not_known_as: str = ""

    def applies(self, facts: Facts, policy: Policy) -> str | None:
        """The evidence that this rule applies to `facts`, or None."""
        return self.check(facts, policy)

    def effect(self, facts: Facts, policy: Policy) -> Effect:
        """The policy's effect for this rule, adjusted for the facts where the rule says so."""
        effect = policy.effects[self.id]
        return self.adjust(facts, policy, effect) if self.adjust else effect
