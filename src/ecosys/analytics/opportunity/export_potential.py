"""Export potential and untapped potential, in the spirit of ITC's Export Potential Indicator (EPI).

The structure is Decreux & Spies (2016), "Export Potential Assessments: A methodology to identify
export opportunities for developing countries", International Trade Centre, Geneva: the potential
exports of country ``i`` in product ``k`` to market ``j`` are **supply x demand x ease**,

    ``V_ijk = S_ik · D_jk · B_ij``,  untapped ``U_ijk = max(V_ijk - A_ijk, 0)``,

with ``A`` the actual exports. Here:

* supply ``S_ik = X_ik / Σ_c X_ck``, i's share of world exports of ``k`` (one year);
* demand ``D_jk = M_jk · (1 + ĝ_jk)^h``: j's imports of ``k`` in the last year observed, projected
  ``h`` years with their own PPML trend over the years given (:mod:`.trend`), capped at ``max_growth``;
* ease ``B_ij = e_ij / ē_i`` with ``e_ij`` the gravity factor of :func:`ecosys.analytics.geo.bilateral_ease`
  (distance, contiguity, common language, colonial ties from CEPII GeoDist) and ``ē_i = Σ_j M_j e_ij /
  Σ_j M_j`` its import-weighted mean over the markets (``M_j`` j's total imports), so that with uniform
  ease and no growth ``Σ_j V_ijk = S_ik Σ_j M_jk``, which is ``X_ik`` when the markets are the world.

Simplifications, each a departure from the ITC method:

1. Supply is today's market share. The EPI projects it with IMF GDP forecasts and adjusts it for the
   tariffs the exporter faces; no forecast or tariff data is used here.
2. Demand grows at the market's own past import trend. The EPI projects demand from GDP and
   population forecasts with income elasticities and weighs the exporter's tariff advantage in that
   market (market access); neither is used here.
3. Ease comes from geography and ties alone, with literature elasticities. ITC derives it from the
   pair's observed trade relative to a benchmark; Ecosys may not hold every bilateral flow.
4. No averaging over years, no mirror-data cleaning, no re-export correction; one year of supply.
5. The exporter's own market gets no ease (domestic sales are not exports); a market that GeoDist
   does not know (ease NaN) is left out and listed in ``markets_left_out``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ecosys.analytics.opportunity.errors import (
    FloatArray,
    OpportunityInputError,
    as_array,
    as_labels,
    find_country,
    require_length,
    require_non_negative,
)
from ecosys.analytics.opportunity.trend import last_known, project, trend_growth


@dataclass(frozen=True, slots=True)
class ExportPotential:
    """Markets in rows, products in columns; ``*_by_product`` sum over the markets."""

    country: str
    products: NDArray[np.str_]
    markets: NDArray[np.str_]
    supply: FloatArray
    demand: FloatArray
    demand_growth: FloatArray
    demand_growth_status: NDArray[np.str_]
    ease: FloatArray
    potential: FloatArray
    potential_by_product: FloatArray
    actual_by_product: FloatArray
    untapped_by_product: FloatArray
    markets_left_out: tuple[str, ...]


def export_potential(
    world_exports: ArrayLike,
    *,
    countries: ArrayLike,
    country: str,
    market_imports_by_year: ArrayLike,
    years: ArrayLike,
    markets: ArrayLike,
    ease: ArrayLike,
    products: ArrayLike | None = None,
    actual_exports: ArrayLike | None = None,
    horizon: float = 5.0,
    max_growth: float = 0.20,
) -> ExportPotential:
    """Return EPI-style potential and untapped exports of ``country`` (formulas in the module docstring).

    ``world_exports`` is countries x products for one year (rows labelled by ``countries``, e.g.
    ``exports_matrix(...)``); ``market_imports_by_year`` is years x markets x products, aligned with
    ``years``, ``markets`` and the same products; ``ease`` has one factor per market. ``actual_exports``
    is markets x products (then ``U = Σ_j max(V_jk - A_jk, 0)``) or one total per product (then
    ``U_k = max(Σ_j V_jk - A_k, 0)``, a lower bound of the former); by default, ``country``'s row of
    ``world_exports``.
    """
    x = as_array(world_exports, parameter="world_exports", ndim=2)
    require_non_negative(x, parameter="world_exports")
    x = np.where(np.isnan(x), 0.0, x)
    country_labels = as_labels(countries, x.shape[0], parameter="countries", reference="world_exports rows")
    i = find_country(country_labels, country, parameter="country")
    if x[i].sum() <= 0:
        raise OpportunityInputError("no_exports", parameter="country", country=country)
    n_products = x.shape[1]
    labels = as_labels(products, n_products, parameter="products", reference="world_exports columns")
    m = as_array(market_imports_by_year, parameter="market_imports_by_year", ndim=3)
    require_length(m, n_products, parameter="market_imports_by_year", reference="products", axis=2, what="products")
    market_labels = as_labels(markets, m.shape[1], parameter="markets", reference="market_imports_by_year markets")
    e = as_array(ease, parameter="ease", ndim=1)
    require_length(e, m.shape[1], parameter="ease", reference="markets")
    require_non_negative(e, parameter="ease")

    with np.errstate(invalid="ignore", divide="ignore"):
        supply = np.where(x.sum(axis=0) > 0, x[i] / x.sum(axis=0), 0.0)
    n_years, n_markets = m.shape[0], m.shape[1]
    flat = m.reshape(n_years, n_markets * n_products)
    trend = trend_growth(flat, years, parameter="market_imports_by_year")
    current = last_known(flat, years).reshape(n_markets, n_products)
    growth = trend.growth.reshape(n_markets, n_products)
    demand = project(current, growth, horizon, max_growth)

    own = np.char.lower(market_labels) == str(country).strip().lower()
    usable = ~np.isnan(e) & ~own
    size = current.sum(axis=1)
    if size[usable].sum() <= 0:
        raise OpportunityInputError("no_market_imports", parameter="market_imports_by_year")
    mean_ease = (size[usable] * e[usable]).sum() / size[usable].sum()
    relative = np.where(usable, e / mean_ease, 0.0)
    potential = supply[np.newaxis, :] * demand * relative[:, np.newaxis]
    by_product = potential.sum(axis=0)

    actual_total, untapped = _untapped(actual_exports, potential, x[i], n_markets)
    return ExportPotential(
        country=str(country),
        products=labels,
        markets=market_labels,
        supply=supply,
        demand=demand,
        demand_growth=growth,
        demand_growth_status=trend.status.reshape(n_markets, n_products),
        ease=np.where(own, 0.0, np.where(np.isnan(e), np.nan, relative)),
        potential=potential,
        potential_by_product=by_product,
        actual_by_product=actual_total,
        untapped_by_product=untapped,
        markets_left_out=tuple(market_labels[np.isnan(e)].tolist()),
    )


def _untapped(
    actual_exports: ArrayLike | None, potential: FloatArray, country_row: FloatArray, n_markets: int
) -> tuple[FloatArray, FloatArray]:
    """Return ``(actual by product, untapped by product)`` from bilateral or product-total actual exports."""
    if actual_exports is None:
        actual = country_row
    else:
        actual = np.asarray(actual_exports, dtype=np.float64)
        if actual.ndim == 2:
            a = as_array(actual, parameter="actual_exports", ndim=2)
            require_length(a, n_markets, parameter="actual_exports", reference="markets", what="rows (markets)")
            require_length(a, potential.shape[1], parameter="actual_exports", reference="products", axis=1)
            require_non_negative(a, parameter="actual_exports")
            a = np.where(np.isnan(a), 0.0, a)
            return a.sum(axis=0), np.maximum(potential - a, 0.0).sum(axis=0)
        actual = as_array(actual, parameter="actual_exports", ndim=1)
        require_length(actual, potential.shape[1], parameter="actual_exports", reference="products")
        require_non_negative(actual, parameter="actual_exports")
        actual = np.where(np.isnan(actual), 0.0, actual)
    return actual, np.maximum(potential.sum(axis=0) - actual, 0.0)
