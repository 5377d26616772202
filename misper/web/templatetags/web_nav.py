"""The service navigation's items, with the current page marked (GOV.UK service navigation component)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


def _is_current(context: Any, url: str) -> bool:
    request = context.get("request")
    path = getattr(request, "path", "")
    return path == url if url == "/" else path == url or path.startswith(url.rstrip("/") + "/")


@register.simple_tag(takes_context=True)
def nav_current(context: Any, url_name: str) -> bool:
    """True when the page shown is ``url_name``'s page or one below it."""
    try:
        return _is_current(context, reverse(url_name))
    except NoReverseMatch:
        return False


@register.inclusion_tag("web/_nav_item.html", takes_context=True)
def nav_item(context: Any, url_name: str, label: str) -> dict[str, Any]:
    url = reverse(url_name)
    return {"url": url, "label": label, "current": _is_current(context, url)}
