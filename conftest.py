"""Test set-up shared by every test folder (misper/, tests/).

``Client.force_login`` stands for a completed sign-in, so here it also passes the second factor: the
session is verified by django-otp (as ``django_otp.login`` does at the code step), with a confirmed
authenticator made for the user if they have none. Without this, ``SessionPolicyMiddleware`` would sign
out every forced session of a user who needs a second factor. The sign-in steps themselves, and the
refusal of unverified sessions, are tested through the real pages in ``misper/accounts/tests``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client


def _force_login_verified(original: Any) -> Any:
    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        from tests.factories import session_second_factor_pass

        original(self, user, backend)
        session_second_factor_pass(self, user)

    return force_login


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Client, "force_login", _force_login_verified(Client.force_login))


@pytest.fixture(scope="session", autouse=True)
def _translation_catalogues_compiled() -> None:
    """Welsh pages read the compiled catalogue (.mo, not kept in git): compile it once per run when the
    .po changed, as `make run` and `misper serve` do."""
    from misper.web.catalogue import catalogues_compile

    catalogues_compile()


@pytest.fixture(autouse=True)
def _english_again_after_each_test() -> Iterator[None]:
    """A page asked for in Welsh leaves Welsh active in the test's thread (Django activates the language
    of each request and does not reset it after), so a later test that checks a form directly would read
    Welsh messages. Back to the default language after every test."""
    yield
    from django.utils import translation

    translation.deactivate()
