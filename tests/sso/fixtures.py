"""The test identity provider (``misper/accounts/devidp.py``) as a subprocess on a free port of 127.0.0.1, two agencies
whose single sign-on points at two of its tenants, and ``sso_sign_in``: a Django test client following
the real redirects through the provider's sign-in page and back to misper's callback. Imported by
``tests/sso/conftest.py`` and ``tests/journeys/conftest.py``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
CALLBACK = "http://testserver/sign-in/sso/callback"
SECRET_A, SECRET_B = "test-secret-of-client-a", "test-secret-of-client-b"


def _user(sub: str, groups: list[str], amr: list[str], **more: Any) -> dict[str, Any]:
    return {
        "sub": sub,
        "preferred_username": sub.split("-")[0],
        "email": f"{sub}@example.invalid",
        "given_name": "Test",
        "family_name": sub.title(),
        "groups": groups,
        "amr": amr,
        **more,
    }


USERS_A = {
    "alice": _user("alice-1", ["misper-officers"], ["pwd", "mfa"]),
    "nomfa": _user("nomfa-2", ["misper-officers"], ["pwd"]),
    "key": _user("key-3", ["misper-supervisors"], ["hwk"]),
    "canteen": _user("canteen-4", ["canteen", "car-park"], ["pwd", "mfa"]),
    "acr": _user("acr-5", ["misper-officers"], ["pwd"], acr="urn:test:loa:mfa"),
}
# Tenant b knows a user with the same subject as tenant a's alice: another person at another agency.
USERS_B = {"alice": _user("alice-1", ["social-workers"], ["pwd", "mfa"])}


@dataclass
class Idp:
    url: str

    def issuer(self, tenant: str) -> str:
        return f"{self.url}/{tenant}"

    def control(self, tenant: str, **body: Any) -> None:
        requests.post(f"{self.url}/_control", json={"tenant": tenant, **body}, timeout=5).raise_for_status()


@pytest.fixture(scope="session")
def idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Idp]:
    config = {
        "tenants": {
            "a": {
                "clients": {"misper-a": {"secret": SECRET_A, "redirect_uris": [CALLBACK]}},
                "users": USERS_A,
            },
            "b": {
                "clients": {"misper-b": {"secret": SECRET_B, "redirect_uris": [CALLBACK]}},
                "users": USERS_B,
            },
        }
    }
    path = tmp_path_factory.mktemp("idp") / "config.json"
    path.write_text(json.dumps(config))
    command = [sys.executable, "-m", "misper.accounts.devidp", str(path)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert line.startswith("PORT "), f"the test provider did not start: {line!r}"
        yield Idp(url=f"http://127.0.0.1:{line.split()[1]}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@dataclass
class SsoWorld:
    force: Any
    council: Any
    provider_a: Any
    provider_b: Any


@pytest.fixture
def sso_world(db: None, idp: Idp, monkeypatch: pytest.MonkeyPatch) -> SsoWorld:
    from misper.accounts.models import AgencyKind
    from misper.accounts.sso.providers import ProviderSettings, identity_provider_set
    from tests.factories import agency_make

    # Each test starts with the configured users and well-behaved tokens.
    idp.control("a", users=USERS_A, tamper="")
    idp.control("b", users=USERS_B, tamper="")
    monkeypatch.setenv("MISPER_OIDC_SECRET_A", SECRET_A)
    monkeypatch.setenv("MISPER_OIDC_SECRET_B", SECRET_B)
    force = agency_make(AgencyKind.POLICE_FORCE, code="sso-force", name="Ssoshire Police")
    council = agency_make(
        AgencyKind.LOCAL_AUTHORITY, code="sso-council", name="Ssoshire Council", police_area=force
    )
    a = identity_provider_set(
        agency=force,
        values=ProviderSettings(
            name="Ssoshire Police account",
            issuer=idp.issuer("a"),
            client_id="misper-a",
            client_secret_env="MISPER_OIDC_SECRET_A",
            groups=(("misper-supervisors", "supervisor"), ("misper-officers", "investigating_officer")),
            trust_mfa=True,
            mfa_acr="urn:test:loa:mfa",
        ),
        acting_user=None,
    )
    b = identity_provider_set(
        agency=council,
        values=ProviderSettings(
            name="Ssoshire Council account",
            issuer=idp.issuer("b"),
            client_id="misper-b",
            client_secret_env="MISPER_OIDC_SECRET_B",
            groups=(("social-workers", "partner_practitioner"),),
            trust_mfa=True,
        ),
        acting_user=None,
    )
    return SsoWorld(force=force, council=council, provider_a=a, provider_b=b)


_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
_ACTION = re.compile(r"<form method='post' action='([^']+)'>")


def provider_consent(authorize_url: str, account: str, decision: str = "allow") -> str:
    """Open the provider's sign-in page at ``authorize_url``, choose ``account`` and submit, as a person
    would; returns where the provider sends the browser back to (misper's callback, with code and state)."""
    page = requests.get(authorize_url, timeout=5)
    assert page.status_code == 200, page.text
    fields = {unescape(k): unescape(v) for k, v in _HIDDEN.findall(page.text)}
    action = _ACTION.search(page.text)
    assert action is not None
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(authorize_url))
    answer = requests.post(
        origin + action.group(1),
        data={**fields, "user": account, "decision": decision},
        allow_redirects=False,
        timeout=5,
    )
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def local_path(url: str) -> str:
    parts = urlsplit(url)
    assert parts.netloc == "testserver", url
    return parts.path + ("?" + parts.query if parts.query else "")


def sso_start(client: Client, agency_code: str, next_url: str = "") -> str:
    """misper's start page for the agency: the provider's authorisation address it redirects to."""
    response = client.get(f"/sign-in/with/{agency_code}" + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302, response.content
    return str(response["Location"])


def sso_sign_in(client: Client, agency_code: str, account: str, **kwargs: Any) -> Any:
    """The whole journey: misper → provider's sign-in page → misper's callback; the callback's response."""
    back = provider_consent(sso_start(client, agency_code, **kwargs), account)
    return client.get(local_path(back))
