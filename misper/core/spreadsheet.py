"""Cells for CSV and XLSX downloads, one rule for every export."""

from __future__ import annotations

# A cell starting with one of these is run as a formula by common spreadsheets (CSV/formula injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> str:
    """Text a spreadsheet shows as it is: empty for None, numbers as numbers, ISO 8601 for dates and
    datetimes, and a leading apostrophe on any text a spreadsheet would otherwise run as a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # a number, negative ones included, is never a formula
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
