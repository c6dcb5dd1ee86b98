"""Domestic market growth: apparent consumption where the user knows production.

Apparent consumption of product ``p`` in year ``t`` is ``C_pt = P_pt + M_pt - X_pt`` (production plus
imports minus exports; the standard definition, e.g. Eurostat's "apparent consumption"), and its
growth the PPML log-linear trend of :mod:`.trend` over the years where ``C_pt`` is known.

Trade data say nothing of production, which the user provides (national accounts, the industry
survey of the Ministry, a federation's figures); a year without production has no consumption (NaN).
The three tables must be in one currency and unit (convert USD trade to MAD, or the reverse, first).
Each product gets a status, and only ``"ok"`` products are ``rankable``:

* ``"production_unknown"``: no year with a production figure: the market size is unknown, not zero;
* ``"negative_consumption"``: some year has ``C < 0`` (exports above production plus imports: stocks,
  re-exports or inconsistent sources), so the series is not a market size;
* otherwise the trend's status (``"ok"``, ``"single_year"``, ``"no_data"``, ``"appeared"``, ``"ceased"``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ecosys.analytics.opportunity.errors import (
    FloatArray,
    as_array,
    as_labels,
    as_years,
    require_length,
    require_non_negative,
)
from ecosys.analytics.opportunity.trend import last_known, trend_growth


@dataclass(frozen=True, slots=True)
class DomesticMarket:
    """Apparent consumption (years x products), its growth and status per product, and whether it can be ranked."""

    products: NDArray[np.str_]
    years: FloatArray
    consumption: FloatArray
    latest_consumption: FloatArray
    growth: FloatArray
    status: NDArray[np.str_]
    rankable: NDArray[np.bool_]


def domestic_market_growth(
    production: ArrayLike,
    imports: ArrayLike,
    exports: ArrayLike,
    *,
    years: ArrayLike,
    products: ArrayLike | None = None,
) -> DomesticMarket:
    """Return apparent consumption ``C = P + M - X`` by year and product, and its growth (module docstring).

    The three arguments are years x products tables aligned with ``years``; ``production`` is NaN
    where unknown. Missing imports or exports count as 0 (no recorded trade); negative or infinite
    values raise an error naming the table.
    """
    y = as_years(years, minimum=1)
    tables = {}
    for name, table in (("production", production), ("imports", imports), ("exports", exports)):
        array = as_array(table, parameter=name, ndim=2)
        require_length(array, y.size, parameter=name, reference="years", what="rows (years)")
        require_non_negative(array, parameter=name)
        tables[name] = array
    n = tables["production"].shape[1]
    for name in ("imports", "exports"):
        require_length(tables[name], n, parameter=name, reference="production columns", axis=1, what="columns")
    labels = as_labels(products, n, parameter="products", reference="production columns")

    trade = np.nan_to_num(tables["imports"]) - np.nan_to_num(tables["exports"])
    consumption = tables["production"] + trade
    negative = (consumption < 0).any(axis=0)
    fitted = np.where(consumption < 0, np.nan, consumption)
    if y.size >= 2:
        trend = trend_growth(fitted, y, parameter="consumption")
        growth, status = trend.growth.copy(), trend.status.astype("<U20")
    else:
        growth, status = np.full(n, np.nan), np.full(n, "single_year", dtype="<U20")
    unknown = np.isnan(tables["production"]).all(axis=0)
    status[negative] = "negative_consumption"
    status[unknown] = "production_unknown"
    growth[negative | unknown] = np.nan
    latest = np.where(unknown, np.nan, last_known(consumption, y))
    return DomesticMarket(
        products=labels,
        years=y,
        consumption=consumption,
        latest_consumption=latest,
        growth=growth,
        status=status,
        rankable=status == "ok",
    )
