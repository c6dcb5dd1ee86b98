"""Questions asked of a trade dataset, as SQL an economist can read, answered as labelled matrices.

Each query runs in DuckDB over the dataset's ``flows`` view (see dataset.connect), so the same SQL
runs on a laptop or, unchanged, on a distributed SQL engine. Products are aggregated to ``level``
digits by their prefix (HS is hierarchical: 6-digit 870323 belongs to 4-digit 8703 and chapter 87).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ecosys.analytics.trade.dataset import connect
from ecosys.analytics.trade.errors import TradeDatasetError

HS_LEVELS = (2, 4, 6)

# Exports of each country in each product in one year, summed over importers (the "M" matrix of
# economic complexity, before RCA).
EXPORTS_BY_COUNTRY_AND_PRODUCT = """
    SELECT exporter,
           left(product, $level) AS product,
           sum(value_usd)        AS value_usd
    FROM flows
    WHERE year = $year
    GROUP BY exporter, left(product, $level)
"""

# Imports of one country by product and year, summed over exporters (bilateral sources only: a
# long table of exports to the world says nothing about who imported).
IMPORTS_OF_COUNTRY_BY_PRODUCT = """
    SELECT year,
           left(product, $level) AS product,
           sum(value_usd)        AS value_usd
    FROM flows
    WHERE importer = $country
      AND list_contains($years, year)
    GROUP BY year, left(product, $level)
"""

# Imports of every country by product and year, summed over exporters: the demand of each market.
# Flows without an importer (a long table of exports to the world) are left out.
IMPORTS_BY_IMPORTER_AND_PRODUCT = """
    SELECT year,
           importer,
           left(product, $level) AS product,
           sum(value_usd)        AS value_usd
    FROM flows
    WHERE importer IS NOT NULL
      AND list_contains($years, year)
    GROUP BY year, importer, left(product, $level)
"""

# Exports of one country by importer and product in one year: what it already sells in each market.
EXPORTS_OF_COUNTRY_BY_IMPORTER_AND_PRODUCT = """
    SELECT importer,
           left(product, $level) AS product,
           sum(value_usd)        AS value_usd
    FROM flows
    WHERE exporter = $country
      AND importer IS NOT NULL
      AND year = $year
    GROUP BY importer, left(product, $level)
"""

# Exports of one country by product and year, summed over importers (the world included).
EXPORTS_OF_COUNTRY_BY_PRODUCT = """
    SELECT year,
           left(product, $level) AS product,
           sum(value_usd)        AS value_usd
    FROM flows
    WHERE exporter = $country
      AND list_contains($years, year)
    GROUP BY year, left(product, $level)
"""

# How many flows (rows) the dataset holds for each year.
FLOWS_BY_YEAR = """
    SELECT year,
           count(*) AS flows
    FROM flows
    GROUP BY year
    ORDER BY year
"""

# Whether a country appears in the dataset at all, as exporter or as importer, in the years given.
COUNTRY_ROLES = """
    SELECT count(*) FILTER (WHERE exporter = $country) AS as_exporter,
           count(*) FILTER (WHERE importer = $country) AS as_importer
    FROM flows
    WHERE list_contains($years, year)
"""

# Names of products from the dataset's reference table (see dataset.write_reference_tables).
PRODUCT_NAMES = """
    SELECT product,
           name
    FROM products
"""

SHORTEST_PRODUCT_CODE = "SELECT min(length(product)) FROM flows WHERE year = ANY($years)"


@dataclass(frozen=True)
class LabelledMatrix:
    """``values[r, c]`` is the value for row label ``rows[r]`` and column label ``columns[c]``; 0 = no flow."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: np.ndarray


@dataclass(frozen=True)
class LabelledCube:
    """``values[l, r, c]`` is the value for layer ``layers[l]`` (a year), row ``rows[r]`` and column ``columns[c]``."""

    layers: tuple[int, ...]
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: np.ndarray


def shortest_product_code(dataset: Path, years: Sequence[int]) -> int | None:
    """Return the number of digits of the shortest product code in ``years`` (None when there is no flow)."""
    with connect(dataset) as con:
        found = con.execute(SHORTEST_PRODUCT_CODE, {"years": [int(y) for y in years]}).fetchall()[0][0]
    return None if found is None else int(found)


def _check_level(dataset: Path, level: int, years: Sequence[int]) -> None:
    if level not in HS_LEVELS:
        raise ValueError(f"level must be one of {HS_LEVELS}")
    shortest = shortest_product_code(dataset, years)
    if shortest is not None and shortest < level:
        raise TradeDatasetError("level_finer_than_data", f"products have {shortest} digits, {level} asked")


def _labels(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the distinct labels as sorted text and each value's position among them."""
    labels, position = np.unique(values.astype(str), return_inverse=True)
    return labels, position.ravel()


def _pivot(row_labels: np.ndarray, column_labels: np.ndarray, values: np.ndarray) -> LabelledMatrix:
    rows, r = _labels(row_labels)
    columns, c = _labels(column_labels)
    matrix = np.zeros((len(rows), len(columns)))
    np.add.at(matrix, (r, c), values.astype(np.float64))
    return LabelledMatrix(tuple(rows.tolist()), tuple(columns.tolist()), matrix)


def exports_matrix(dataset: Path, year: int, level: int = 4) -> LabelledMatrix:
    """Return exports in USD by exporter (rows, ISO3) and product (columns, ``level``-digit HS) in ``year``."""
    _check_level(dataset, level, [year])
    with connect(dataset) as con:
        found = con.execute(EXPORTS_BY_COUNTRY_AND_PRODUCT, {"year": year, "level": level}).fetchnumpy()
    return _pivot(found["exporter"], found["product"], found["value_usd"])


def imports_by_product(dataset: Path, country: str, years: Sequence[int], level: int = 6) -> LabelledMatrix:
    """Return imports in USD of ``country`` (ISO3) by year (rows, as text) and product (columns)."""
    _check_level(dataset, level, years)
    params = {"country": country.upper(), "years": [int(y) for y in years], "level": level}
    with connect(dataset) as con:
        found = con.execute(IMPORTS_OF_COUNTRY_BY_PRODUCT, params).fetchnumpy()
    return _pivot(found["year"], found["product"], found["value_usd"])


def imports_by_market(dataset: Path, years: Sequence[int], level: int = 4) -> LabelledCube:
    """Return imports in USD by year (layers, in the order given), importer (rows, ISO3) and product (columns).

    Every importer of the years given is a row; a year without any bilateral flow is a layer of zeros.
    """
    _check_level(dataset, level, years)
    layers = tuple(int(y) for y in years)
    with connect(dataset) as con:
        found = con.execute(IMPORTS_BY_IMPORTER_AND_PRODUCT, {"years": list(layers), "level": level}).fetchnumpy()
    rows, r = _labels(found["importer"])
    columns, c = _labels(found["product"])
    years_found, y = np.unique(found["year"], return_inverse=True)
    layer = np.array([layers.index(int(year)) for year in years_found], dtype=np.intp)[y.ravel()]
    cube = np.zeros((len(layers), rows.size, columns.size))
    np.add.at(cube, (layer, r, c), found["value_usd"].astype(np.float64))
    return LabelledCube(layers, tuple(rows.tolist()), tuple(columns.tolist()), cube)


def exports_by_market(dataset: Path, country: str, year: int, level: int = 4) -> LabelledMatrix:
    """Return exports in USD of ``country`` (ISO3) in ``year`` by importer (rows) and product (columns)."""
    _check_level(dataset, level, [year])
    params = {"country": country.upper(), "year": int(year), "level": level}
    with connect(dataset) as con:
        found = con.execute(EXPORTS_OF_COUNTRY_BY_IMPORTER_AND_PRODUCT, params).fetchnumpy()
    return _pivot(found["importer"], found["product"], found["value_usd"])


def exports_by_product(dataset: Path, country: str, years: Sequence[int], level: int = 6) -> LabelledMatrix:
    """Return exports in USD of ``country`` (ISO3) by year (rows, as text) and product (columns)."""
    _check_level(dataset, level, years)
    params = {"country": country.upper(), "years": [int(y) for y in years], "level": level}
    with connect(dataset) as con:
        found = con.execute(EXPORTS_OF_COUNTRY_BY_PRODUCT, params).fetchnumpy()
    return _pivot(found["year"], found["product"], found["value_usd"])


def flows_by_year(dataset: Path) -> dict[int, int]:
    """Return the number of flows (rows) the dataset holds for each year, in year order."""
    with connect(dataset) as con:
        found = con.execute(FLOWS_BY_YEAR).fetchall()
    return {int(year): int(count) for year, count in found}


def country_roles(dataset: Path, country: str, years: Sequence[int]) -> tuple[int, int]:
    """Return how many flows of ``years`` have ``country`` (ISO3) as exporter and as importer."""
    params = {"country": country.upper(), "years": [int(y) for y in years]}
    with connect(dataset) as con:
        as_exporter, as_importer = con.execute(COUNTRY_ROLES, params).fetchall()[0]
    return int(as_exporter), int(as_importer)


def product_names_in_dataset(dataset: Path) -> dict[str, str]:
    """Return {HS code: name} from the dataset's ``products`` table, or {} when it has none."""
    if not (dataset / "products.parquet").exists():
        return {}
    with connect(dataset) as con:
        return {str(code): str(name or "") for code, name in con.execute(PRODUCT_NAMES).fetchall()}
