"""Small template helpers for the learning figures pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def yes_share(cell: Any, question: str) -> int | None:
    return cell.share(question, "yes")


@register.simple_tag
def term_label(labels: dict[str, str], code: str) -> str:
    return labels.get(code, code)
