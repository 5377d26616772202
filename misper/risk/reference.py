"""The rule table as Markdown, for docs/risk-rules.md (a test keeps the doc and the code in step).

Regenerate after changing a rule or the national policy:
``python -m misper.risk.reference`` and paste between the markers in docs/risk-rules.md.
"""

from misper.risk.policies import load_policy
from misper.risk.policy import Effect
from misper.risk.rules import RULES
from misper.risk.vocab import LEVELS, RISKS

BEGIN = "<!-- rule-table:begin -->"
END = "<!-- rule-table:end -->"
_ADJUSTED = {
    "young_age": "floor and immediacy from the age floors",
    "trigger_plan": "floor: the plan's minimum risk",
}


_NOT_KNOWN_WORDS = {
    "yes": "counts as yes until known",
    "no": "counts only when yes",
    "": "—",
}


def effect_words(rule_id: str, effect: Effect) -> str:
    """An effect in words: ``seriousness high; immediacy medium; actions: notify_cse_team``."""
    parts = [_ADJUSTED[rule_id]] if rule_id in _ADJUSTED else []
    if effect.seriousness is not None:
        parts.append(f"seriousness {LEVELS[effect.seriousness]}")
    if effect.immediacy is not None:
        parts.append(f"immediacy {LEVELS[effect.immediacy]}")
    if effect.risk_floor is not None:
        parts.append(f"floor {RISKS[effect.risk_floor]}")
    if effect.lower_immediacy:
        parts.append(f"lowers immediacy {effect.lower_immediacy} step")
    if not effect.mitigable:
        parts.append("not lowered by contact")
    if effect.actions:
        parts.append(f"actions: {', '.join(effect.actions)}")
    return "; ".join(parts) or "none"


def rule_table(policy_name: str = "national") -> str:
    """The Markdown table of every rule with its effect under `policy_name`, between the markers."""
    policy = load_policy(policy_name)
    lines = [
        BEGIN,
        f"| Rule | Reason code | Kind | What it means | Effect ({policy.name} {policy.version}) "
        "| If not known | Source |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| `{r.id}` | `{r.code}` | {r.kind} | {r.text} | {effect_words(r.id, policy.effects[r.id])} "
        f"| {_NOT_KNOWN_WORDS[r.not_known_as]} | {r.source} |"
        for r in RULES
    ]
    return "\n".join([*lines, END])


if __name__ == "__main__":
    print(rule_table())  # noqa: T201 -- a developer tool that prints for pasting
