"""Exports of the recommendations tracker for a force's scrutiny panel: CSV (one row per action) and PDF.

Both take recommendations with their actions, updates and evidence prefetched, and promise the same
content: every recommendation, every action, the latest progress update and every evidence link.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from xml.sax.saxutils import escape

from misper.core.spreadsheet import spreadsheet_cell as _cell
from misper.learning.models import Recommendation

CSV_HEADER = [
    "Source", "Reference", "Type", "Recommendation", "Due", "Owner", "Status",
    "Action", "Action owner", "Action due", "Action status", "Latest progress", "Evidence",
]  # fmt: skip


def _latest(rec: Recommendation) -> str:
    updates = list(rec.updates.all())
    return f"{updates[0].on:%d/%m/%Y}: {updates[0].text}" if updates else ""


def _evidence(rec: Recommendation) -> str:
    return "; ".join(f"{e.label} <{e.url}>" for e in rec.evidence.all())


def _due(value: object) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def recommendations_csv(recs: Iterable[Recommendation]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for rec in recs:
        head = [
            rec.source,
            rec.reference,
            rec.get_kind_display(),
            rec.text,
            _due(rec.due_on),
            rec.owner,
            rec.get_status_display(),
        ]
        tail = [_latest(rec), _evidence(rec)]
        actions = list(rec.actions.all()) or [None]
        for a in actions:
            middle = [a.text, a.owner, _due(a.due_on), a.get_status_display()] if a else ["", "", "", ""]
            writer.writerow([_cell(v) for v in head + middle + tail])
    return out.getvalue()


def recommendations_pdf(recs: Iterable[Recommendation], *, title: str) -> bytes:
    """An A4 PDF: a heading per recommendation, its text, an action table, progress and evidence."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    body, small = styles["BodyText"], styles["BodyText"].clone("small", fontSize=8, leading=10)
    story: list = [Paragraph(escape(title), styles["Title"])]  # type: ignore[type-arg]
    for rec in recs:
        story.append(
            Paragraph(escape(f"{rec.reference} ({rec.get_kind_display()}): {rec.source}"), styles["Heading2"])
        )
        story.append(Paragraph(escape(rec.text), body))
        meta = f"Owner: {rec.owner or 'not set'}. Due: {_due(rec.due_on) or 'not set'}. Status: {rec.get_status_display()}."
        story.append(Paragraph(escape(meta), small))
        rows = [["Action", "Owner", "Due", "Status"]] + [
            [
                Paragraph(escape(a.text), small),
                Paragraph(escape(a.owner), small),
                _due(a.due_on),
                a.get_status_display(),
            ]
            for a in rec.actions.all()
        ]
        if len(rows) > 1:
            table = Table(rows, colWidths=[90 * mm, 35 * mm, 22 * mm, 25 * mm], repeatRows=1)
            table.setStyle(TableStyle([
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
            ]))  # fmt: skip
            story += [Spacer(1, 3 * mm), table]
        for u in rec.updates.all():
            story.append(Paragraph(escape(f"Progress {u.on:%d/%m/%Y} ({u.by_name}): {u.text}"), small))
        for e in rec.evidence.all():
            story.append(Paragraph(escape(f"Evidence: {e.label} — {e.url}"), small))
        story.append(Spacer(1, 6 * mm))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, leftMargin=15 * mm, rightMargin=15 * mm)
    doc.build(story)
    return buffer.getvalue()
