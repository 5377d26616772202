"""What a production start refuses: debug on, and a secret key that is missing, short or well known.

Read by ``settings.py`` when ``MISPER_ENV=production`` (the settings raise ``ImproperlyConfigured``, so
no command, server or worker starts) and by the deploy check ``misper.E002`` (``misper check --deploy``,
run by ``misper serve``). No Django imports: the settings module imports it.
"""

from __future__ import annotations

MIN_SECRET_KEY_LENGTH = 50  # Django's own deploy check (security.W009) asks for 50 characters
MIN_SECRET_KEY_CHARACTERS = 5  # distinct characters, as security.W009
# Keys seen in tutorials, templates and misper's own demo: never acceptable, whatever their length.
WELL_KNOWN_SECRET_KEYS = frozenset(
    {
        "changeme",
        "change-me",
        "change_me",
        "secret",
        "secret-key",
        "secretkey",
        "password",
        "misper",
        "django",
    }
)
WELL_KNOWN_SECRET_KEY_PREFIXES = ("django-insecure", "misper-demo", "changeme", "change-me", "insecure")


def secret_key_problem(key: str) -> str:
    """Why ``key`` is not fit for production, or "" if it is."""
    if not key:
        return "MISPER_SECRET_KEY is not set"
    lowered = key.strip().lower()
    if lowered in WELL_KNOWN_SECRET_KEYS or lowered.startswith(WELL_KNOWN_SECRET_KEY_PREFIXES):
        return "MISPER_SECRET_KEY is a well-known value (a demo, template or placeholder key)"
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < MIN_SECRET_KEY_CHARACTERS:
        return (
            f"MISPER_SECRET_KEY is too short or too simple: use at least {MIN_SECRET_KEY_LENGTH} random "
            "characters, e.g. from `python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`"
        )
    return ""


def production_refusals(*, debug: bool, secret_key: str) -> list[str]:
    """Every reason a production start must be refused (empty: it may start)."""
    problems = []
    if debug:
        problems.append("MISPER_DEBUG is on: the debug page would show settings and data to anyone")
    key_problem = secret_key_problem(secret_key)
    if key_problem:
        problems.append(key_problem)
    return problems
