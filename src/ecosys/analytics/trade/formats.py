"""Source formats of trade files: where their columns are, how DuckDB reads them, how to check a row.

Each format becomes a ``ReadPlan``: the column types for DuckDB's ``read_csv``, one SQL ``SELECT``
yielding the normalised schema (year, exporter, importer, product, value_usd, quantity_t), and a
Python ``check_row`` naming the first bad field of a row. DuckDB does the work and aborts on the
first bad value with ``error()``; only then does ``check_row`` scan the file to name the line, since
DuckDB reads in parallel and cannot say which line broke a rule.

Formats:

* **baci** (CEPII): ``t,i,j,k,v,q``; ``i``/``j`` numeric country codes; ``k`` HS6 with the leading
  zero dropped; ``v`` thousands of USD (x 1000 here); ``q`` metric tons, blank or space-padded ``NA``
  when unknown.
* **comtrade** (UN Comtrade bulk files): see comtrade.py.
* **long**: ``country, product, value[, year]`` exports to the world, importer NULL. An empty (or
  ``NA``) value means the source reported nothing: the row is not stored (counted in the manifest as
  ``empty_value``), neither as zero nor as NaN, so it can never be ranked.
"""

from __future__ import annotations

import csv
import gzip
import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TextIO

from ecosys.analytics.trade.codes import Country
from ecosys.analytics.trade.errors import TradeFileError

TradeFormat = Literal["baci", "comtrade", "long"]
Problem = tuple[str, dict[str, object]]  # an error code of errors.MESSAGES and its parameters
Check = Callable[[Sequence[str]], tuple[str | None, Problem] | None]

YEAR_MIN, YEAR_MAX = 1900, 2100
CLASSIFICATIONS = ("HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22")
MISSING = ("", "NA")
ISO3_SHAPE = re.compile("[A-Za-z][A-Za-z0-9]{2}")

# Accepted header spellings, compared after header_key(): lower case, letters and digits only.
BACI_FIELDS = {"t": ("t",), "i": ("i",), "j": ("j",), "k": ("k",), "v": ("v",), "q": ("q",)}
LONG_FIELDS = {
    "country": ("country", "exporter", "reporteriso", "iso3", "countryiso3", "locationcode"),
    "product": ("product", "productcode", "hs", "hs4", "hs6", "commoditycode", "cmdcode"),
    "value": ("value", "valueusd", "exportvalueusd", "exportvalue", "tradevalue", "exports"),
    "year": ("year", "t"),
}


@dataclass(frozen=True)
class Header:
    names: tuple[str, ...]
    delimiter: str

    def find(self, aliases: Sequence[str]) -> int | None:
        keys = [header_key(name) for name in self.names]
        return next((keys.index(alias) for alias in aliases if alias in keys), None)


@dataclass(frozen=True)
class ReadPlan:
    columns: dict[str, str]  # name -> DuckDB type, in file order
    select: str  # SQL over the relation {source}, without WHERE
    check_row: Check  # (column, problem) of the first fault of a stored row; None for a good or skipped row
    skipped: dict[str, str]  # reason -> SQL condition of rows read but not stored; the first reason counts

    def where(self) -> str:
        """Return the WHERE clause keeping rows no skip condition holds for (NULL counts as false)."""
        if not self.skipped:
            return ""
        return "WHERE NOT (" + " OR ".join(f"coalesce(({cond}), false)" for cond in self.skipped.values()) + ")"

    def skipped_counts_sql(self) -> str:
        """Return SQL counting rows read and rows skipped by their first reason, over {source}."""
        parts, earlier = ["count(*) AS rows_read"], "false"
        for reason, cond in self.skipped.items():
            parts.append(f"count(*) FILTER (WHERE coalesce(({cond}), false) AND NOT ({earlier})) AS {reason}")
            earlier += f" OR coalesce(({cond}), false)"
        return "SELECT " + ", ".join(parts) + " FROM {source}"  # noqa: S608 - conditions are constants


def header_key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def open_text(path: Path) -> TextIO:
    """Open a CSV (plain or .gz) as text, decoding UTF-8 and dropping a BOM."""
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return path.open(encoding="utf-8-sig", newline="")


def read_header(path: Path, display: Path | None = None) -> Header:
    """Return the header of ``path``; raise (naming ``display``, default ``path``) if it has no data row."""
    shown = display or path
    try:
        with open_text(path) as handle:
            first = handle.readline()
            has_rows = any(line.strip() for line in handle)
    except UnicodeDecodeError as error:
        raise TradeFileError(shown, None, None, "not_utf8") from error
    if not first.strip():
        raise TradeFileError(shown, None, None, "empty_file")
    if not has_rows:
        raise TradeFileError(shown, 2, None, "no_data_rows")
    delimiter = max(",\t;|", key=first.count)
    names = next(csv.reader([first], delimiter=delimiter))
    return Header(tuple(name.strip() for name in names), delimiter)


def detect_format(header: Header) -> TradeFormat:
    """Guess the format from the header: BACI's six letters, Comtrade's commodity code, else long."""
    keys = {header_key(name) for name in header.names}
    if {"t", "i", "j", "k", "v"} <= keys:
        return "baci"
    if keys & {"cmdcode", "commoditycode"} and keys & {"reportercode", "reporteriso"}:
        return "comtrade"
    return "long"


def classification_from_name(name: str) -> str | None:
    """Read the HS revision from a BACI file name (``BACI_HS17_Y2021_V202301.csv`` -> ``HS17``)."""
    match = re.search(r"HS(92|96|02|07|12|17|22)(?![0-9])", name, flags=re.IGNORECASE)
    return f"HS{match.group(1)}" if match else None


def year_from_baci_name(name: str) -> int | None:
    match = re.search(r"_Y((?:19|20)[0-9]{2})_", name)
    return int(match.group(1)) if match else None


def columns_of(
    header: Header,
    fields: Mapping[str, Sequence[str]],
    required: Collection[str],
    path: Path,
    display: Mapping[str, str] | None = None,
) -> dict[str, int]:
    """Map each canonical field to its column index; a missing required field is a header error."""
    found: dict[str, int] = {}
    for field, aliases in fields.items():
        index = header.find(aliases)
        if index is not None:
            found[field] = index
        elif field in required:
            raise TradeFileError(path, 1, (display or {}).get(field, field), "missing_column")
    return found


def read_types(header: Header, found: Mapping[str, int], types: Mapping[str, str]) -> dict[str, str]:
    by_index = {index: field for field, index in found.items()}
    names = [by_index.get(i, f"_unused_{i}") for i in range(len(header.names))]
    return {name: types.get(name, "VARCHAR") for name in names}


# -- Python checks (run only to explain a refusal) ---------------------------------------------------


def parse_number(raw: str) -> float | None:
    try:
        return float(raw.strip())
    except ValueError:
        return None


def year_problem(raw: str) -> Problem | None:
    number = parse_number(raw)
    if number is None or not number.is_integer():
        return "not_a_year", {"value": raw.strip()}
    if not YEAR_MIN <= number <= YEAR_MAX:
        return "year_out_of_range", {"low": YEAR_MIN, "high": YEAR_MAX, "value": raw.strip()}
    return None


def amount_problem(raw: str, what: str) -> Problem | None:
    number = parse_number(raw)
    if number is None:
        return "not_a_number", {"what": what, "value": raw.strip()}
    if not math.isfinite(number) or number < 0:
        return "negative_or_infinite", {"what": what, "value": raw.strip()}
    return None


def product_problem(raw: str, max_digits: int = 6) -> Problem | None:
    code = raw.strip()
    if not (code.isascii() and code.isdigit() and 1 <= len(code) <= max_digits):
        return "bad_product_code", {"digits": max_digits, "value": code}
    return None


def country_problem(raw: str, role: str) -> Problem:
    return "unknown_country", {"role": role, "value": raw.strip()}


def width_problem(row: Sequence[str], width: int) -> tuple[str | None, Problem] | None:
    return None if len(row) == width else (None, ("field_count", {"expected": width, "found": len(row)}))


# -- SQL pieces ----------------------------------------------------------------------------------------


def sql_text(values: Sequence[str | None]) -> str:
    """Return a SQL list literal of strings (NULL for None)."""
    return "[" + ", ".join("NULL" if v is None else "'" + v.replace("'", "''") + "'" for v in values) + "]"


def iso3_by_code_sql(countries: Mapping[int, Country]) -> tuple[str, int]:
    """Return a SQL list whose element ``code + 1`` is the ISO3 key of ``code``, and the largest code."""
    top = max(countries)
    return sql_text([countries[c].iso3 if c in countries else None for c in range(top + 1)]), top


def code_to_iso3_sql(number: str, countries: Mapping[int, Country]) -> str:
    """Return SQL mapping a numeric country code (a DOUBLE expression) to its ISO3 key, NULL if unknown."""
    iso3, top = iso3_by_code_sql(countries)
    whole = f"{number} BETWEEN 0 AND {top} AND {number} = trunc({number})"
    return f"CASE WHEN {whole} THEN {iso3}[CAST({number} AS INTEGER) + 1] END"


def year_sql(number: str) -> str:
    """Return SQL for a year from a DOUBLE expression, aborting on a fraction or a year out of range."""
    whole = f"{number} BETWEEN {YEAR_MIN} AND {YEAR_MAX} AND {number} = trunc({number})"
    return f"CASE WHEN {whole} THEN CAST({number} AS INTEGER) ELSE error('bad year') END"


def even_product_sql(column: str) -> str:
    """An HS code has 2, 4 or 6 digits; a code that lost its leading zero gets it back."""
    return f"lpad(trim({column}), CAST((length(trim({column})) + 1) // 2 * 2 AS INTEGER), '0')"


def amount_sql(column: str) -> str:
    return f"TRY_CAST(trim({column}) AS DOUBLE)"


def baci_plan(header: Header, path: Path, countries: Mapping[int, Country]) -> ReadPlan:
    found = columns_of(header, BACI_FIELDS, ("t", "i", "j", "k", "v"), path)
    # Numbers are read as DOUBLE and checked to be whole: DuckDB would round "2021.5" read as INTEGER.
    # k too: comparing numbers is several times cheaper than a regular expression on 10 M strings,
    # and only codes below 100000 (chapters 01-09) need their leading zero back. The cast to DOUBLE
    # accepts the padding of q; trimming runs only on the few cells that are not numbers.
    types = {"t": "DOUBLE", "i": "DOUBLE", "j": "DOUBLE", "k": "DOUBLE", "v": "DOUBLE", "q": "VARCHAR"}
    q = "q" if "q" in found else "NULL"
    select = f"""
        SELECT
            {year_sql("t")} AS year,
            coalesce({code_to_iso3_sql("i", countries)}, error('unknown exporter')) AS exporter,
            coalesce({code_to_iso3_sql("j", countries)}, error('unknown importer')) AS importer,
            CASE WHEN k >= 100000 AND k <= 999999 AND k = trunc(k) THEN CAST(CAST(k AS INTEGER) AS VARCHAR)
                 WHEN k >= 0 AND k < 100000 AND k = trunc(k) THEN lpad(CAST(CAST(k AS INTEGER) AS VARCHAR), 6, '0')
                 ELSE error('bad product') END AS product,
            CASE WHEN v >= 0 AND isfinite(v) THEN v * 1000 ELSE error('bad value') END AS value_usd,
            CASE WHEN q_number >= 0 AND isfinite(q_number) THEN q_number
                 WHEN q_number IS NULL AND coalesce(trim(q_text), '') IN ('', 'NA') THEN NULL
                 ELSE error('bad quantity') END AS quantity_t
        FROM (SELECT *, {q} AS q_text, TRY_CAST({q} AS DOUBLE) AS q_number FROM {{source}})
    """  # noqa: S608 - built from constants and escaped codes, no user text
    names = {field: header.names[index] for field, index in found.items()}
    width = len(header.names)

    def check_row(row: Sequence[str]) -> tuple[str | None, Problem] | None:
        if bad_width := width_problem(row, width):
            return bad_width
        if problem := year_problem(row[found["t"]]):
            return names["t"], problem
        for field, role in (("i", "exporter"), ("j", "importer")):
            raw = row[found[field]].strip()
            code = parse_number(raw)
            if code is None or not code.is_integer() or int(code) not in countries:
                return names[field], country_problem(raw, role)
        if problem := product_problem(row[found["k"]]):
            return names["k"], problem
        if problem := amount_problem(row[found["v"]], "value"):
            return names["v"], problem
        quantity = row[found["q"]] if "q" in found else ""
        if quantity.strip() not in MISSING and (problem := amount_problem(quantity, "quantity")):
            return names["q"], problem
        return None

    return ReadPlan(read_types(header, found, types), select, check_row, {})


def long_plan(
    header: Header,
    path: Path,
    *,
    year: int | None,
    value_multiplier: float,
    countries: Mapping[int, Country] | None,
) -> ReadPlan:
    found = columns_of(header, LONG_FIELDS, ("country", "product", "value"), path)
    if "year" not in found and year is None:
        raise TradeFileError(path, 1, "year", "year_needed")
    if year is not None and (problem := year_problem(str(year))):
        raise TradeFileError(path, None, "year", problem[0], **problem[1])
    known = sorted({c.iso3 for c in countries.values()}) if countries is not None else None
    country_ok = (
        f"list_contains({sql_text(known)}, upper(trim(country)))"
        if known is not None
        else f"regexp_full_match(trim(country), '{ISO3_SHAPE.pattern}')"
    )
    year_column = year_sql(amount_sql("year")) if "year" in found else f"CAST({year} AS INTEGER)"
    value = amount_sql("value")
    select = f"""
        SELECT
            {year_column} AS year,
            CASE WHEN {country_ok} THEN upper(trim(country)) ELSE error('unknown country') END AS exporter,
            CAST(NULL AS VARCHAR) AS importer,
            CASE WHEN regexp_full_match(trim(product), '[0-9]{{1,6}}') THEN {even_product_sql("product")}
                 ELSE error('bad product') END AS product,
            CASE WHEN {value} >= 0 AND isfinite({value}) THEN {value} * {float(value_multiplier)!r}
                 ELSE error('bad value') END AS value_usd,
            CAST(NULL AS DOUBLE) AS quantity_t
        FROM {{source}}"""  # noqa: S608 - built from constants and escaped codes, no user text
    names = {field: header.names[index] for field, index in found.items()}
    width = len(header.names)
    known_set = set(known) if known is not None else None

    def check_row(row: Sequence[str]) -> tuple[str | None, Problem] | None:
        if bad_width := width_problem(row, width):
            return bad_width
        if row[found["value"]].strip() in MISSING:
            return None
        if "year" in found and (problem := year_problem(row[found["year"]])):
            return names["year"], problem
        country = row[found["country"]].strip()
        if not (country.upper() in known_set if known_set is not None else ISO3_SHAPE.fullmatch(country)):
            return names["country"], country_problem(country, "exporter")
        if problem := product_problem(row[found["product"]]):
            return names["product"], problem
        if problem := amount_problem(row[found["value"]], "value"):
            return names["value"], problem
        return None

    skipped = {"empty_value": "coalesce(trim(value), '') IN ('', 'NA')"}
    return ReadPlan(read_types(header, found, {}), select, check_row, skipped)
