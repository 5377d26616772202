"""The Data Protection Act 2018, s.62 (law enforcement processing): logs must be kept of collection,
alteration, consultation, disclosure (including transfers), combination and erasure. Each access event's
``action`` belongs to exactly one of them; ``misper/audit/tests/test_s62.py`` fails if code records an
action that is not in this table, and drives each category through the service that records it."""

from __future__ import annotations

S62_CATEGORIES: dict[str, tuple[str, ...]] = {
    "collection": ("create",),
    # alteration also holds who can reach the records and how they did: 2FA enrolment and reset, API
    # tokens, sign-ins (password and code, or single sign-on)
    "alteration": (
        "change",
        "retain",
        "enrol",
        "reset-2fa",
        "issue",
        "revoke",
        "sign-in",
        "national_review_decide",
    ),
    "consultation": (
        "view",
        "list",
        "search",
        "assess",
        "national_view",
        "national_summary",
        "national_missing_now",
        "national_multi_force",
        "national_review_list",
        "national_review_view",
    ),
    "disclosure": ("disclose", "export"),  # partner alerts and deliveries, national returns, downloads
    "combination": ("combine",),  # national import, identity linkage
    "erasure": ("erase",),  # retention disposal
}
_BY_ACTION = {action: category for category, actions in S62_CATEGORIES.items() for action in actions}


def s62_category(action: str) -> str:
    """The s.62 category of an access event's action. An unknown action is an error (KeyError), never a guess."""
    return _BY_ACTION[action]
