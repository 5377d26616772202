"""Single sign-on tests: the provider process and the two agencies (``fixtures.py``)."""

from tests.sso.fixtures import idp, sso_world  # noqa: F401
