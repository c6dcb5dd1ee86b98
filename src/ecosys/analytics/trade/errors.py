"""Errors of trade data ingestion: values the caller can show to the person who brought the file.

A ``TradeFileError`` carries a ``code`` and its ``params`` (for a translated message in the web
layer) beside the English ``reason`` built from MESSAGES.
"""

from __future__ import annotations

from pathlib import Path

MESSAGES = {
    "empty_file": "empty file",
    "no_data_rows": "no data rows",
    "missing_column": "missing column",
    "year_needed": "missing column (or give the year of the file)",
    "field_count": "expected {expected} fields, found {found}",
    "not_a_year": "not a year: {value!r}",
    "year_out_of_range": "year out of range {low}-{high}: {value}",
    "not_a_number": "{what} is not a number: {value!r}",
    "negative_or_infinite": "{what} must be a finite number >= 0: {value}",
    "bad_product_code": "not an HS product code (1 to {digits} digits): {value!r}",
    "unknown_country": "unknown {role} country code: {value!r}",
    "not_utf8": "not UTF-8 text",
    "unreadable_csv": "unreadable CSV: {detail}",
    "refused_by_reader": "refused by the CSV reader: {detail}",
    "no_rows_to_import": "no rows to import ({read} read; left out: {left_out})",
    "classification_unknown": "HS revision unknown: name the file BACI_HS17_... or give it",
    "not_a_zip": "not a readable zip archive: {detail}",
    "no_baci_member": "no BACI_*.csv file in the archive",
}


class TradeFileError(ValueError):
    """A source file cannot be imported: ``path``, ``line`` (1 = header), ``column`` and ``reason`` say why.

    ``line`` and ``column`` are None when the fault is not in one place (an empty file, an unreadable
    archive). The import that raised it wrote nothing.
    """

    def __init__(self, path: Path | str, line: int | None, column: str | None, code: str, **params: object) -> None:
        reason = MESSAGES[code].format(**params)
        where = str(path) + (f", line {line}" if line is not None else "")
        where += f", column {column!r}" if column is not None else ""
        super().__init__(f"{where}: {reason}")
        self.path = Path(path)
        self.line = line
        self.column = column
        self.code = code
        self.params = params
        self.reason = reason


class TradeDatasetError(ValueError):
    """A dataset refuses an operation (e.g. mixing two HS classifications); ``code`` says which."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
