"""Country-code and product-name tables: the keys that make flows from different sources comparable.

BACI and UN Comtrade name countries by a numeric code (UN M49 with a few trade-specific entries);
the normalised dataset names them by ISO 3166 alpha-3 code, upper case, so that flows join with GDP
and distance tables. Codes without an alpha-3 code ("Other Asia, nes" = 490, shown as ``N/A`` by
CEPII) get ``X`` followed by the three-digit number (``X490``): not an ISO code, and visibly so.
Former entities share the code of their successor (58 Belgium-Luxembourg -> ``BEL``), as in BACI.

Ecosys ships the BACI V202201 country table (CEPII, Etalab Open Licence 2.0) in data/; a release
brings its own ``country_codes_V*.csv``, which the BACI importer prefers when given one.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from ecosys.analytics.trade.errors import TradeFileError

SHIPPED_COUNTRY_CODES = "data/baci_country_codes_V202201.csv"

# Header spellings used by the BACI releases (V2022 and earlier, then V2024 onwards).
_CODE_COLUMNS = ("country_code",)
_ISO3_COLUMNS = ("iso_3digit_alpha", "country_iso3")
_NAME_COLUMNS = ("country_name_full", "country_name", "country_name_abbreviation")


@dataclass(frozen=True)
class Country:
    code: int
    iso3: str
    name: str


# Codes BACI uses since V202301 that the shipped V202201 table lacks (seen in real 2021 files).
LATER_RELEASE_CODES = {380: Country(380, "ITA", "Italy")}


@dataclass(frozen=True)
class Product:
    code: str
    level: int
    name: str
    name_short: str


def iso3_key(code: int, raw_iso3: str) -> str:
    """Return the dataset key of a country: its ISO alpha-3 code, or ``X`` + its number if it has none."""
    iso3 = raw_iso3.strip().upper()
    if len(iso3) == 3 and iso3.isalnum():
        return iso3
    return f"X{code:03d}"


def _pick(header: list[str], names: Iterable[str], path: Path | str, what: str) -> str:
    for name in names:
        if name in header:
            return name
    raise TradeFileError(path, 1, what, "missing_column")


def parse_country_codes(lines: Iterable[str], path: Path | str) -> dict[int, Country]:
    """Parse a BACI country table (either header spelling) into {numeric code: Country}."""
    reader = csv.DictReader(lines)
    header = list(reader.fieldnames or [])
    if not header:
        raise TradeFileError(path, None, None, "empty_file")
    code_col = _pick(header, _CODE_COLUMNS, path, "country_code")
    iso_col = _pick(header, _ISO3_COLUMNS, path, "country_iso3")
    name_col = _pick(header, _NAME_COLUMNS, path, "country_name")
    table: dict[int, Country] = {}
    for row in reader:
        raw = (row.get(code_col) or "").strip()
        if not raw.isdigit():
            raise TradeFileError(path, reader.line_num, code_col, "not_a_number", what="country code", value=raw)
        code = int(raw)
        table[code] = Country(code, iso3_key(code, row.get(iso_col) or ""), (row.get(name_col) or "").strip())
    if not table:
        raise TradeFileError(path, 2, None, "no_data_rows")
    return table


def decode_table(data: bytes) -> str:
    """Decode a small reference table: UTF-8 (with or without BOM), else Windows-1252 as CEPII writes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_country_codes(path: Path) -> dict[int, Country]:
    """Read a BACI country table file (``country_codes_V*.csv``)."""
    return parse_country_codes(io.StringIO(decode_table(path.read_bytes()), newline=""), path)


@cache
def shipped_country_codes() -> Mapping[int, Country]:
    """Return the BACI V202201 country table shipped with Ecosys, plus codes later releases added."""
    data = resources.files("ecosys.analytics.trade").joinpath(SHIPPED_COUNTRY_CODES).read_bytes()
    table = parse_country_codes(io.StringIO(decode_table(data), newline=""), SHIPPED_COUNTRY_CODES)
    return {**LATER_RELEASE_CODES, **table}


def read_product_names(path: Path) -> dict[str, Product]:
    """Read an Atlas product table (``product_hs12.csv`` style) into {code: Product}, codes as text.

    The code column is ``product_hs<yy>_code``; section codes (level 1) are kept as they are, other
    levels keep their leading zeros ("0101"). A ``.gz`` file is read decompressed.
    """
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    with io.StringIO(decode_table(data), newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        if not header:
            raise TradeFileError(path, None, None, "empty_file")
        code_cols = [h for h in header if h.startswith("product_hs") and h.endswith("_code")]
        code_col = code_cols[0] if code_cols else _pick(header, ("product_code", "code"), path, "product_code")
        level_col = _pick(header, ("product_level", "level"), path, "product_level")
        name_col = _pick(header, ("product_name", "name_en", "name"), path, "product_name")
        products: dict[str, Product] = {}
        for row in reader:
            code = (row.get(code_col) or "").strip()
            level_raw = (row.get(level_col) or "").strip()
            if not code or not level_raw.isdigit():
                column, what, value = (level_col, "level", level_raw) if code else (code_col, "code", code)
                raise TradeFileError(path, reader.line_num, column, "not_a_number", what=what, value=value)
            name = (row.get(name_col) or "").strip()
            short = (row.get("product_name_short") or name).strip()
            products[code] = Product(code, int(level_raw), name, short)
    return products
