"""The header's language link: Welsh or English, kept in a cookie signed out and signed in; English pages
are as they were; the link goes back only to a page on this site."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

WELSH_SKIP_LINK = "Neidio i'r prif gynnwys"


def _switch(client: Client, to: str, nxt: str = "/sign-in") -> str:
    resp = client.get("/language", {"to": to, "next": nxt})
    assert resp.status_code == 302
    return str(resp["Location"])


def test_english_is_the_default_and_unchanged() -> None:
    resp = Client().get("/sign-in")
    page = resp.content.decode()
    assert '<html lang="en-GB"' in page
    assert "Sign in to misper" in page
    assert "Skip to main content" in page
    assert resp["Content-Language"] == "en-gb"
    assert 'href="/language?to=cy&amp;next=/sign-in" lang="cy" hreflang="cy"' in page
    assert ">Cymraeg</a>" in page


def test_switching_to_welsh_signed_out_keeps_the_choice_in_a_cookie_and_returns_to_the_page() -> None:
    client = Client()
    assert _switch(client, "cy") == "/sign-in"
    cookie = client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "cy"
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    page = client.get("/sign-in").content.decode()
    assert '<html lang="cy"' in page
    assert WELSH_SKIP_LINK in page
    assert 'lang="en" hreflang="en" data-testid="language-switch">English</a>' in page

    assert _switch(client, "en-gb") == "/sign-in"
    page = client.get("/sign-in").content.decode()
    assert '<html lang="en-GB"' in page
    assert "Skip to main content" in page


def test_switching_signed_in_keeps_the_session_and_the_choice_outlives_signing_out(world) -> None:
    client = Client()
    client.force_login(world.calltaker)
    assert _switch(client, "cy", "/children/search") == "/children/search"
    resp = client.get("/children/search")
    assert resp.status_code == 200  # still signed in
    assert '<html lang="cy"' in resp.content.decode()
    client.post("/sign-out")
    page = client.get("/sign-in").content.decode()
    assert '<html lang="cy"' in page


def test_the_browsers_language_is_used_until_a_choice_is_made() -> None:
    client = Client(headers={"accept-language": "cy"})
    assert '<html lang="cy"' in client.get("/sign-in").content.decode()
    _switch(client, "en-gb")
    assert '<html lang="en-GB"' in client.get("/sign-in").content.decode()


@pytest.mark.parametrize(
    "nxt", ["https://attacker.example/", "//attacker.example/x", "javascript:alert(1)", ""]
)
def test_the_link_never_sends_anyone_off_the_site(nxt: str) -> None:
    assert _switch(Client(), "cy", nxt) == "/"


@pytest.mark.parametrize("to", ["fr", "", "cy' onload='x", "x" * 5000])
def test_an_unknown_language_is_a_404_and_changes_nothing(to: str) -> None:
    client = Client()
    resp = client.get("/language", {"to": to, "next": "/sign-in"})
    assert resp.status_code == 404
    assert settings.LANGUAGE_COOKIE_NAME not in resp.cookies
    assert '<html lang="en-GB"' in client.get("/sign-in").content.decode()


def test_the_api_answers_in_english_whatever_the_language_chosen() -> None:
    client = Client(headers={"accept-language": "cy"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    resp = client.get("/api/v1/episodes")
    assert resp.status_code == 401
    assert resp["Content-Language"] == "en-gb"
    assert '<html lang="cy"' in client.get("/sign-in").content.decode()
