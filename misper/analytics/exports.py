"""Figures as files: CSV, XLSX and the monthly PDF pack for the safeguarding board.

Every format writes a figure's ``columns`` and ``rows`` unchanged; ``cell_text`` is the one way a value
becomes text (the page's tables use it too), so a number reads the same everywhere.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from misper.analytics.figures import Figure
from misper.analytics.filters import Filters
from misper.core.spreadsheet import spreadsheet_cell

PACK_TITLE = "Missing children: monthly pack for the safeguarding board"
SYNTHETIC_NOTE = "Figures from misper. Children are under 18 when reported; adults 18 or over."


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers without a decimal point, others to one decimal place."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.1f}"
    return "" if value is None else str(value)


def figure_csv(figure: Figure) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(figure.columns)
    for row in figure.rows:
        writer.writerow([_file_cell(v) for v in row])
    return out.getvalue()


def _file_cell(value: Any) -> str:
    """``cell_text`` for a file: labels come from records (places, names), so text a spreadsheet would run
    as a formula is quoted (numbers never are)."""
    return spreadsheet_cell(value) if isinstance(value, str) else cell_text(value)


def _sheet_title(code: str, used: set[str]) -> str:
    title = code[:31]
    n = 1
    while title in used:
        n += 1
        title = f"{code[:28]}-{n}"
    used.add(title)
    return title


def figures_xlsx(figures: Iterable[Figure], filters: Filters) -> bytes:
    """One sheet per figure: the title, the filters, then the table with numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for f in figures:
        ws = wb.create_sheet(_sheet_title(f.code, used))
        ws.append([f.title])
        ws["A1"].font = Font(bold=True)
        ws.append([filters.describe()])
        ws.append([])
        ws.append(list(f.columns))
        for cell in ws[4]:
            cell.font = Font(bold=True)
        for row in f.rows:
            ws.append([spreadsheet_cell(v) if isinstance(v, str) else v for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _widths(n: int, width: float) -> list[float]:
    """The label column gets a quarter of the page (a third for short tables); the rest share the rest."""
    first = width * (0.25 if n > 8 else 0.34)
    return [first] + [(width - first) / max(n - 1, 1)] * (n - 1)


def monthly_pack_pdf(figures: list[Figure], filters: Filters, force_name: str) -> bytes:
    """The safeguarding board's pack: a cover, then each figure's table (A4 landscape)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), title=PACK_TITLE, author=force_name)
    story: list[Any] = [
        Paragraph(PACK_TITLE, styles["Title"]),
        Paragraph(f"{force_name}: {filters.describe()}", styles["Heading2"]),
        Paragraph(SYNTHETIC_NOTE, styles["Normal"]),
        Spacer(1, 12),
    ]
    cell = styles["BodyText"].clone("cell", fontSize=7, leading=8)
    for f in figures:
        story.append(Paragraph(f"{f.section}: {f.title}", styles["Heading3"]))
        story.append(Paragraph(f.description, styles["Normal"]))
        data = [[Paragraph(c, cell) for c in f.columns]]
        data += [[Paragraph(cell_text(v), cell) for v in row] for row in f.rows]
        table = Table(data, colWidths=_widths(len(f.columns), doc.width), repeatRows=1, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [table, Spacer(1, 10)]
    doc.build(story)
    return buf.getvalue()
