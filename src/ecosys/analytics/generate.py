"""A deterministic, plausible world export matrix, for benchmarks and tests at HS6 scale.

The model is a nested capability one (Hausmann & Hidalgo 2011, "The network structure of economic
output", J. Econ. Growth 16): country ``c`` has a capability level ``a_c`` (correlated with its size)
and product ``p`` a requirement ``b_p``. A country exports a product with probability
``σ(α + κ (a_c - b_p) + ρ z_c)`` (``z_c`` its standardised log size) and, if it does, a lognormal
value around ``size_c · market_p · e^{2 (a_c - b_p)}``. Sizes and markets are lognormal, as GDP and
product trade are. The defaults leave 47 % of the cells non-zero (65 % in the real HS4 2017 table;
the finer HS6 products are sparser) and give a presence (RCA ≥ 1) matrix 12 % full (10 % in HS4
2017), with ECI rising with economic size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True, slots=True)
class SyntheticWorld:
    """``exports[i, j]``: what ``countries[i]`` exports of ``products[j]`` (USD); population by row."""

    exports: NDArray[np.float64]
    countries: NDArray[np.str_]
    products: NDArray[np.str_]
    population: NDArray[np.float64]


def synthetic_world_exports(
    n_countries: int = 230,
    n_products: int = 5_000,
    *,
    seed: int = 2017,
    intercept: float = -0.2,
    steepness: float = 6.0,
    size_effect: float = 1.2,
    value_sigma: float = 2.0,
) -> SyntheticWorld:
    """Return one synthetic world year; the same arguments always give the same matrix.

    ``intercept`` (α), ``steepness`` (κ) and ``size_effect`` (ρ) set how many cells are non-zero and how
    nested the matrix is; ``value_sigma`` is the spread of log values. Every country exports at
    least one product and every product has at least one exporter.
    """
    rng = np.random.default_rng(seed)
    log_size = rng.normal(23.0, 2.0, n_countries)  # log of total exports, USD
    z = (log_size - log_size.mean()) / log_size.std()
    capability = 1.0 / (1.0 + np.exp(-(0.7 * z + 0.7 * rng.normal(size=n_countries))))
    requirement = rng.uniform(0.0, 1.0, n_products)
    log_market = rng.normal(0.0, 1.5, n_products)
    gap = capability[:, np.newaxis] - requirement[np.newaxis, :]
    p_export = 1.0 / (1.0 + np.exp(-(intercept + steepness * gap + size_effect * z[:, np.newaxis])))
    exports_any = rng.random((n_countries, n_products)) < p_export
    rows = np.arange(n_countries)
    cols = np.arange(n_products)
    exports_any[rows, np.argmax(p_export, axis=1)] = True
    exports_any[np.argmax(p_export, axis=0), cols] = True
    typical_log_value = log_size[:, np.newaxis] - np.log(n_products) + log_market[np.newaxis, :] + 2.0 * gap
    log_value = typical_log_value + rng.normal(0.0, value_sigma, (n_countries, n_products))
    exports = np.where(exports_any, np.exp(log_value), 0.0)
    log_gdp_per_head = 8.0 + 2.5 * capability + rng.normal(0.0, 0.5, n_countries)
    population = np.exp(log_size + 1.0 - log_gdp_per_head)
    return SyntheticWorld(
        exports=exports,
        countries=np.array([f"c{i:03d}" for i in rows]),
        products=np.array([f"{j:06d}" for j in cols]),
        population=population,
    )
