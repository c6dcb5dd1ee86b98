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

SHORTEST_PRODUCT_CODE = "SELECT min(length(product)) FROM flows WHERE year = ANY($years)"


@dataclass(frozen=True)
class LabelledMatrix:
    """``values[r, c]`` is the value for row label ``rows[r]`` and column label ``columns[c]``; 0 = no flow."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: np.ndarray


def _check_level(dataset: Path, level: int, years: Sequence[int]) -> None:
    if level not in HS_LEVELS:
        raise ValueError(f"level must be one of {HS_LEVELS}")
    with connect(dataset) as con:
        shortest = con.execute(SHORTEST_PRODUCT_CODE, {"years": list(years)}).fetchall()[0][0]
    if shortest is not None and shortest < level:
        raise TradeDatasetError("level_finer_than_data", f"products have {shortest} digits, {level} asked")


def _pivot(row_labels: np.ndarray, column_labels: np.ndarray, values: np.ndarray) -> LabelledMatrix:
    rows, r = np.unique(row_labels.astype(str), return_inverse=True)
    columns, c = np.unique(column_labels.astype(str), return_inverse=True)
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
