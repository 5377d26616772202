"""A start-up check: every translation catalogue is compiled, else its pages show English with no warning."""

from __future__ import annotations

from typing import Any

from django.core.checks import Warning as CheckWarning
from django.core.checks import register

from misper.web.catalogue import catalogue_stale, po_files


@register("misper")
def catalogues_compiled(app_configs: Any = None, **kwargs: Any) -> list[CheckWarning]:
    return [
        CheckWarning(
            f"The translation catalogue {po} is not compiled, or changed since: its pages show English.",
            hint="Run `misper compilecatalogue` (make run and misper serve do it).",
            id="misper.W101",
        )
        for po in po_files()
        if catalogue_stale(po)
    ]
