"""UN Comtrade bulk files (current camelCase headers or the legacy "Trade Value (US$)" ones).

A bulk file holds every flow direction, partner World next to the bilateral partners, and
breakdowns by second partner, customs procedure and transport mode next to their totals. The
normalised dataset keeps one direction (``flow="X"``: exports, exporter = reporter; ``"M"``:
imports, importer = reporter), bilateral partners only, totals only, and products at one level
(6 digits by default); every other row is counted in the manifest by the first reason it was left
out. ``primaryValue`` is USD (FOB for exports, CIF for imports); ``netWgt`` kg becomes tons.

Countries: numeric codes map through the country table (the caller's, else the shipped BACI
table, so keys match BACI files). With the shipped table, a code it lacks (Comtrade aggregates
such as 899 "Areas, nes") falls back to the file's ISO column; with the caller's table it is an
error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from ecosys.analytics.trade.codes import Country
from ecosys.analytics.trade.errors import TradeFileError
from ecosys.analytics.trade.formats import (
    Header,
    Problem,
    ReadPlan,
    amount_problem,
    amount_sql,
    code_to_iso3_sql,
    columns_of,
    country_problem,
    even_product_sql,
    parse_number,
    product_problem,
    read_types,
    width_problem,
    year_problem,
    year_sql,
)

Flow = Literal["X", "M"]

COMTRADE_FIELDS = {
    "year": ("refyear", "year", "period"),
    "reporter_code": ("reportercode",),
    "reporter_iso": ("reporteriso",),
    "partner_code": ("partnercode",),
    "partner_iso": ("partneriso",),
    "flow": ("flowcode", "tradeflowcode"),
    "product": ("cmdcode", "commoditycode"),
    "value": ("primaryvalue", "tradevalueus"),
    "weight_kg": ("netwgt", "netweightkg"),
    "partner2": ("partner2code", "2ndpartnercode"),
    "customs": ("customscode", "customsproccode"),
    "mot": ("motcode", "modeoftransportcode"),
    "mos": ("moscode",),
    "classification": ("classificationcode", "classification"),
}
DISPLAY = {"year": "refYear", "flow": "flowCode", "product": "cmdCode", "value": "primaryValue"}
DISPLAY |= {"reporter_code": "reporterCode", "partner_code": "partnerCode"}
FLOW_CODES: dict[str, tuple[str, ...]] = {"X": ("X", "2"), "M": ("M", "1")}
BREAKDOWN_TOTALS = ("", "0", "C00")  # "all" second partners, customs procedures, transport modes
WORLD_ISO = ("W00", "WLD")
BREAKDOWNS = ("partner2", "customs", "mot", "mos")
COMTRADE_CLASSIFICATIONS = {"H0": "HS92", "H1": "HS96", "H2": "HS02", "H3": "HS07", "H4": "HS12", "H5": "HS17"}
COMTRADE_CLASSIFICATIONS["H6"] = "HS22"
_YEAR = re.compile(r"[0-9]{4}([0-9]{2})?")


def _in(column: str, values: Sequence[str]) -> str:
    return f"coalesce(trim({column}), '') IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def comtrade_plan(
    header: Header,
    path: Path,
    *,
    flow: Flow,
    product_digits: int,
    countries: Mapping[int, Country],
    strict_countries: bool,
) -> ReadPlan:
    found = columns_of(header, COMTRADE_FIELDS, ("year", "flow", "product", "value"), path, DISPLAY)
    for role in ("reporter", "partner"):
        if f"{role}_code" not in found and f"{role}_iso" not in found:
            raise TradeFileError(path, 1, f"{role}Code", "missing_column")
    if product_digits not in (2, 4, 6):
        raise ValueError("product_digits must be 2, 4 or 6")

    def key_sql(role: str) -> str:
        iso = f"upper(trim({role}_iso))" if f"{role}_iso" in found else "NULL"
        if f"{role}_code" not in found:
            return f"coalesce(nullif({iso}, ''), error('unknown {role}'))"
        code = f"TRY_CAST(trim({role}_code) AS DOUBLE)"
        fallback = "NULL" if strict_countries else f"nullif({iso}, '')"
        return f"coalesce({code_to_iso3_sql(code, countries)}, {fallback}, error('unknown {role}'))"

    exporter, importer = ("reporter", "partner") if flow == "X" else ("partner", "reporter")
    value = amount_sql("value")
    year_ok = f"regexp_full_match(trim(year), '{_YEAR.pattern}')"
    year = f"CASE WHEN {year_ok} THEN TRY_CAST(left(trim(year), 4) AS DOUBLE) END"
    weight = amount_sql("weight_kg")
    quantity = (
        f"""CASE WHEN coalesce(trim(weight_kg), '') = '' THEN NULL
                 WHEN {weight} >= 0 AND isfinite({weight}) THEN {weight} / 1000
                 ELSE error('bad weight') END"""
        if "weight_kg" in found
        else "CAST(NULL AS DOUBLE)"
    )
    select = f"""
        SELECT
            {year_sql(year)} AS year,
            {key_sql(exporter)} AS exporter,
            {key_sql(importer)} AS importer,
            CASE WHEN regexp_full_match(trim(product), '[0-9]{{1,6}}') THEN {even_product_sql("product")}
                 ELSE error('bad product') END AS product,
            CASE WHEN {value} >= 0 AND isfinite({value}) THEN {value} ELSE error('bad value') END AS value_usd,
            {quantity} AS quantity_t
        FROM {{source}}"""  # noqa: S608 - built from constants and escaped codes, no user text
    skipped = {"other_flow": f"NOT {_in('flow', FLOW_CODES[flow])}"}
    world = [f"{_in('partner_iso', WORLD_ISO)}"] if "partner_iso" in found else []
    world += ["TRY_CAST(trim(partner_code) AS DOUBLE) = 0"] if "partner_code" in found else []
    skipped["world_partner"] = " OR ".join(world)
    breakdown = [f"NOT {_in(f, BREAKDOWN_TOTALS)}" for f in BREAKDOWNS if f in found]
    if breakdown:
        skipped["breakdown"] = " OR ".join(breakdown)
    skipped["other_level"] = (
        f"upper(trim(product)) = 'TOTAL' OR (regexp_full_match(trim(product), '[0-9]{{1,6}}')"
        f" AND length({even_product_sql('product')}) <> {product_digits})"
    )
    names = {field: header.names[index] for field, index in found.items()}
    width = len(header.names)

    def cell(row: Sequence[str], field: str) -> str:
        return row[found[field]].strip() if field in found else ""

    def key_known(row: Sequence[str], role: str) -> bool:
        if f"{role}_code" not in found:
            return bool(cell(row, f"{role}_iso"))
        code = parse_number(cell(row, f"{role}_code"))
        if code is not None and code.is_integer() and int(code) in countries:
            return True
        return not strict_countries and bool(cell(row, f"{role}_iso"))

    def left_out(row: Sequence[str]) -> bool:
        """Mirror ``skipped``: rows of another flow, partner World, breakdowns, other product levels."""
        if cell(row, "flow") not in FLOW_CODES[flow]:
            return True
        if cell(row, "partner_iso").upper() in WORLD_ISO or parse_number(cell(row, "partner_code")) == 0:
            return True
        if any(cell(row, f) not in BREAKDOWN_TOTALS for f in BREAKDOWNS):
            return True
        product = cell(row, "product")
        return product.upper() == "TOTAL" or (
            product_problem(product) is None and len(product) + len(product) % 2 != product_digits
        )

    def check_row(row: Sequence[str]) -> tuple[str | None, Problem] | None:
        if bad_width := width_problem(row, width):
            return bad_width
        if left_out(row):
            return None
        raw_year = cell(row, "year")
        if not _YEAR.fullmatch(raw_year):
            return names["year"], ("not_a_year", {"value": raw_year})
        if problem := year_problem(raw_year[:4]):
            return names["year"], problem
        for role in ("reporter", "partner"):
            if not key_known(row, role):
                raw = cell(row, f"{role}_code") or cell(row, f"{role}_iso")
                return names.get(f"{role}_code", names.get(f"{role}_iso")), country_problem(raw, role)
        if problem := product_problem(cell(row, "product")):
            return names["product"], problem
        if problem := amount_problem(cell(row, "value"), "value"):
            return names["value"], problem
        if cell(row, "weight_kg") and (problem := amount_problem(cell(row, "weight_kg"), "net weight")):
            return names["weight_kg"], problem
        return None

    return ReadPlan(read_types(header, found, {}), select, check_row, skipped)


def comtrade_classification(first_row: Sequence[str], header: Header) -> str | None:
    """Return the HS revision named in a data row's classification column (``H5`` -> ``HS17``)."""
    index = header.find(COMTRADE_FIELDS["classification"])
    if index is None or index >= len(first_row):
        return None
    return COMTRADE_CLASSIFICATIONS.get(first_row[index].strip().upper())
