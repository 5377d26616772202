from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

WELSH = "cy"


def service(request: HttpRequest) -> dict[str, Any]:
    return {"service_name": settings.MISPER_SERVICE_NAME, "demo_mode": settings.DEMO_MODE}


def language(request: HttpRequest) -> dict[str, Any]:
    """``html_lang`` for ``<html lang>``, and the other language the header's link switches to (its code
    and its name in that language, as the GOV.UK pattern shows it: "Cymraeg" on an English page)."""
    welsh = translation.get_language() == WELSH
    return {
        "html_lang": WELSH if welsh else "en-GB",
        "switch_to": ("en-gb", "English", "en") if welsh else (WELSH, "Cymraeg", WELSH),
    }
