"""Template helpers for the dashboard: one cell format shared with the downloads, and chart data as
inert JSON blocks (``<script type="application/json">`` is never executed, so the strict CSP allows it)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString

from misper.analytics.exports import cell_text
from misper.analytics.figures import Figure

register = template.Library()


@register.filter
def cell(value: Any) -> str:
    return cell_text(value)


@register.simple_tag
def figure_json(figure: Figure) -> SafeString:
    return json_script(figure.as_dict(), f"fig-data-{figure.code}")


@register.simple_tag
def data_json(value: Any, element_id: str) -> SafeString:
    return json_script(value, element_id)
