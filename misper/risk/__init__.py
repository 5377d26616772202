"""misper's risk assessment engine: pure Python, no Django.

Give `assess` one misper/1 document (a child's report with their record and history) and it
returns a recommended grading with its reasons, actions and suggestions. Rules live in
`misper.risk.rules`; what they do to the grade is policy data in `misper/risk/policies/*.toml`.
See docs/risk-rules.md.
"""

from misper.risk.engine import assess
from misper.risk.errors import InvalidDocument, PolicyError
from misper.risk.policies import DEFAULT_POLICY, POLICY_DIR_ENV, available_policies, load_policy
from misper.risk.policy import Policy
from misper.risk.validation import validate
from misper.risk.vocab import (
    ACTIONS,
    ANSWERS,
    CATEGORIES,
    ENGINE_REASONS,
    FORMAT,
    INDICATORS,
    LEVELS,
    MITIGATING_INDICATORS,
    NOT_KNOWN,
    REASONS,
    RESULT_FORMAT,
    RISKS,
    VULNERABILITIES,
    load_schema,
)

__all__ = [
    "ACTIONS",
    "ANSWERS",
    "CATEGORIES",
    "DEFAULT_POLICY",
    "ENGINE_REASONS",
    "FORMAT",
    "INDICATORS",
    "LEVELS",
    "MITIGATING_INDICATORS",
    "NOT_KNOWN",
    "POLICY_DIR_ENV",
    "REASONS",
    "RESULT_FORMAT",
    "RISKS",
    "VULNERABILITIES",
    "InvalidDocument",
    "Policy",
    "PolicyError",
    "assess",
    "available_policies",
    "load_policy",
    "load_schema",
    "validate",
]
