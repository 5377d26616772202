"""Figure files: a label taken from a record (a place, a name) is never run as a spreadsheet formula."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from misper.analytics.exports import figure_csv, figures_xlsx
from misper.analytics.figures.base import Figure
from misper.analytics.filters import default_filters

HOSTILE = '=HYPERLINK("http://example.invalid","Click")'


def _figure() -> Figure:
    return Figure(
        code="outcome_where_found", section="outcomes", title="Where found", description="",
        columns=["Place", "Episodes", "Change"], rows=[[HOSTILE, 3, -2], ["Oak House", 1, 0]],
    )  # fmt: skip


def test_csv_quotes_formula_text_but_not_numbers():
    lines = figure_csv(_figure()).splitlines()
    assert lines[1] == '"\'=HYPERLINK(""http://example.invalid"",""Click"")",3,-2'
    assert lines[2] == "Oak House,1,0"


def test_xlsx_stores_formula_text_as_text_and_numbers_as_numbers():
    book = load_workbook(io.BytesIO(figures_xlsx([_figure()], default_filters(date(2026, 3, 1)))))
    sheet = book.worksheets[0]
    place, count, change = (sheet.cell(row=5, column=c) for c in (1, 2, 3))
    assert place.data_type == "s"
    assert place.value == "'" + HOSTILE
    assert (count.value, change.value) == (3, -2)
