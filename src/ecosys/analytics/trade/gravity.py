"""Demo BACI files from a gravity split of the real 2017 HS4 exports: who buys what is modelled, not observed.

No public file small enough to ship holds bilateral trade for every country and product, but real
exports by country and HS4 product (``data/exports_hs4_2017.csv.gz``) and the ingredients of a
gravity equation (GDP, CEPII distances) are. This module spreads each real export total over the
importers in proportion to the importer's GDP and the inverse of the distance, thins the tiny flows
without bias, and writes one BACI-format file per year that :func:`~ecosys.analytics.trade.ingest_baci`
reads like a real release. Only the 2017 exporter x product totals are real; the importers and the
other years are generated (:data:`LABEL` says so and :class:`GravityDemo` carries it).

Notes
-----
Notation: exporter ``i``, importer ``j``, HS4 product ``k``, year ``t``; amounts in USD.

**1. Totals (real, 2017).** ``X_ik`` is the value of ``i``'s exports of ``k`` in 2017 from
``exports_hs4_2017.csv.gz`` (UN Comtrade through Open Trade Statistics); a blank value means no exports.
Exporters whose code BACI's country table does not know (Bouvet Island, Western Sahara, Faroe Islands,
Heard and McDonald Islands, South Georgia, US Minor Outlying Islands, Holy See) cannot be written:
they are dropped and listed in :attr:`GravityDemo.dropped` (about 0.01 % of world exports).

**2. Gravity split.** Each total is shared among the importers ``j ≠ i``:

.. math:: v_{ijk} = X_{ik} \\, s_{ij}, \\qquad
          s_{ij} = \\frac{GDP_j^{a} \\, d_{ij}^{-b}}{\\sum_{j' \\neq i} GDP_{j'}^{a} \\, d_{ij'}^{-b}}

the naive gravity equation of Tinbergen (1962), ``T_ij ∝ Y_i Y_j / d_ij``, with the exporter's side
held at its real total; it leaves out the multilateral resistance terms of Anderson &
van Wincoop (2003), which would need bilateral data to estimate. Defaults ``a = 1`` (``gdp_elasticity``)
and ``b = 1`` (``distance_elasticity``), close to the typical estimates surveyed by Head & Mayer (2014).
``GDP_j`` is GDP in current USD in 2017 (``gdp_population_2017.csv``, World Bank WDI); ``d_ij`` is
CEPII's population-weighted distance ``distw`` in km, else the great-circle distance between the main
cities ``dist`` (GeoDist, Mayer & Zignago 2011, read by :func:`ecosys.analytics.geo.read_geodist`).
Importers are the countries with a GDP, a distance and a BACI code (194); the others (e.g. Syria,
North Korea, New Caledonia, for lack of a GDP) import nothing. An exporter GeoDist does not know
(American Samoa, Guam, French Southern Territories, British Indian Ocean Territory) keeps its totals,
split by ``GDP_j^a`` alone, and is listed in :attr:`GravityDemo.gdp_only`.

A pure gravity split gives Morocco about 29 bn USD of imports in 2017 against 45 bn recorded by the
Office des Changes, within the factor 3 the demo needs; no importer-side term (such as openness) is
added.

**3. Unbiased thinning, exact totals.** Writing every ``v_ijk > 0`` would give some 35 million rows a
year. A flow ``v ≥ τ`` is written as it is. The flows below ``τ`` of one ``(i, k)``, summing to
``S_ik``, are thinned by systematic sampling with probability proportional to size (Madow 1949):
with ``n_ik = max(1, ⌊S_ik / τ⌋)`` and step ``h_ik = S_ik / n_ik`` (at least ``τ`` when ``S_ik ≥ τ``, so
no small flow exceeds it), a random start ``u ~ U[0, h_ik)`` picks the flows whose interval of the
cumulated values contains ``u + m h_ik`` for some integer ``m``. Flow ``j`` is kept with probability
``v_ijk / h_ik`` and written as ``h_ik``, so its expected written value is ``v_ijk`` (unbiased,
Horvitz & Thompson 1952), and exactly ``n_ik`` flows are kept, summing to ``S_ik``: every
``X_ik`` is written exactly. This refines "keep with probability ``v/τ``, write ``τ``" (whose totals
drift, and vanish for an ``(i, k)`` that loses all its flows) into the same expectation with exact
totals. The number of rows of a year is then known in advance,

.. math:: R(τ) = \\sum_{i,k} \\Big( \\#\\{j : v_{ijk} ≥ τ\\} + [S_{ik} > 0] \\max(1, ⌊S_{ik}/τ⌋) \\Big)

non-increasing in ``τ``, and ``τ`` is set by bisection on ``log τ`` so that ``R(τ)`` is ``target_rows``
(:attr:`GravityDemo.tau`); a ``target_rows`` above the number of flows writes them all.

``R`` is at least the number of ``(i, k)`` with exports, about 175,000 a year: one row each. A smaller
``target_rows`` (quick tests) cannot keep every total; the year is then written unbiased but not exact
(:attr:`GravityDemo.exact` is False): an ``(i, k)`` whose small flows sum to ``S_ik < τ`` keeps one of
them, chosen with probability ``v_ijk / S_ik``, with probability ``S_ik / τ``, written as ``τ`` (the
same systematic sample with step ``τ``), which is the plain "keep with probability ``v/τ``, write ``τ``";
``(i, k)`` with ``S_ik ≥ τ`` stay exact, and ``R(τ)`` counts ``S_ik / τ`` expected rows for the others.

Amounts are then rounded to whole USD (BACI's 3 decimals of thousands), the rounding remainder of each
``(i, k)`` given one USD at a time to its first kept flows, so exact totals equal the real ``X_ik`` to
the dollar; a flow rounded to zero is not written.

**Importers kept whole.** The flows into the importers listed in ``keep_all_for`` (a study country,
whose import vector should be complete, not a sample) are never thinned: each ``v_ijk > 0`` is written
as it is, like a flow above ``τ``, whatever its size. The thinning, and ``R(τ)`` with it, apply to the
other flows only (the sums over ``j`` above run over the importers not kept, so ``S_ik`` and the written
small flows sum to ``X_ik`` minus the kept flows): ``target_rows`` counts the thinned rows and the kept
rows come on top (:attr:`GravityDemo.kept_rows`). Exact totals stay exact, unbiased ones unbiased. The
rounding remainder of an ``(i, k)`` goes first to the kept flows whose fraction of a dollar is 0.5 or
more, then to the thinned flows, last to the other kept flows: with one importer kept, its flows are
rounded to the nearest dollar and one below 0.5 USD is not written; with several, each is within one
dollar.

**4. Other years (generated).** For ``t ≠ 2017``,

.. math:: X_{ik}(t) = X_{ik}(2017) \\, \\frac{GDP_i(t)}{GDP_i(2017)} \\, ε_{ikt}, \\qquad
          \\ln ε_{ikt} \\sim N(-σ^2/2, σ^2), \\; σ = 0.2

with GDP in constant 2010 USD (World Bank WDI ``NY.GDP.MKTP.KD``, ``worldbank_gdp.csv.gz``, 2009-2018),
so ``E[ε] = 1`` and a product's exports deviate about 20 % from its exporter's GDP path (σ is chosen,
not estimated). Importers' ``GDP_j(t) = GDP_j(2017) GDP_j^{const}(t) / GDP_j^{const}(2017)`` enter the
shares. A country without a World Bank GDP for ``t`` or 2017 keeps its 2017 level (ratio 1); such
countries are listed by year in :attr:`GravityDemo.gdp_fallbacks`. Trade did not follow GDP in those
years (commodity prices fell in 2015-2016), so the earlier years show plausible levels, not history.

**Products and files.** The 1,222 HS4 codes of the source match the HS 2007 headings: all but 9999
(not specified, 2.9 % of the value, kept) are HS 2012 headings, and the three headings HS 2012
created (0308, 3826, 9619) are missing. Against the Atlas HS92 table (``product_hs92.csv.gz``), 14
codes (0.8 % of the value: 2852-2853, 3824-3825, 4112-4115, 6003-6006, 8486-8487) are not HS92
headings and 34 HS92 headings (4108-4111, 8520, 8524, ...) are absent; 862 of the 865 products of the
shipped HS92 product-space layout are present (once its codes get their leading zero back: ``604``).
Files are therefore labelled ``HS07`` (:data:`CLASSIFICATION`), named
``BACI_HS07_Y<t>_V000000_generated.csv`` so that ingestion reads the revision and the year from the
name. BACI codes are HS6, so heading ``hhhh`` is written as ``hhhh00``, the HS code of an undivided
heading, without its leading zero (queries at 4 digits give the headings back);
``v`` in thousands of USD with 3 decimals; ``q`` is unknown (``"           NA"``, BACI's padding).
Rows are sorted by exporter, importer and product code, like BACI's.

**Reproducibility.** Exporter ``i``'s noise and sampling starts come from
``numpy.random.default_rng([seed, t, code_i])`` (``code_i`` its BACI code), so a seed gives
byte-identical files. Memory holds the year's ``exporters x products`` totals and one exporter's
``products x importers`` grid at a time.

References
----------
Tinbergen, J. (1962). *Shaping the World Economy: Suggestions for an International Economic
Policy*. New York: Twentieth Century Fund.

Anderson, J. E. & van Wincoop, E. (2003). Gravity with Gravitas: A Solution to the Border Puzzle.
*American Economic Review* 93(1), 170-192.

Head, K. & Mayer, T. (2014). Gravity Equations: Workhorse, Toolkit, and Cookbook. *Handbook of
International Economics* vol. 4, ch. 3.

Mayer, T. & Zignago, S. (2011). Notes on CEPII's distances measures: the GeoDist database. CEPII
Working Paper 2011-25.

Madow, W. G. (1949). On the theory of systematic sampling, II. *Annals of Mathematical Statistics*
20(3), 333-354.

Horvitz, D. G. & Thompson, D. J. (1952). A generalization of sampling without replacement from a
finite universe. *Journal of the American Statistical Association* 47(260), 663-685.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from numbers import Integral, Real
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from ecosys.analytics.trade.codes import shipped_country_codes
from ecosys.analytics.trade.formats import open_text
from ecosys.analytics.trade.progress import Progress

if TYPE_CHECKING:
    from ecosys.analytics.geo import GeoDist

FloatArray = NDArray[np.float64]

BASE_YEAR = 2017
CLASSIFICATION = "HS07"
DEFAULT_YEARS = (2013, 2014, 2015, 2016, 2017)
NOISE_SIGMA = 0.2
LABEL = (
    "Generated demo data: exporter x product totals for 2017 are real (UN Comtrade via Open Trade "
    "Statistics, HS4); their split across importers is a gravity model (GDP and CEPII distance), and "
    "the other years follow each exporter's real GDP growth with random product-level noise. "
    "Not observed bilateral trade."
)

EXPORTS_FILE = "data/exports_hs4_2017.csv.gz"
GDP_2017_FILE = "data/gdp_population_2017.csv"
WORLDBANK_GDP_FILE = "data/worldbank_gdp.csv.gz"
DISTANCES_FILE = "data/dist_cepii.csv.gz"
WORLDBANK_GDP_SERIES = "NY.GDP.MKTP.KD"

# Codes of the Open Trade Statistics files that are not today's ISO 3166 alpha-3 ("rom" for Romania).
_OLD_ISO3 = {"ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "PAL": "PSE"}
_QUANTITY_NA = '"' + "NA".rjust(13) + '"'
_BISECTION_STEPS = 100


@dataclass(frozen=True)
class GravityDemo:
    """What :func:`generate_baci_gravity` wrote; amounts in USD, ``tau`` the thinning threshold per year.

    ``rows`` counts every row of a year's file: about ``target_rows`` thinned rows plus ``kept_rows``, the
    rows of the importers in ``kept`` (``keep_all_for``), written whole and not counted by the target.
    """

    paths: tuple[Path, ...]
    years: tuple[int, ...]
    rows: Mapping[int, int]
    tau: Mapping[int, float]
    value_usd: Mapping[int, float]
    dropped: tuple[str, ...]  # exporters without a BACI code, not written
    dropped_value_usd: float  # their 2017 exports
    gdp_only: tuple[str, ...]  # exporters without distances, split by importer GDP alone
    importers: tuple[str, ...]
    gdp_fallbacks: Mapping[int, tuple[str, ...]]  # countries whose GDP ratio to 2017 is unknown, held at 1
    exact: Mapping[int, bool]  # every exporter x product total written exactly (target_rows allowed it)
    kept: tuple[str, ...]  # importers whose flows are all written, never thinned (keep_all_for)
    kept_rows: Mapping[int, int]  # rows into the kept importers, on top of the thinned target_rows
    classification: str = CLASSIFICATION
    label: str = LABEL


def _iso3(code: str) -> str:
    code = code.strip().upper()
    return _OLD_ISO3.get(code, code)


def _data_text(name: str) -> str:
    resource = resources.files("ecosys.analytics.trade").joinpath(name)
    with resources.as_file(resource) as path, open_text(path) as handle:
        return handle.read()


@cache
def _real_exports() -> tuple[tuple[str, ...], tuple[str, ...], FloatArray]:
    rows = list(csv.reader(io.StringIO(_data_text(EXPORTS_FILE), newline="")))[1:]
    countries = sorted({_iso3(r[0]) for r in rows})
    products = sorted({r[1].strip() for r in rows})
    row_of = {c: n for n, c in enumerate(countries)}
    column_of = {p: n for n, p in enumerate(products)}
    values = np.zeros((len(countries), len(products)))
    for country, product, value in rows:
        if value.strip() not in ("", "NA"):
            values[row_of[_iso3(country)], column_of[product.strip()]] = float(value)
    values.setflags(write=False)
    return tuple(countries), tuple(products), values


def read_real_exports_hs4_2017() -> tuple[tuple[str, ...], tuple[str, ...], FloatArray]:
    """Return the real 2017 exports shipped with Ecosys: countries, products and a USD matrix.

    Countries are ISO3 codes, upper case, sorted (rows); products are 4-digit HS 2007 codes as text,
    sorted (columns); ``values[c, p]`` is in USD, 0 where the source reports nothing (a blank value).
    Source: UN Comtrade through Open Trade Statistics (see ``data/SOURCES.md``).
    """
    countries, products, values = _real_exports()
    return countries, products, values.copy()


@cache
def _gdp_2017() -> Mapping[str, float]:
    """GDP in current USD, 2017, by ISO3 (countries only: aggregates have no BACI code and drop out later)."""
    reader = csv.DictReader(io.StringIO(_data_text(GDP_2017_FILE), newline=""))
    return {_iso3(r["reporter_iso"]): float(r["gdp_current_usd"]) for r in reader if r["gdp_current_usd"].strip()}


@cache
def _worldbank_gdp() -> Mapping[tuple[str, int], float]:
    """GDP in constant 2010 USD by (ISO3, year); the WDI export's ``..`` (unknown) and footer rows are skipped."""
    found: dict[tuple[str, int], float] = {}
    for row in csv.DictReader(io.StringIO(_data_text(WORLDBANK_GDP_FILE), newline="")):
        value, year = (row.get("Value") or "").strip(), (row.get("Time") or "").strip()
        if row.get("Series Code") != WORLDBANK_GDP_SERIES or not year.isdigit():
            continue
        try:
            number = float(value)
        except ValueError:
            continue
        if math.isfinite(number) and number > 0:
            found[(_iso3(row["Country Code"]), int(year))] = number
    return found


def worldbank_years() -> tuple[int, ...]:
    """Return the years the shipped World Bank GDP series covers (the years that can be generated)."""
    return tuple(sorted({year for _, year in _worldbank_gdp()}))


@cache
def _geodist() -> GeoDist:
    # Imported here: geo imports the opportunity package, whose study module imports this package.
    from ecosys.analytics.geo import read_geodist

    resource = resources.files("ecosys.analytics.trade").joinpath(DISTANCES_FILE)
    with resources.as_file(resource) as path:
        return read_geodist(path)


def _baci_codes() -> dict[str, int]:
    """ISO3 -> BACI code, the lowest of the codes sharing an ISO3 (56 Belgium, not 58 Belgium-Luxembourg)."""
    codes: dict[str, int] = {}
    for code, country in sorted(shipped_country_codes().items()):
        codes.setdefault(country.iso3, code)
    return codes


@dataclass(frozen=True)
class _World:
    """The fixed part of the model: who exports what in 2017, who can import, and the distances."""

    exporters: tuple[str, ...]
    exporter_codes: NDArray[np.int64]
    totals: FloatArray  # exporters x products, USD, 2017
    products: tuple[str, ...]
    importers: tuple[str, ...]
    importer_codes: NDArray[np.int64]
    importer_gdp: FloatArray  # current USD, 2017
    log_distance: FloatArray  # exporters x importers; NaN for i == j and unknown pairs
    gdp_only: tuple[str, ...]
    dropped: tuple[str, ...]
    dropped_value_usd: float


def _world() -> _World:
    countries, products, values = _real_exports()
    baci = _baci_codes()
    geo = _geodist()
    distance = np.where(np.isnan(geo.pairs["distw"]), geo.pairs["dist"], geo.pairs["distw"])
    exporting = values.sum(axis=1) > 0
    kept = sorted((baci[c], c, n) for n, c in enumerate(countries) if exporting[n] and c in baci)
    dropped = tuple(c for n, c in enumerate(countries) if exporting[n] and c not in baci)
    gdp = _gdp_2017()
    importers = sorted((baci[c], c) for c in gdp if c in baci and geo.index(c) >= 0)
    rows = np.array([geo.index(c) for _, c, _ in kept])
    columns = np.array([geo.index(c) for _, c in importers])
    with np.errstate(divide="ignore", invalid="ignore"):
        log_distance = np.log(np.where(rows[:, None] >= 0, distance[np.maximum(rows, 0)][:, columns], np.nan))
    log_distance[~(log_distance > -np.inf)] = np.nan  # unknown, zero or negative distances
    exporter_names = tuple(c for _, c, _ in kept)
    importer_names = tuple(c for _, c in importers)
    same = np.array(exporter_names)[:, None] == np.array(importer_names)[None, :]
    log_distance[same] = np.nan
    no_distance = np.flatnonzero(~np.isfinite(log_distance).any(axis=1))
    return _World(
        exporters=exporter_names,
        exporter_codes=np.array([code for code, _, _ in kept], dtype=np.int64),
        totals=values[[n for _, _, n in kept]],
        products=products,
        importers=importer_names,
        importer_codes=np.array([code for code, _ in importers], dtype=np.int64),
        importer_gdp=np.array([gdp[c] for c in importer_names]),
        log_distance=log_distance,
        gdp_only=tuple(exporter_names[n] for n in no_distance.tolist()),
        dropped=dropped,
        dropped_value_usd=float(values[[countries.index(c) for c in dropped]].sum()),
    )


def _gdp_ratios(countries: Sequence[str], year: int) -> tuple[FloatArray, list[str]]:
    """Return ``GDP(year) / GDP(2017)`` in constant USD per country (1 where unknown) and the unknown ones."""
    series = _worldbank_gdp()
    ratios = np.ones(len(countries))
    unknown: list[str] = []
    if year == BASE_YEAR:
        return ratios, unknown
    for n, country in enumerate(countries):
        now, base = series.get((country, year)), series.get((country, BASE_YEAR))
        if now is None or base is None:
            unknown.append(country)
        else:
            ratios[n] = now / base
    return ratios, unknown


def _shares(world: _World, importer_gdp: FloatArray, gdp_elasticity: float, distance_elasticity: float) -> FloatArray:
    """Return ``s_ij`` (exporters x importers, rows summing to 1); exporters without distances use GDP alone."""
    log_weight = gdp_elasticity * np.log(importer_gdp)[None, :] - distance_elasticity * world.log_distance
    gdp_only = ~np.isfinite(log_weight).any(axis=1)
    not_self = np.array(world.exporters)[:, None] != np.array(world.importers)[None, :]
    by_gdp = np.where(not_self, gdp_elasticity * np.log(importer_gdp)[None, :], np.nan)
    log_weight[gdp_only] = by_gdp[gdp_only]
    log_weight -= np.nanmax(log_weight, axis=1, keepdims=True)
    weight = np.where(np.isfinite(log_weight), np.exp(log_weight), 0.0)
    return weight / weight.sum(axis=1, keepdims=True)


class _RowCounter:
    """Evaluate ``R(τ)`` (module docstring, step 3) for all exporters at once.

    Each exporter's positive shares are sorted and laid end to end as ``offset_i + ln s``; the offsets
    keep exporters apart, so one ``searchsorted`` finds, for every ``(i, k)``, how many shares fall
    below ``τ / X_ik`` and their sum.
    """

    def __init__(self, shares: FloatArray, totals: FloatArray) -> None:
        positive = shares > 0
        log_shares = np.log(np.where(positive, shares, 1.0))
        span = float(-log_shares.min()) + 2.0
        keys: list[FloatArray] = []
        sums: list[FloatArray] = []
        starts = np.zeros(len(shares), dtype=np.int64)
        counts = positive.sum(axis=1)
        at = 0
        for i in range(len(shares)):
            order = np.sort(shares[i][positive[i]])
            keys.append(i * span + np.log(order))
            sums.append(order)
            starts[i] = at
            at += len(order)
        self.keys = np.concatenate(keys)
        self.cumulated = np.concatenate(([0.0], np.cumsum(np.concatenate(sums))))
        rows, columns = np.nonzero((totals > 0) & (counts > 0)[:, None])  # (i, k) with flows to thin
        self.values = totals[rows, columns]
        self.offset = rows * span
        self.start = starts[rows]
        self.count = counts[rows]
        self.span = span
        self.pairs = len(self.values)
        self.cells = int(counts[rows].sum())

    def rows(self, tau: float, *, exact: bool) -> float:
        """Return the (expected, when not ``exact``) number of rows written with threshold ``tau``."""
        threshold = np.log(tau) - np.log(self.values)
        where = np.searchsorted(self.keys, self.offset + np.clip(threshold, 1.0 - self.span, 0.5), side="left")
        below = where - self.start
        small_sum = self.values * (self.cumulated[where] - self.cumulated[self.start])
        if exact:
            small_rows = np.where(below > 0, np.maximum(1.0, np.floor(small_sum / tau)), 0.0)
        else:
            small_rows = np.where(small_sum >= tau, np.floor(small_sum / tau), small_sum / tau)
        return float(np.sum(self.count - below) + np.sum(small_rows))


def _calibrate(counter: _RowCounter, target_rows: int) -> tuple[float, bool]:
    """Return ``τ`` (USD) whose row count ``R(τ)`` is closest to ``target_rows`` (bisection on ``ln τ``).

    Also return whether the totals can be exact: ``target_rows`` allows one row per exporter x product.
    """
    if not counter.pairs:
        return 1.0, True  # every flow goes to a kept importer: nothing to thin
    exact = target_rows >= counter.pairs
    low = math.log(counter.values.min()) + (2.0 - counter.span) - 1.0  # below the smallest flow
    high = math.log(counter.values.max()) + 1.0  # above the largest total
    if target_rows >= counter.cells:
        return math.exp(low), True  # every flow is at least τ: all are written as they are
    best, best_gap = math.exp(high), abs(counter.rows(math.exp(high), exact=exact) - target_rows)
    for _ in range(_BISECTION_STEPS):
        middle = (low + high) / 2
        found = counter.rows(math.exp(middle), exact=exact)
        if abs(found - target_rows) < best_gap:
            best, best_gap = math.exp(middle), abs(found - target_rows)
        if best_gap < 0.5 or high - low < 1e-12:
            break
        if found > target_rows:
            low = middle
        else:
            high = middle
    return best, exact


def _exporter_flows(
    totals: FloatArray,
    shares: FloatArray,
    tau: float,
    starts: FloatArray,
    *,
    exact: bool = True,
    keep: NDArray[np.bool_] | None = None,
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.int64]]:
    """Return one exporter's written flows, thinned as in step 3: product and importer positions, whole USD.

    ``totals`` are whole USD (products with exports only), ``shares`` the exporter's row of ``s_ij``,
    ``starts`` one U[0, 1) draw per product for the systematic sample. With ``exact``, small flows
    summing to ``S < τ`` give one row of ``S``; without, one row of ``τ`` with probability ``S / τ``.
    ``keep`` (one flag per importer) marks the importers whose flows are written as they are, like
    flows of ``τ`` or more, and left out of the thinning. Flows come sorted by importer, then product;
    none is zero.
    """
    flows = totals[:, None] * shares[None, :]
    big = flows >= tau
    if keep is not None:
        big |= keep[None, :] & (flows > 0)
    small = np.where(big, 0.0, flows)
    cumulated = np.cumsum(small, axis=1)
    small_total = cumulated[:, -1]
    has_small = small_total > 0
    enough = small_total >= tau
    step = np.where(enough, small_total / np.maximum(np.floor(small_total / tau), 1.0), small_total if exact else tau)
    step = np.where(has_small, step, 1.0)
    # Sample points u + m·h: flow j holds one when the count of points below its cumulated end grows.
    points_below = np.ceil((cumulated - (starts * step)[:, None]) / step[:, None])
    picked = np.diff(points_below, axis=1, prepend=0.0) > 0
    picked_count = picked.sum(axis=1)
    # a sure pick missed by floating-point rounding: keep the largest small flow
    missed = np.flatnonzero(has_small & (enough | exact) & (picked_count == 0))
    if missed.size:
        picked[missed, np.argmax(small[missed], axis=1)] = True
        picked_count[missed] = 1
    each = np.where(enough, small_total / np.maximum(picked_count, 1), step)
    product, importer = np.nonzero(big | picked)  # by product, then importer
    written = np.where(big[product, importer], flows[product, importer], each[product])
    whole = np.floor(written).astype(np.int64)
    # rounding: each (i, k) total to the dollar, the remainder one dollar at a time to its first flows
    n_products = len(totals)
    remainder = np.rint(np.bincount(product, written, n_products)).astype(np.int64)
    remainder -= np.bincount(product, whole, n_products).astype(np.int64)
    per_product = np.bincount(product, minlength=n_products)
    rank = np.arange(len(product)) - (np.cumsum(per_product) - per_product)[product] + 1
    if keep is not None:
        # kept importers' flows first if they round up, after the thinned ones if they round down
        priority = np.where(keep[importer], np.where(written - whole >= 0.5, 0, 2), 1)
        rank[np.lexsort((importer, priority, product))] = rank.copy()
    each_gets, first_get_one_more = np.divmod(remainder, np.maximum(per_product, 1))
    whole += each_gets[product] + (rank <= first_get_one_more[product])
    order = np.lexsort((product, importer))
    order = order[whole[order] > 0]
    return product[order], importer[order], whole[order]


def _year_totals(world: _World, year: int, seed: int) -> tuple[FloatArray, FloatArray, list[str]]:
    """Return the year's totals (whole USD), the sampling starts (exporters x products) and the GDP fallbacks."""
    n_products = len(world.products)
    totals = np.empty_like(world.totals)
    starts = np.empty_like(world.totals)
    ratios, unknown = _gdp_ratios(world.exporters, year)
    for i, code in enumerate(world.exporter_codes.tolist()):
        stream = np.random.default_rng([seed, year, code])
        if year == BASE_YEAR:
            totals[i] = world.totals[i]
        else:
            noise = stream.lognormal(-(NOISE_SIGMA**2) / 2, NOISE_SIGMA, n_products)
            totals[i] = np.rint(world.totals[i] * ratios[i] * noise)
        starts[i] = stream.random(n_products)
    return totals, starts, unknown


def _check(
    years: Iterable[int], target_rows: int, seed: int, gdp_elasticity: float, distance_elasticity: float
) -> tuple[int, ...]:
    given = list(years)
    if not given or not all(isinstance(y, Integral) and not isinstance(y, bool) for y in given):
        raise ValueError("years must be a non-empty sequence of whole years")
    chosen = tuple(sorted({int(y) for y in given}))
    available = worldbank_years()
    if missing := [y for y in chosen if y not in available]:
        raise ValueError(
            f"years: no World Bank GDP for {', '.join(map(str, missing))} "
            f"(the shipped series covers {available[0]}-{available[-1]})"
        )
    if isinstance(target_rows, bool) or not isinstance(target_rows, Integral) or target_rows <= 0:
        raise ValueError("target_rows must be a positive whole number")
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise ValueError("seed must be a non-negative whole number")
    for name, value in (("gdp_elasticity", gdp_elasticity), ("distance_elasticity", distance_elasticity)):
        if isinstance(value, bool) or not isinstance(value, Real) or not (math.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be a finite number >= 0")
    return chosen


def _kept_importers(keep_all_for: Sequence[str], importers: Sequence[str]) -> tuple[str, ...]:
    """Return the importers of ``keep_all_for`` as ISO3 codes (upper case, model order, no repeats)."""
    try:
        given = tuple(keep_all_for) if not isinstance(keep_all_for, str) else None
    except TypeError:
        given = None
    if given is None or not all(isinstance(c, str) for c in given):
        raise ValueError("keep_all_for must be a sequence of ISO3 codes, such as ('MAR',)")
    wanted = {_iso3(c) for c in given}
    if unknown := sorted(wanted - set(importers)):
        raise ValueError(
            f"keep_all_for: {', '.join(unknown)} not among the {len(importers)} importers of the model "
            "(ISO3 codes of the countries with a GDP, a distance and a BACI code)"
        )
    return tuple(c for c in importers if c in wanted)


def baci_file_name(year: int) -> str:
    """Return the generated file's name, from which ingestion reads the HS revision and the year."""
    return f"BACI_{CLASSIFICATION}_Y{year}_V000000_generated.csv"


def generate_baci_gravity(
    out_dir: Path,
    *,
    years: Sequence[int] = DEFAULT_YEARS,
    target_rows: int = 400_000,
    seed: int = 0,
    gdp_elasticity: float = 1.0,
    distance_elasticity: float = 1.0,
    keep_all_for: Sequence[str] = (),
    progress: Progress | None = None,
) -> GravityDemo:
    """Write one BACI-format CSV per year into ``out_dir`` and return what was written.

    Formulas in the module docstring. About ``target_rows`` rows a year; every 2017 exporter x product
    total is exact when that allows one row per exporter x product with exports (about 175,000), else
    unbiased only (:attr:`GravityDemo.exact`). The flows into the importers of ``keep_all_for`` (ISO3,
    any case) are all written with their gravity value, never thinned, so that a study country gets its
    whole import vector; ``target_rows`` counts the other, thinned rows, and the kept ones come on top
    (:attr:`GravityDemo.kept_rows`). ``progress(done, total)`` is called after each exporter, ``total``
    being exporters x years. Raises ``ValueError`` naming the parameter for a year without World Bank
    GDP, a ``target_rows`` below 1, a negative or infinite elasticity, a negative seed or a
    ``keep_all_for`` code that is not an importer of the model.
    """
    chosen = _check(years, target_rows, seed, gdp_elasticity, distance_elasticity)
    world = _world()
    kept = _kept_importers(keep_all_for, world.importers)
    keep = np.isin(np.array(world.importers), kept) if kept else None
    out_dir.mkdir(parents=True, exist_ok=True)
    k_text = np.array([f"{int(code + '00')}," for code in world.products])  # heading hhhh as hhhh00, no leading 0
    end = f",{_QUANTITY_NA}\n"
    importer_codes = world.importer_codes.tolist()
    steps, done = len(chosen) * len(world.exporters), 0
    paths: list[Path] = []
    rows: dict[int, int] = {}
    taus: dict[int, float] = {}
    values: dict[int, float] = {}
    fallbacks: dict[int, tuple[str, ...]] = {}
    exact: dict[int, bool] = {}
    kept_rows: dict[int, int] = {}
    for year in chosen:
        totals, starts, unknown_exporters = _year_totals(world, year, seed)
        importer_ratio, unknown_importers = _gdp_ratios(world.importers, year)
        fallbacks[year] = tuple(sorted(set(unknown_exporters) | set(unknown_importers)))
        shares = _shares(world, world.importer_gdp * importer_ratio, gdp_elasticity, distance_elasticity)
        # the target counts the thinned rows only: the kept importers' shares are left out of R(τ)
        tau, exact[year] = _calibrate(
            _RowCounter(shares if keep is None else np.where(keep[None, :], 0.0, shares), totals), target_rows
        )
        path = out_dir / baci_file_name(year)
        partial = path.with_name(path.name + ".part")
        written, total, written_kept = 0, 0, 0
        with partial.open("w", encoding="ascii", newline="") as out:
            out.write("t,i,j,k,v,q\n")
            for i, exporter in enumerate(world.exporter_codes.tolist()):
                products = np.flatnonzero(totals[i] > 0)
                kk, jj, amounts = _exporter_flows(
                    totals[i, products], shares[i], tau, starts[i, products], exact=exact[year], keep=keep
                )
                start = [f"{year},{exporter},{j}," for j in importer_codes]
                # v in thousands: a whole number of USD / 1000 prints exactly with 3 decimals below 10^12
                out.write(
                    "".join(
                        f"{start[j]}{k}{v:.3f}{end}"
                        for j, k, v in zip(
                            jj.tolist(), k_text[products[kk]].tolist(), (amounts / 1000).tolist(), strict=True
                        )
                    )
                )
                written += len(amounts)
                written_kept += 0 if keep is None else int(keep[jj].sum())
                total += int(amounts.sum())
                done += 1
                if progress is not None:
                    progress(done, steps)
        partial.replace(path)
        paths.append(path)
        rows[year], taus[year], values[year], kept_rows[year] = written, tau, float(total), written_kept
    return GravityDemo(
        paths=tuple(paths),
        years=chosen,
        rows=rows,
        tau=taus,
        value_usd=values,
        dropped=world.dropped,
        dropped_value_usd=world.dropped_value_usd,
        gdp_only=world.gdp_only,
        importers=world.importers,
        gdp_fallbacks=fallbacks,
        exact=exact,
        kept=kept,
        kept_rows=kept_rows,
    )
