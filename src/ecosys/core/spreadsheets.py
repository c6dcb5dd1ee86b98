"""Excel files handed out by pages and the API: one sheet of rows, numbers kept as numbers."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(
    title: str, rows: Iterable[Sequence[Any]], *, bold_row: int | None = None, right_to_left: bool = False
) -> bytes:
    """Return a workbook with one sheet named ``title`` holding ``rows`` (row ``bold_row``, 1-based, in bold)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    if sheet is None:  # a new workbook always has its first sheet; said for the type checker
        sheet = book.create_sheet()
    sheet.title = title[:31]
    for row in rows:
        sheet.append(list(row))
    if bold_row is not None:
        for cell in sheet[bold_row]:
            cell.font = Font(bold=True)
    sheet.sheet_view.rightToLeft = right_to_left
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
