from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict[str, Any]:
    return {"service_name": settings.MISPER_SERVICE_NAME, "demo_mode": settings.DEMO_MODE}
