"""Welsh: every message in misper's Welsh catalogue is translated (none empty, fuzzy or left in English,
placeholders kept), and no page translated so far shows, under Welsh, a message of the catalogue in English.

The crawl signs in as each kind of user who sees the page (a call handler, a supervisor, a council's
social worker), with the Welsh language cookie set, and reads the text a person sees or hears (text, alt,
aria-label, the page title). Add a page to ``welsh_pages`` when its templates are translated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from misper.web.catalogue import Entry, po_read

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "cy" / "LC_MESSAGES" / "django.po"
# A message may be the same in Welsh (a name, an abbreviation) only if a translator comment says so.
SAME_IN_WELSH = "Same in Welsh:"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdi]|%[sdi]|\{\w*\}")
PASSWORD = "a-long-test-password-1"  # tests.factories.user_make


def messages() -> list[Entry]:
    return [e for e in po_read(CATALOGUE) if e.msgid]


def test_every_message_in_the_welsh_catalogue_is_translated() -> None:
    untranslated = [e.msgid for e in messages() if not e.translated]
    assert not untranslated, f"empty or fuzzy in {CATALOGUE}: {untranslated}"


def test_no_message_is_left_in_english_unless_a_translator_says_it_is_the_same_in_welsh() -> None:
    def allowed(e: Entry) -> bool:
        return any(c.startswith(SAME_IN_WELSH) for c in e.translator_comments)

    same = [e.msgid for e in messages() if e.msgid in e.msgstrs and not allowed(e)]
    assert not same


def test_every_translation_keeps_the_placeholders_of_its_message() -> None:
    wrong = [
        (e.msgid, s)
        for e in messages()
        for s in e.msgstrs
        if sorted(set(PLACEHOLDER.findall(e.msgid + e.msgid_plural))) != sorted(set(PLACEHOLDER.findall(s)))
    ]
    assert not wrong


def test_names_the_pages_show_from_model_choices_are_all_in_the_catalogue() -> None:
    """Roles, sex and where a child lives are stored as codes and shown by name: each name needs Welsh."""
    from misper.accounts.models import Role
    from misper.people.models import PlacementType, Sex

    welsh = {e.msgid for e in messages() if e.translated}
    missing = [
        label for choices in (Role, Sex, PlacementType) for label in choices.labels if label not in welsh
    ]
    assert not missing


# --- the crawl ------------------------------------------------------------------------------------------


class VisibleText(HTMLParser):
    """The words a person reads or hears on a page: text outside scripts, styles and code (names typed as
    they are: usernames, a key), and the alt, aria-label, title and placeholder attributes."""

    SPOKEN = ("alt", "aria-label", "title", "placeholder")
    UNREAD = ("script", "style", "code")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.UNREAD:
            self._hidden += 1
        self.chunks += [v for k, v in attrs if k in self.SPOKEN and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in self.UNREAD:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.chunks.append(data)


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return [" ".join(c.split()) for c in parser.chunks]


def english_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Each translated message as a pattern for its English wording (placeholders match any text)."""
    patterns = []
    for e in messages():
        if e.msgid in e.msgstrs:
            continue
        english = " ".join(e.msgid.split())
        literal = [p for p in PLACEHOLDER.split(english) if p.strip()]
        if sum(len(p) for p in literal) < 4:
            continue  # "%(a)s, %(b)s": nothing English to see
        body = ".+?".join(re.escape(p) for p in PLACEHOLDER.split(english))
        patterns.append((english, re.compile(rf"(?<![\w'’])(?:{body})(?![\w'’])")))
    return patterns


def english_messages_on(html: str, patterns: list[tuple[str, re.Pattern[str]]]) -> list[str]:
    text = visible_text(html)
    return sorted({english for english, pattern in patterns for chunk in text if pattern.search(chunk)})


@dataclass
class Scene:
    """What the crawl's pages are about: a child placed by the world's council, back home, with a return
    interview to do and a one-time feedback link."""

    world: Any
    episode: Any
    interview: Any
    feedback_code: str
    carer: Any


@pytest.fixture
def scene(world: Any) -> Scene:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from misper.accounts.models import AgencyKind, Role
    from misper.accounts.services import second_factor_reset
    from misper.learning.services import feedback_invite_create
    from misper.partners.models import ReturnInterview
    from tests.factories import agency_make, child_make, episode_make, user_make

    now = timezone.now()
    home = agency_make(AgencyKind.CARE_PROVIDER, code="welsh-home", name="Tŷ Derw")
    carer = user_make(home, Role.PARTNER_PRACTITIONER, username="carer")
    child = child_make(world.force, placing_authority=world.la, care_provider=home, looked_after=True)
    episode = episode_make(
        child, reported_at=now - timedelta(days=2), status="closed", found_at=now - timedelta(days=1)
    )
    interview = ReturnInterview.objects.create(
        episode=episode,
        responsible_agency=world.la,
        referred_at=now - timedelta(hours=20),
        due_at=now + timedelta(hours=52),
    )
    _, code = feedback_invite_create(episode_id=episode.pk, acting_user=world.calltaker)
    TOTPDevice.objects.create(user=world.supervisor, name="app", confirmed=True)
    second_factor_reset(user=world.analyst, acting_user=None, granted_by="test")
    return Scene(world, episode, interview, code, carer)


@dataclass
class Visit:
    """A page to read in Welsh: who reads it (None: signed out), its address, and a form to post, if any.
    ``before`` runs first with the Welsh client (the password step before the code page)."""

    name: str
    user: Callable[[Scene], Any] | None
    path: Callable[[Scene], str]
    post: dict[str, str] | None = None
    status: int = 200
    before: Callable[[Client, Scene], Any] | None = None


def _password_step(username: str) -> Callable[[Client, Scene], Any]:
    return lambda client, s: client.post("/sign-in", {"username": username, "password": PASSWORD})


SOCIAL_WORKER = lambda s: s.world.socialworker  # noqa: E731
CALL_HANDLER = lambda s: s.world.calltaker  # noqa: E731
CARER = lambda s: s.carer  # noqa: E731

# Pages a partner or the public may see: signed out, the child's own feedback pages, errors, partner pages.
PUBLIC_PAGES = [
    Visit("sign-in", None, lambda s: "/sign-in"),
    Visit("sign-in, nothing typed", None, lambda s: "/sign-in", post={}),
    Visit("sign-in, wrong password", None, lambda s: "/sign-in", post={"username": "x", "password": "y"}),
    Visit("second factor", None, lambda s: "/sign-in/code", before=_password_step("supervisor")),
    Visit(
        "second factor, no code",
        None,
        lambda s: "/sign-in/code",
        post={},
        status=400,
        before=_password_step("supervisor"),
    ),
    Visit("authenticator set-up", None, lambda s: "/sign-in/enrol", before=_password_step("analyst")),
    Visit("feedback form", None, lambda s: f"/feedback/{s.feedback_code}"),
    Visit("feedback form, nothing chosen", None, lambda s: f"/feedback/{s.feedback_code}", post={}),
    Visit("feedback, thanks", None, lambda s: "/feedback/thanks"),
    Visit("feedback, used link", None, lambda s: "/feedback/no-such-code", status=404),
    Visit("page not found, signed out", None, lambda s: "/no-such-page", status=404),
]
PARTNER_PAGES = [
    Visit("page not found", SOCIAL_WORKER, lambda s: "/no-such-page", status=404),
    Visit("refused page", SOCIAL_WORKER, lambda s: "/board", status=403),
    Visit("feedback link page", SOCIAL_WORKER, lambda s: f"/episodes/{s.episode.pk}/feedback-link"),
    Visit("feedback link made", SOCIAL_WORKER, lambda s: f"/episodes/{s.episode.pk}/feedback-link", post={}),
    Visit("feedback recorded for the child", SOCIAL_WORKER, lambda s: f"/episodes/{s.episode.pk}/feedback"),
    Visit(
        "feedback recorded, nothing chosen",
        SOCIAL_WORKER,
        lambda s: f"/episodes/{s.episode.pk}/feedback",
        post={},
    ),
    Visit("home, social worker", SOCIAL_WORKER, lambda s: "/"),
    Visit("return interviews", SOCIAL_WORKER, lambda s: "/return-interviews"),
    Visit("return interview", SOCIAL_WORKER, lambda s: f"/return-interviews/{s.interview.pk}"),
    Visit(
        "return interview, nothing typed",
        SOCIAL_WORKER,
        lambda s: f"/return-interviews/{s.interview.pk}",
        post={"version": "1"},
    ),
    Visit("alerts", SOCIAL_WORKER, lambda s: "/alerts"),
    Visit("trigger plan", SOCIAL_WORKER, lambda s: f"/children/{s.episode.child_id}/trigger-plan"),
    Visit("new trigger plan", SOCIAL_WORKER, lambda s: f"/children/{s.episode.child_id}/trigger-plan/new"),
    Visit(
        "new trigger plan, nothing typed",
        SOCIAL_WORKER,
        lambda s: f"/children/{s.episode.child_id}/trigger-plan/new",
        post={"version": "0"},
    ),
    Visit("care profile", SOCIAL_WORKER, lambda s: f"/children/{s.episode.child_id}/care-profile"),
    Visit("API tokens", SOCIAL_WORKER, lambda s: "/account/api-tokens"),
    Visit("placement notices", SOCIAL_WORKER, lambda s: "/placements"),
    Visit("child", SOCIAL_WORKER, lambda s: f"/children/{s.episode.child_id}"),
    Visit("find a child", SOCIAL_WORKER, lambda s: "/children/search"),
    Visit("find a child, found", SOCIAL_WORKER, lambda s: "/children/search", post={"name": "Testchild"}),
    Visit("find a child, nothing typed", SOCIAL_WORKER, lambda s: "/children/search", post={}),
    Visit("care profile, care home", CARER, lambda s: f"/children/{s.episode.child_id}/care-profile"),
    Visit("care home report", CARER, lambda s: f"/children/{s.episode.child_id}/care-profile/report-missing"),
    Visit(
        "care home report, nothing typed",
        CARER,
        lambda s: f"/children/{s.episode.child_id}/care-profile/report-missing",
        post={},
    ),
]
POLICE_PAGES = [
    Visit("home, call handler", CALL_HANDLER, lambda s: "/"),
]
WELSH_PAGES = PUBLIC_PAGES + PARTNER_PAGES + POLICE_PAGES


def welsh_client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    return client


def welsh_page(scene: Scene, visit: Visit) -> str:
    client = welsh_client(visit.user(scene) if visit.user else None)
    if visit.before:
        visit.before(client, scene)
    path = visit.path(scene)
    resp = client.post(path, visit.post) if visit.post is not None else client.get(path)
    assert resp.status_code == visit.status, (path, resp.status_code)
    html = resp.content.decode()
    assert '<html lang="cy"' in html
    return html


@pytest.mark.parametrize("visit", WELSH_PAGES, ids=lambda v: v.name)
def test_no_welsh_page_shows_a_message_of_the_catalogue_in_english(scene: Scene, visit: Visit) -> None:
    assert english_messages_on(welsh_page(scene, visit), english_patterns()) == []


# Words of English that Welsh text does not use: a public page showing one has text nobody marked for
# translation. (Partner pages also show records' own words, so only the public pages are held to this.)
ENGLISH_WORDS = {
    "the",
    "you",
    "your",
    "and",
    "with",
    "this",
    "that",
    "what",
    "have",
    "from",
    "enter",
    "there",
}


@pytest.mark.parametrize("visit", PUBLIC_PAGES, ids=lambda v: v.name)
def test_public_pages_in_welsh_have_no_english_words_left(scene: Scene, visit: Visit) -> None:
    words = {
        w.lower() for chunk in visible_text(welsh_page(scene, visit)) for w in re.findall(r"[A-Za-z]+", chunk)
    }
    assert words & ENGLISH_WORDS == set()


def test_the_crawl_finds_a_message_left_in_english() -> None:
    """The check itself: the same page in English shows the catalogue's messages in English."""
    html = Client().get("/sign-in").content.decode()
    found = english_messages_on(html, english_patterns())
    assert "Skip to main content" in found


# --- what is not a whole page --------------------------------------------------------------------------


def test_the_childs_voice_is_in_welsh_with_welsh_dates(scene: Scene) -> None:
    from misper.episodes.models import SafeAndWellCheck

    SafeAndWellCheck.objects.create(
        episode=scene.episode,
        conducted_at=timezone.make_aware(datetime(2026, 3, 3, 16, 30)),
        child_wishes="Byw gyda fy nain.",
        push_factors="Dadleuon",
    )
    html = welsh_page(scene, Visit("child", SOCIAL_WORKER, lambda s: f"/children/{s.episode.child_id}"))
    voice = html[html.index('data-testid="child-voice"') :]
    voice = voice[: voice.index("</dl>")]
    assert "Y tro diwethaf, ar 3 Mawrth 2026, dywedodd hi (gwiriad diogel ac iach):" in voice
    assert "Beth roedd hi eisiau iddo ddigwydd" in voice
    assert "Beth roedd hi&#x27;n dianc rhagddo" in voice or "Beth roedd hi'n dianc rhagddo" in voice
    assert english_messages_on(voice, english_patterns()) == []


def test_a_childs_age_reads_in_welsh(scene: Scene) -> None:
    html = welsh_page(scene, Visit("child", SOCIAL_WORKER, lambda s: f"/children/{s.episode.child_id}"))
    row = html[html.index("Dyddiad geni") :]
    row = row[: row.index("</dd>")]
    assert "17 Mai 2011 (oed " in row
    assert re.search(r"\(oed \d+\s(flwyddyn|flynedd|blynedd|mlynedd) \d+\s(mis|fis)\)", row), row


@pytest.mark.parametrize(
    ("language", "expected"),
    [("cy", "3 Mawrth 2026 · 3 Maw 2026 · Mawrth 2026"), ("en-gb", "3 March 2026 · 3 Mar 2026 · March 2026")],
)
def test_dates_follow_the_language(language: str, expected: str) -> None:
    from django.template import Context, Template
    from django.utils import translation

    template = Template('{{ d|date:"j F Y" }} · {{ d|date:"j M Y" }} · {{ d|date:"F Y" }}')
    with translation.override(language):
        assert template.render(Context({"d": datetime(2026, 3, 3, 16, 30)})) == expected
