"""The crawler shared by the sentinel crawl and the access-log crawl: every surface, as every user.

``surfaces(w)`` lists every request that can show a record: every web URL pattern answering GET (each
path parameter filled from the world, every alternative where a route can show more than one record),
the POST-only reads and downloads (the child search, the list and log exports, with a purpose), every
GET API operation and the API's child search. ``crawl(w, users)`` makes each request as each user and
returns what came back (the body as text: HTML, JSON, CSV, the strings inside an XLSX and a PDF) and the
access events the request wrote. ``misper/accounts/tests/test_sentinel_crawl.py`` and
``test_access_log_crawl.py`` assert on the same crawl.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
import zlib
from base64 import a85decode
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from misper.accounts.models import User
from misper.accounts.services import api_token_create
from misper.accounts.tests.matrix_world import PARAMS, MatrixWorld
from misper.audit.models import AccessEvent
from misper.config.api import api

_PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\{(\w+)\}")
# Routes not crawled, and why: they change state on GET-less routes or end the session.
SKIPPED = {
    "sign-out": "ends the session",
    "sign-in": "no record on it",
    "sign-in/code": "no record on it",
    "sign-in/enrol": "no record on it",
    "sign-in/with/<slug:agency_code>": "starts single sign-on, no record on it",
    "sign-in/sso/callback": "single sign-on's return, no record on it",
    "api/v1/docs": "the API's documentation",
    "api/v1/openapi.json": "the API's documentation",
    "feedback/<str:code>": "a child's feedback form, no record on it",
}
# POST routes that only read (downloads and searches): requested with these form fields.
POST_READS: dict[str, dict[str, str]] = {
    "children/search": {"name": "{search}", "purpose": "crawl"},
    "return-interviews/export.csv": {"purpose": "crawl"},
    "placements/export.csv": {"purpose": "crawl"},
    "audit/log/export": {"purpose": "crawl"},
}


def _queries(w: MatrixWorld) -> dict[str, str]:
    """Query strings some pages need before they show anything (a beat, a month), or that fill a form
    from a record on file (the risk tool's answers prefilled from the child's)."""
    from django.utils import timezone

    return {
        "risk-tool": f"?child={w.child.pk}",
        "briefing": "?beat=DM01",
        "placements/by-beat": "?beat=HS01",
        "dashboard/pack.pdf": f"?month={timezone.localdate():%Y-%m}",
    }


@dataclass(frozen=True)
class Surface:
    route: str
    method: str
    path: str
    data: dict[str, str] = field(default_factory=dict)
    api: bool = False


@dataclass
class Seen:
    user: str
    surface: Surface
    status: int
    text: str
    events: list[AccessEvent]


def web_patterns(patterns: list[Any] | None = None, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            yield from web_patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.callback.__module__ != "ninja.operation":
            yield prefix + str(p.pattern), p.callback


def _answers_get(callback: Any) -> bool:
    view_class = getattr(callback, "view_class", None)
    if view_class is None:
        return True
    return hasattr(view_class, "get")


def _alternatives(w: MatrixWorld) -> dict[str, list[Any]]:
    """Path parameters that name more than one record of the child: every one is crawled."""
    from misper.analytics.figures import REGISTRY
    from misper.episodes.models import RiskAssessment

    episodes = [e for e in (w.episode, getattr(w, "open_episode", None)) if e is not None]
    return {
        "episode_id": [e.pk for e in episodes],
        "assessment_id": list(
            RiskAssessment.objects.filter(episode__in=episodes).order_by("pk").values_list("pk", flat=True)
        ),
        "code": [*REGISTRY, "all"],
        "fmt": ["csv", "xlsx"],  # each figure as CSV; every figure in one XLSX (``_worth_crawling``)
    }


def _fills(pattern: str, w: MatrixWorld) -> list[str]:
    names = [m.group(1) or m.group(2) for m in _PARAM.finditer(pattern)]
    alternatives = _alternatives(w)
    choices = [alternatives.get(n) or [PARAMS[n](w) if n in PARAMS else 999_999] for n in names]
    paths = []
    for values in itertools.product(*choices):
        it = iter(values)
        path = _PARAM.sub(lambda m, it=it: str(next(it)), pattern)
        if _worth_crawling(path):
            paths.append(path if path.startswith("/") else "/" + path)
    return paths


def _worth_crawling(path: str) -> bool:
    """Figure downloads: each figure's CSV and the XLSX of all figures (one XLSX per figure holds the
    same cells through the same writer, and would double the crawl's time)."""
    if "dashboard/figures/" not in path:
        return True
    return path.endswith(".csv") != path.endswith("/all.csv") or path.endswith("/all.xlsx")


def surfaces(w: MatrixWorld) -> list[Surface]:
    # Searched for by a misspelling, so that the page echoing what was typed is not taken for a result.
    search = getattr(w, "search_name", "") or w.child.full_name
    out = []
    for pattern, callback in sorted(web_patterns(), key=lambda p: p[0]):
        if pattern in SKIPPED:
            continue
        if pattern in POST_READS:
            data = {k: v.format(search=search) for k, v in POST_READS[pattern].items()}
            out += [Surface(pattern, "POST", p, data) for p in _fills(pattern, w)]
        elif _answers_get(callback):
            query = _queries(w).get(pattern, "")
            out += [Surface(pattern, "GET", p + query) for p in _fills(pattern, w)]
    for path, ops in api.get_openapi_schema()["paths"].items():
        if "get" in ops:
            out += [Surface(f"GET {path}", "GET", p, api=True) for p in _fills(path, w)]
    body = {"name": search}
    out.append(Surface("POST /api/v1/children/search", "POST", "/api/v1/children/search", body, api=True))
    return out


def response_text(resp: Any) -> str:
    """The response body as text: XLSX cells and PDF text included (every stream decompressed)."""
    body = b"".join(resp.streaming_content) if getattr(resp, "streaming", False) else resp.content
    kind = resp.get("Content-Type", "")
    if body[:2] == b"PK" or "spreadsheet" in kind:
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    if body[:4] == b"%PDF":
        return _pdf_text(body)
    return body.decode("utf-8", "replace")


def _pdf_text(body: bytes) -> str:
    parts = [body.decode("latin-1")]
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", body, re.S):
        data = m.group(1).strip()
        for decode in (lambda d: zlib.decompress(d), lambda d: zlib.decompress(a85decode(d, adobe=True))):
            try:
                parts.append(decode(data).decode("latin-1"))
                break
            except Exception:
                continue
    return "\n".join(parts)


def _request(c: Client, s: Surface, token: str) -> Any:
    if s.api:
        headers = {"Authorization": f"Bearer {token}"}
        if s.method == "GET":
            return c.get(s.path, headers=headers)
        import json

        return c.post(s.path, json.dumps(s.data), content_type="application/json", headers=headers)
    return c.post(s.path, s.data) if s.method == "POST" else c.get(s.path)


def crawl(
    w: MatrixWorld, users: dict[str, User], *, only: Callable[[Surface], bool] = lambda s: True
) -> list[Seen]:
    """Every surface as every user: what each answered and the access events each request wrote."""
    seen = []
    plan = [s for s in surfaces(w) if only(s)]
    for name, user in users.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        token = api_token_create(user=user)
        for s in plan:
            before = AccessEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            resp = _request(client, s, token)
            events = list(AccessEvent.objects.filter(pk__gt=before))
            seen.append(Seen(name, s, resp.status_code, response_text(resp), events))
    return seen
