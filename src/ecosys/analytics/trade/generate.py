"""Deterministic BACI-format trade files for tests, benchmarks and demos where real files are absent.

No public file small enough holds full bilateral HS6 flows for every country, so import-side
analytics and ingestion at world scale are exercised on generated files with BACI's layout
(``t,i,j,k,v,q``; ``k`` without its leading zero; ``v`` in thousands of USD; ``q`` in metric tons,
quoted and space-padded, ``NA`` when unknown: the quirks of the real files).

The world-scale model draws a flow from exporter ``i`` to importer ``j`` in product ``k`` with
probability ``p_ijk = min(1, c · a_i · b_j · w_k)``, where ``a`` (export capacity), ``b`` (import
demand, correlated with ``a``) and ``w`` (product ubiquity) are log-normal and ``c`` is set by
bisection so that the expected number of flows is ``target_rows``.
Values are log-normal around ``a_i · b_j · w_k``. Each exporter has its own random stream seeded by
``(seed, i)``, so the file is byte-identical for a given seed whatever the chunking.

For demos that should look like the real world, gravity.py writes BACI-format files whose 2017
exporter x product totals are the real HS4 exports, split across importers by ``GDP_j^a / dist_ij^b``
on the CEPII distances (``generate_baci_gravity``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ecosys.analytics.hs import hs_codes
from ecosys.analytics.trade.codes import shipped_country_codes
from ecosys.analytics.trade.progress import Progress

MISSING_QUANTITY_SHARE = 0.04
MEAN_FLOW_THOUSAND_USD = 2_000.0  # about USD 20 trillion of world trade spread over 10 M flows
_NA = "NA".rjust(13)


@dataclass(frozen=True)
class GeneratedFile:
    path: Path
    year: int
    rows: int
    countries: tuple[int, ...]
    products: tuple[str, ...]


def world_countries(n: int) -> tuple[int, ...]:
    """Return ``n`` BACI country codes, one per ISO3 key (the first code of each), in code order."""
    seen: set[str] = set()
    codes: list[int] = []
    for code, country in sorted(shipped_country_codes().items()):
        if country.iso3 not in seen:
            seen.add(country.iso3)
            codes.append(code)
    if not 2 <= n <= len(codes):
        raise ValueError(f"n_countries must be between 2 and {len(codes)}")
    return tuple(codes[:n])


def world_products(n: int) -> tuple[str, ...]:
    """Return ``n`` real HS 2012 six-digit codes spread evenly over the nomenclature."""
    hs6 = sorted(code for code in hs_codes() if len(code) == 6)
    if not 1 <= n <= len(hs6):
        raise ValueError(f"n_products must be between 1 and {len(hs6)}")
    picks = np.unique(np.round(np.linspace(0, len(hs6) - 1, n)).astype(np.int64))
    return tuple(hs6[i] for i in picks)


def expected_flows(c: float, a: np.ndarray, b: np.ndarray, w: np.ndarray) -> float:
    """Return ``Σ_{i≠j} Σ_k min(1, c a_i b_j w_k)``: per pair, products with ``w_k >= 1/x`` count 1, the rest x·w_k."""
    w_sorted = np.sort(w)
    before = np.concatenate(([0.0], np.cumsum(w_sorted)))
    x = c * np.outer(a, b)
    np.fill_diagonal(x, 0.0)
    pairs = x[x > 0]
    first_sure = np.searchsorted(w_sorted, 1.0 / pairs)
    return float(np.sum(len(w) - first_sure) + np.sum(pairs * before[first_sure]))


def _calibrate(a: np.ndarray, b: np.ndarray, w: np.ndarray, target_rows: int) -> float:
    """Find ``c`` whose expected number of flows is ``target_rows`` (bisection on log c)."""
    cells = len(a) * (len(a) - 1) * len(w)
    if not 0 < target_rows < cells:
        raise ValueError(f"target_rows must be between 1 and {cells - 1} for this many countries and products")
    low, high = math.log(1e-30), math.log(1e30)
    for _ in range(100):
        middle = (low + high) / 2
        if expected_flows(math.exp(middle), a, b, w) < target_rows:
            low = middle
        else:
            high = middle
    return math.exp((low + high) / 2)


def generate_baci_world(
    path: Path,
    *,
    year: int = 2021,
    n_countries: int = 230,
    n_products: int = 5_000,
    target_rows: int = 10_000_000,
    seed: int = 0,
    progress: Progress | None = None,
) -> GeneratedFile:
    """Write a BACI-format CSV of about ``target_rows`` bilateral flows and return what was written.

    Writes one exporter at a time (memory is bounded by one exporter's ``n_countries x n_products``
    grid); ``progress(exporters_done, n_countries)`` is called after each.
    """
    countries = world_countries(n_countries)
    products = world_products(n_products)
    rng = np.random.default_rng(seed)
    a = rng.lognormal(0.0, 1.0, n_countries)
    b = a**0.7 * rng.lognormal(0.0, 0.6, n_countries)
    w = rng.lognormal(0.0, 0.8, n_products)
    price = rng.lognormal(0.0, 1.5, n_products)  # tons per thousand USD
    c = _calibrate(a, b, w, target_rows)
    scale = MEAN_FLOW_THOUSAND_USD / float(np.mean(a) * np.mean(b) * np.mean(w))
    k_text = np.array([str(int(code)) for code in products])  # BACI drops the leading zero
    codes = np.array(countries)
    rows = 0
    with path.open("w", encoding="ascii", newline="") as out:
        out.write("t,i,j,k,v,q\n")
        for i in range(n_countries):
            stream = np.random.default_rng([seed, i])
            others = np.flatnonzero(np.arange(n_countries) != i)
            p = np.minimum(1.0, c * a[i] * np.outer(b[others], w)).astype(np.float32)
            jj, kk = np.nonzero(stream.random(p.shape, dtype=np.float32) < p)
            j_idx = others[jj]
            mean = scale * a[i] * b[j_idx] * w[kk]
            v = np.maximum(0.001, np.round(mean * stream.lognormal(-1.0, 1.4, len(kk)), 3))
            q = np.round(v * price[kk] * stream.lognormal(0.0, 0.3, len(kk)), 3)
            q = np.where(stream.random(len(kk)) < MISSING_QUANTITY_SHARE, np.nan, q)
            exporter = int(codes[i])
            out.write(
                "".join(
                    f'{year},{exporter},{j},{k},{val:.3f},"{_NA if qt != qt else format(qt, "13.3f")}"\n'
                    for j, k, val, qt in zip(
                        codes[j_idx].tolist(), k_text[kk].tolist(), v.tolist(), q.tolist(), strict=True
                    )
                )
            )
            rows += len(kk)
            if progress is not None:
                progress(i + 1, n_countries)
    return GeneratedFile(path=path, year=year, rows=rows, countries=countries, products=products)
