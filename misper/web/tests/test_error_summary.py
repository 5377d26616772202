"""One error summary: every page's "There is a problem" comes from web/_error_summary.html."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.template.loader import render_to_string

MISPER = Path(__file__).resolve().parents[2]
SHARED = MISPER / "web" / "templates" / "web" / "_error_summary.html"


def test_no_template_writes_its_own_error_summary():
    copies = [
        str(path.relative_to(MISPER))
        for path in MISPER.glob("*/templates/**/*.html")
        if path != SHARED and "There is a problem" in path.read_text()
    ]
    assert copies == []


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ({"summary_error": "Choose same or different", "summary_anchor": "decision"}, '#decision">Choose'),
        ({"summary_error": "The link could not be made"}, '#main-content">The link'),
    ],
)
def test_a_page_without_a_form_links_its_error_to_the_question(context, expected):
    html = render_to_string("web/_error_summary.html", context)
    assert "There is a problem" in html
    assert expected in html


def test_no_error_no_summary():
    assert "There is a problem" not in render_to_string("web/_error_summary.html", {})
