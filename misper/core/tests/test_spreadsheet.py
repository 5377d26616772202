from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from misper.core.spreadsheet import spreadsheet_cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 1632 960221", "'+44 1632 960221"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("Oak House", "Oak House"),
        (None, ""),
        (-3, "-3"),
        (2.5, "2.5"),
        (date(2026, 3, 1), "2026-03-01"),
        (datetime(2026, 3, 1, 9, 30, tzinfo=UTC), "2026-03-01T09:30:00+00:00"),
    ],
)
def test_text_that_would_run_as_a_formula_is_quoted_and_nothing_else_is(value, cell):
    assert spreadsheet_cell(value) == cell
