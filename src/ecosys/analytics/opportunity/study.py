"""The opportunity study: from a trade dataset and a few parameters to one ranked table of products.

:func:`run_study` composes the indicators of this package on one dataset (``analytics.trade``) for one
country; nothing here re-derives a formula, each column names the function it comes from. Stages, in
the order :data:`STAGES` reports them:

1. **exports** (:func:`~ecosys.analytics.trade.queries.exports_matrix`): the ``countries x products``
   exports ``X_cp`` of the *last* year ``T`` at ``level`` digits. Its products are the study's rows.
2. **complexity** (:func:`~ecosys.analytics.complexity.complexity_all`,
   :func:`~ecosys.analytics.opportunity.composite.feasibility_for_country`): RCA, presence ``M_cp``,
   density ``ω_cp``, distance ``1 - ω_cp``, PCI, COG and the country's ECI in year ``T``.
3. **imports** (:func:`~ecosys.analytics.trade.queries.imports_by_market`,
   :func:`~ecosys.analytics.opportunity.import_substitution.import_substitution`): every country's
   imports by product over the years; the study country's row gives its imports, their PPML trend and
   the import substitution score ``projected_p · ω_p · (1 + β R_p)``. With a production table, apparent
   consumption ``C = P + M - X`` and its growth
   (:func:`~ecosys.analytics.opportunity.domestic.domestic_market_growth`).
4. **export_potential** (:func:`~ecosys.analytics.opportunity.export_potential.export_potential`):
   supply x demand x ease over the importing markets, ease from CEPII GeoDist
   (:func:`~ecosys.analytics.geo.bilateral_ease`), untapped potential summed market by market against
   the country's actual bilateral exports of year ``T``.
5. **jobs** (:func:`~ecosys.analytics.opportunity.job_potential.job_potential`): jobs and value added
   of an output equal to the product's *potential* ``imports_p + untapped_p`` (USD of year ``T``,
   converted at ``exchange_rate_mad_per_usd``): what producing at home the imports of today and the
   exports not yet made would bring. An upper bound, not a forecast.
6. **scores** (:func:`~ecosys.analytics.opportunity.composite.composite_scores`,
   :func:`~ecosys.analytics.opportunity.composite.rank_scores`): ``score_p = Σ_k w_k z_kp`` over the
   products in scope, with the weights of an Atlas strategy (:data:`ATLAS_STRATEGIES`, on density, PCI
   and COG) or custom weights on any of :data:`INDICATORS`. Indicators in money (USD, MAD, jobs) enter
   as ``ln(1 + x)``, so that one product of a huge market does not flatten every other z-score (the
   usual treatment of skewed indicators in the normalisation step of OECD/JRC 2008, *Handbook on
   Constructing Composite Indicators*); rates and complexity measures enter as they are. The scope is, by default,
   the Atlas's "growth opportunities": products the country does not yet export with ``M_cp = 1``
   and whose density is known; other products keep their row with no score and are ranked after.
   Ranks put every number before every NaN, so a NaN is never ranked first.

Bad input raises :class:`~ecosys.analytics.opportunity.errors.OpportunityInputError` (message starting
with the parameter's name) or :class:`~ecosys.analytics.trade.errors.TradeDatasetError`
(``year_not_in_dataset``, ``level_finer_than_data``, with the year or the level in the detail).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

from ecosys.analytics.complexity import Complexity, Method, Presence, complexity_all
from ecosys.analytics.geo import GeoDist, bilateral_ease, read_geodist
from ecosys.analytics.hs import hs_codes
from ecosys.analytics.long_table import align_to_labels
from ecosys.analytics.opportunity.composite import (
    ATLAS_STRATEGIES,
    Feasibility,
    composite_scores,
    feasibility_for_country,
    parse_weights,
    rank_scores,
)
from ecosys.analytics.opportunity.domestic import domestic_market_growth
from ecosys.analytics.opportunity.errors import FloatArray, OpportunityInputError
from ecosys.analytics.opportunity.export_potential import export_potential
from ecosys.analytics.opportunity.import_substitution import import_substitution, recycled_input_of
from ecosys.analytics.opportunity.job_potential import (
    Coefficients,
    default_coefficients,
    job_potential,
    parse_coefficients,
)
from ecosys.analytics.trade.codes import shipped_country_codes
from ecosys.analytics.trade.dataset import read_manifest
from ecosys.analytics.trade.errors import TradeDatasetError
from ecosys.analytics.trade.queries import (
    HS_LEVELS,
    country_roles,
    exports_by_market,
    exports_by_product,
    exports_matrix,
    flows_by_year,
    imports_by_market,
    product_names_in_dataset,
    shortest_product_code,
)

__all__ = [
    "INDICATORS",
    "STAGES",
    "STRATEGIES",
    "Column",
    "StudyParameters",
    "StudyResult",
    "run_study",
    "study_parameters",
]

RESULT_VERSION = 1
STAGES = ("exports", "complexity", "imports", "export_potential", "jobs", "scores")
_STAGE_START = {"exports": 0, "complexity": 20, "imports": 25, "export_potential": 60, "jobs": 92, "scores": 95}
DEFAULT_STRATEGY = "balanced_portfolio"
STRATEGIES = (*ATLAS_STRATEGIES, "custom")
STRATEGY_ALIASES = {"balanced": "balanced_portfolio", "low_hanging": "low_hanging_fruit", "long_jump": "long_jumps"}
PRESENCE_TESTS = ("rca", "rpop", "both")
METHODS = ("eigen", "reflections")
SCOPES = ("candidates", "all")
YEAR_RANGE = (1900, 2100)
SHIPPED_GEODIST = "data/dist_cepii.csv.gz"

# The indicators custom weights may name (the row keys of the same name), and how each enters the score.
INDICATORS: Mapping[str, str] = {
    "density": "as is (higher is better)",
    "distance": "as is (lower is better)",
    "pci": "as is",
    "cog": "as is",
    "import_growth": "as is",
    "domestic_growth": "as is (needs production_csv)",
    "imports_usd": "ln(1 + x)",
    "import_substitution": "ln(1 + x)",
    "export_potential_usd": "ln(1 + x)",
    "untapped_usd": "ln(1 + x)",
    "market_usd": "ln(1 + x)",
    "jobs": "ln(1 + x)",
    "value_added_mad": "ln(1 + x)",
}
LOGGED_INDICATORS = frozenset(name for name, how in INDICATORS.items() if how == "ln(1 + x)")


# -- parameters ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StudyParameters:
    """What a study is asked: the country, the years and the choices of each stage (see :func:`study_parameters`).

    The CSV fields hold the table's *text*, not a path, so the stored parameters alone reproduce a study
    (``,`` or ``;`` separated, header names in any case):

    * ``coefficients_csv``: the columns of :func:`~ecosys.analytics.opportunity.job_potential.parse_coefficients`;
    * ``production_csv``: ``product`` (HS code, at least ``level`` digits; finer codes are summed into
      their ``level``-digit heading), ``year`` and ``production_usd`` or ``production_mad`` (converted at
      ``exchange_rate_mad_per_usd``); an empty value is unknown, not zero;
    * ``population_csv``: ``country`` (ISO3) and ``population`` (> 0), for ``presence`` ``rpop`` or ``both``.

    ``scope`` is ``"candidates"`` (score only products not yet exported with ``M_cp = 1``, as the Atlas)
    or ``"all"``; ``horizon``, ``max_growth`` and ``recycled_bonus`` are passed to the import
    substitution and export potential indicators.
    """

    country: str
    years: tuple[int, ...]
    level: int = 4
    presence: str = "rca"
    mcp_threshold: float = 1.0
    method: str = "eigen"
    strategy: str = DEFAULT_STRATEGY
    weights: str = ""
    coefficients_csv: str | None = None
    production_csv: str | None = None
    population_csv: str | None = None
    exchange_rate_mad_per_usd: float = 9.7
    scope: str = "candidates"
    horizon: float = 5.0
    max_growth: float = 0.20
    recycled_bonus: float = 0.10


_FIELDS = tuple(f.name for f in fields(StudyParameters))


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(raw: Mapping[str, object], name: str, default: float, low: float = 0.0, high: float = math.inf) -> float:
    """Return ``raw[name]`` as a finite float in ``[low, high]``, > 0 when ``low`` is 0 and ``high`` infinite.

    A decimal comma is accepted ("9,7"); a blank value gives ``default``.
    """
    value = raw.get(name)
    if _blank(value):
        return default
    if isinstance(value, bool):
        raise OpportunityInputError("not_a_number", parameter=name, value=value)
    try:
        number = float(str(value).strip().replace(",", ".")) if isinstance(value, str) else float(cast(Any, value))
    except (TypeError, ValueError):
        raise OpportunityInputError("not_a_number", parameter=name, value=value) from None
    if not math.isfinite(number):
        raise OpportunityInputError("not_a_number", parameter=name, value=value)
    if math.isinf(high) and number <= low:
        raise OpportunityInputError("not_positive", parameter=name, value=number)
    if not low <= number <= high:
        raise OpportunityInputError("not_in_range", parameter=name, low=low, high=high, value=number)
    return number


def _integer(value: object, name: str, code: str = "not_a_number") -> int:
    """Return ``value`` as an int (an int, a whole float or digits), or raise ``code`` naming ``name``."""
    if isinstance(value, bool):
        raise OpportunityInputError(code, parameter=name, value=value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise OpportunityInputError(code, parameter=name, value=value)


def _choice(raw: Mapping[str, object], name: str, allowed: Sequence[str], default: str) -> str:
    value = raw.get(name)
    if _blank(value):
        return default
    text = str(value).strip().lower()
    if text not in allowed:
        raise OpportunityInputError("not_one_of", parameter=name, value=value, allowed=", ".join(allowed))
    return text


@cache
def _known_countries() -> frozenset[str]:
    return frozenset(c.iso3 for c in shipped_country_codes().values())


def _country(value: object) -> str:
    if _blank(value):
        raise OpportunityInputError("required", parameter="country")
    code = str(value).strip().upper()
    if code not in _known_countries():
        raise OpportunityInputError("not_iso3", parameter="country", value=value)
    return code


def _year_tokens(value: object) -> list[int]:
    """Return the years of one item: a year, ``"2017-2021"`` (inclusive), or text of such items."""
    if isinstance(value, str):
        tokens = [t for t in re.split(r"[\s,;]+", value.strip()) if t]
        years: list[int] = []
        for token in tokens:
            first, dash, last = token.partition("-")
            if dash:
                start, end = _integer(first, "years", "not_a_year"), _integer(last, "years", "not_a_year")
                if end < start:
                    raise OpportunityInputError("not_a_year", parameter="years", value=token)
                years.extend(range(start, end + 1))
            else:
                years.append(_integer(token, "years", "not_a_year"))
        return years
    return [_integer(value, "years", "not_a_year")]


def _years(value: object) -> tuple[int, ...]:
    if _blank(value):
        raise OpportunityInputError("no_years", parameter="years")
    items: Sequence[object] = list(value) if isinstance(value, (list, tuple)) else [value]
    years = [year for item in items for year in _year_tokens(item)]
    if not years:
        raise OpportunityInputError("no_years", parameter="years")
    for year in years:
        if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            raise OpportunityInputError(
                "not_in_range", parameter="years", low=YEAR_RANGE[0], high=YEAR_RANGE[1], value=year
            )
    seen: set[int] = set()
    for year in years:
        if year in seen:
            raise OpportunityInputError("years_not_distinct", parameter="years", value=year)
        seen.add(year)
    return tuple(sorted(years))


def _strategy(value: object, weights: str) -> str:
    text = "" if _blank(value) else str(value).strip().lower().replace("-", "_").replace(" ", "_")
    if not text:
        return "custom" if weights else DEFAULT_STRATEGY
    text = STRATEGY_ALIASES.get(text, text)
    if text not in STRATEGIES:
        raise OpportunityInputError("unknown_strategy", parameter="strategy", value=value, known=", ".join(STRATEGIES))
    return text


def _csv_text(raw: Mapping[str, object], name: str) -> str | None:
    value = raw.get(name)
    if _blank(value):
        return None
    if not isinstance(value, str):
        raise OpportunityInputError("not_one_of", parameter=name, value=type(value).__name__, allowed="CSV text")
    return value


def study_parameters(raw: Mapping[str, object]) -> StudyParameters:
    """Return the checked parameters of a study from form, CLI or API input (or a stored ``asdict``).

    ``country`` is an ISO3 code of the BACI country table (any case); ``years`` an int, a list, or text
    such as ``"2017-2021"`` or ``"2019, 2021"`` (sorted, each once); ``level`` 2, 4 or 6; ``strategy``
    a key of :data:`ATLAS_STRATEGIES` (``"balanced"`` and spellings with spaces or hyphens accepted) or
    ``"custom"`` with ``weights`` such as ``"density=0.5, import_substitution=0.5"`` over
    :data:`INDICATORS` (a blank strategy with weights means custom); numbers may be text with a decimal
    comma; blank values take the defaults. The CSV tables are parsed here too, so a bad one is refused
    before a study is queued. Every refusal is an ``OpportunityInputError`` naming the parameter.
    """
    unknown = sorted(str(key) for key in raw if key not in _FIELDS)
    if unknown:
        raise OpportunityInputError("unknown_parameter", parameter=unknown[0], known=", ".join(_FIELDS))
    weights_text = "" if _blank(raw.get("weights")) else str(raw.get("weights")).strip()
    strategy = _strategy(raw.get("strategy"), weights_text)
    coefficients_csv = _csv_text(raw, "coefficients_csv")
    production_csv = _csv_text(raw, "production_csv")
    population_csv = _csv_text(raw, "population_csv")
    level_raw = raw.get("level")
    level = 4 if _blank(level_raw) else _integer(level_raw, "level")
    if level not in HS_LEVELS:
        raise OpportunityInputError("not_one_of", parameter="level", value=level_raw, allowed="2, 4, 6")
    params = StudyParameters(
        country=_country(raw.get("country")),
        years=_years(raw.get("years")),
        level=level,
        presence=_choice(raw, "presence", PRESENCE_TESTS, "rca"),
        mcp_threshold=_number(raw, "mcp_threshold", 1.0),
        method=_choice(raw, "method", METHODS, "eigen"),
        strategy=strategy,
        weights=weights_text if strategy == "custom" else "",
        coefficients_csv=coefficients_csv,
        production_csv=production_csv,
        population_csv=population_csv,
        exchange_rate_mad_per_usd=_number(raw, "exchange_rate_mad_per_usd", 9.7),
        scope=_choice(raw, "scope", SCOPES, "candidates"),
        horizon=_number(raw, "horizon", 5.0, 0.0, 100.0),
        max_growth=_number(raw, "max_growth", 0.20, 0.0, 10.0),
        recycled_bonus=_number(raw, "recycled_bonus", 0.10, 0.0, 10.0),
    )
    _weights(params)
    _coefficients(params)
    _production(params)
    _population(params)
    return params


def _weights(params: StudyParameters) -> dict[str, float]:
    """Return the weights a study applies (not normalised): its Atlas strategy's, or the custom ones parsed."""
    if params.strategy != "custom":
        return dict(ATLAS_STRATEGIES[params.strategy])
    weights = parse_weights(params.weights, frozenset(INDICATORS))
    if weights.get("domestic_growth", 0.0) > 0 and params.production_csv is None:
        raise OpportunityInputError(
            "weights_needs", parameter="weights", name="domestic_growth", needed="production_csv"
        )
    return weights


# -- the CSV tables a study may be given -----------------------------------------------------------------------


def _coefficients(params: StudyParameters) -> Coefficients:
    if params.coefficients_csv is None:
        return default_coefficients()
    try:
        return parse_coefficients(params.coefficients_csv.lstrip("\ufeff"))
    except OpportunityInputError as error:
        raise OpportunityInputError(error.code, parameter="coefficients_csv", **error.params) from error


def _reader(text: str, parameter: str, required: Sequence[str]) -> csv.DictReader[str]:
    """Open a small CSV table (``,`` or ``;``), its header names stripped and lower-cased; check ``required``."""
    body = text.lstrip("\ufeff")
    first = body.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(body), delimiter=delimiter)
    reader.fieldnames = [name.strip().lower() for name in (reader.fieldnames or [])]
    for column in required:
        if column not in reader.fieldnames:
            raise OpportunityInputError("csv_missing_column", parameter=parameter, column=column)
    return reader


def _cell_number(row: Mapping[str, str | None], column: str, line: int, parameter: str, *, positive: bool) -> float:
    text = (row.get(column) or "").strip()
    try:
        value = float(text.replace(",", ".").replace(" ", ""))
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        reason = f"{text!r} is not a number {'> 0' if positive else '>= 0'}"
        raise OpportunityInputError("csv_bad_value", parameter=parameter, line=line, column=column, reason=reason)
    return value


@dataclass(frozen=True)
class _Production:
    """Rows of a production table: line, HS code (digits), year and value in ``currency``."""

    lines: tuple[int, ...]
    codes: tuple[str, ...]
    years: tuple[int, ...]
    values: tuple[float, ...]
    currency: str


def _production(params: StudyParameters) -> _Production | None:
    """Parse ``production_csv``: columns ``product, year`` and one of ``production_usd``, ``production_mad``."""
    if params.production_csv is None:
        return None
    name = "production_csv"
    reader = _reader(params.production_csv, name, ("product", "year"))
    columns = [c for c in ("production_usd", "production_mad") if c in (reader.fieldnames or [])]
    if len(columns) != 1:
        raise OpportunityInputError("csv_missing_column", parameter=name, column="production_usd or production_mad")
    value_column = columns[0]
    lines: list[int] = []
    codes: list[str] = []
    years: list[int] = []
    values: list[float] = []
    first_line: dict[tuple[str, int], int] = {}
    for line, row in enumerate(reader, start=2):
        raw_code = (row.get("product") or "").strip()
        code = "".join(ch for ch in raw_code if ch not in " ._-")
        if not code.isdigit() or not 2 <= len(code) <= 6:
            reason = f"{raw_code!r} is not an HS code of 2 to 6 digits"
            raise OpportunityInputError("csv_bad_value", parameter=name, line=line, column="product", reason=reason)
        year_text = (row.get("year") or "").strip()
        if not year_text.isdigit() or not YEAR_RANGE[0] <= int(year_text) <= YEAR_RANGE[1]:
            reason = f"{year_text!r} is not a year"
            raise OpportunityInputError("csv_bad_value", parameter=name, line=line, column="year", reason=reason)
        if not (row.get(value_column) or "").strip():
            continue  # unknown production: no value, not a zero
        value = _cell_number(row, value_column, line, name, positive=False)
        key = (code, int(year_text))
        if key in first_line:
            what = f"product {code} in {year_text} (first on line {first_line[key]})"
            raise OpportunityInputError("csv_duplicate_row", parameter=name, line=line, what=what)
        first_line[key] = line
        lines.append(line)
        codes.append(code)
        years.append(int(year_text))
        values.append(value)
    if not lines:
        raise OpportunityInputError("csv_no_rows", parameter=name)
    return _Production(tuple(lines), tuple(codes), tuple(years), tuple(values), value_column[-3:].upper())


def _population(params: StudyParameters) -> dict[str, float] | None:
    """Parse ``population_csv``: columns ``country`` (ISO3) and ``population`` (> 0), one row per country."""
    if params.population_csv is None:
        return None
    name = "population_csv"
    reader = _reader(params.population_csv, name, ("country", "population"))
    population: dict[str, float] = {}
    first_line: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        country = (row.get("country") or "").strip().upper()
        if not country:
            raise OpportunityInputError("csv_bad_value", parameter=name, line=line, column="country", reason="empty")
        if country in first_line:
            what = f"country {country} (first on line {first_line[country]})"
            raise OpportunityInputError("csv_duplicate_row", parameter=name, line=line, what=what)
        first_line[country] = line
        population[country] = _cell_number(row, "population", line, name, positive=True)
    if not population:
        raise OpportunityInputError("csv_no_rows", parameter=name)
    return population


# -- the result ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of the study's table: its row key, how to show it, and one English sentence with its formula."""

    key: str
    kind: str  # "text" | "usd" | "mad" | "number" | "share" | "growth" | "flag" | "rank" | "jobs"
    description: str


_BASE_COLUMNS = (
    Column("rank", "rank", "Rank by score, 1 = best; products without a score come after every scored product."),
    Column("product", "text", "HS code at the study's level (the first `level` digits of the traded codes)."),
    Column("name", "text", "English name of the HS code."),
    Column("score", "number", "Composite score Σ_k w_k z_k of the standardised indicators (weights in the study)."),
    Column("candidate", "flag", "In the scored scope: not exported with M = 1 and with a known density (Atlas)."),
    Column("feasibility", "number", "Feasibility, the country's density ω in the product space (0 to 1)."),
    Column("potential_usd", "usd", "Potential output: imports of the last year plus untapped export potential."),
    Column("market_usd", "usd", "World market: world exports of the product in the last year, Σ_c X_cp."),
    Column("exports_usd", "usd", "Exports of the country in the last year, summed over importers."),
    Column("imports_usd", "usd", "Imports of the country in the last year, summed over exporters."),
    Column("import_growth", "growth", "Yearly growth of the imports over the study's years: PPML trend exp(b) - 1."),
    Column("import_trend", "text", "Status of that trend: ok, single_year, no_data, appeared or ceased."),
    Column("rca", "number", "Revealed comparative advantage (X_cp / X_c) / (X_p / X) in the last year (Balassa)."),
    Column("present", "flag", "Presence M_cp: RCA (or RPOP) at least the threshold in the last year."),
    Column("density", "number", "Density ω_cp = Σ_p' M_cp' φ_pp' / Σ_p' φ_pp' (Hidalgo et al. 2007)."),
    Column("distance", "number", "Distance 1 - ω_cp to the country's current capabilities."),
    Column("pci", "number", "Product complexity index (Hausmann et al. 2014) of the last year."),
    Column("cog", "number", "Complexity outlook gain: how much the product would open up more complex products."),
    Column("recycled_input", "text", "HS heading of the scrap the product can be made from, or empty."),
    Column(
        "import_substitution",
        "usd",
        "Import substitution score: imports projected over the horizon x density x (1 + bonus if made from scrap).",
    ),
    Column("export_potential_usd", "usd", "Export potential Σ_j supply x demand x ease over the markets (ITC-style)."),
    Column("untapped_usd", "usd", "Untapped export potential Σ_j max(potential_j - actual exports_j, 0)."),
    Column("jobs", "jobs", "Jobs that the potential output would bring: output (MAD) / 10^6 x jobs per million MAD."),
    Column("value_added_mad", "mad", "Value added that the potential output would bring: output (MAD) x VA ratio."),
    Column(
        "coefficient_status", "text", "Status of the coefficients row used: derived, placeholder or no_coefficient."
    ),
)
_RPOP_COLUMN = Column("rpop", "number", "Exports per head relative to the world (X_cp / pop_c) / (X_p / Σ pop).")
_DOMESTIC_COLUMNS = (
    Column("consumption_usd", "usd", "Apparent consumption P + M - X of the last year with production known."),
    Column("domestic_growth", "growth", "Yearly growth of the apparent consumption: PPML trend exp(b) - 1."),
    Column("domestic_status", "text", "Status of the domestic market: ok, production_unknown, negative_consumption..."),
)


def _json_safe(value: object) -> object:
    """Return ``value`` with numpy scalars as Python numbers, tuples as lists and NaN or ±inf as None."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, np.str_):
        return str(value)
    return value


@dataclass(frozen=True)
class StudyResult:
    """A finished study: its parameters, the table (columns and rows in rank order), a summary and notes.

    Every value in ``rows`` and ``summary`` is JSON-safe: unknown numbers are None, never NaN.
    """

    parameters: StudyParameters
    columns: tuple[Column, ...]
    rows: tuple[dict[str, object], ...]
    summary: dict[str, object]
    weights: dict[str, float]
    notes: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        """Return the result as plain JSON data (``json.dumps`` works on it; no NaN)."""
        return cast(
            dict[str, object],
            _json_safe(
                {
                    "version": RESULT_VERSION,
                    "parameters": asdict(self.parameters),
                    "columns": [asdict(c) for c in self.columns],
                    "rows": list(self.rows),
                    "summary": self.summary,
                    "weights": self.weights,
                    "notes": list(self.notes),
                }
            ),
        )

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StudyResult:
        """Return the result :meth:`to_json` wrote; ``ValueError`` if ``data`` is not one."""
        if data.get("version") != RESULT_VERSION:
            raise ValueError(f"not a study result of version {RESULT_VERSION}")
        raw = dict(data["parameters"])
        raw["years"] = tuple(int(y) for y in raw["years"])
        known = {f.name for f in fields(StudyParameters)}
        return cls(
            parameters=StudyParameters(**{k: v for k, v in raw.items() if k in known}),
            columns=tuple(Column(str(c["key"]), str(c["kind"]), str(c["description"])) for c in data["columns"]),
            rows=tuple(dict(row) for row in data["rows"]),
            summary=dict(data["summary"]),
            weights={str(k): float(v) for k, v in data["weights"].items()},
            notes=tuple(str(n) for n in data["notes"]),
        )


# -- running a study ----------------------------------------------------------------------------------------------


@cache
def shipped_geodist() -> GeoDist:
    """Return CEPII GeoDist as shipped with Ecosys (``analytics/trade/data/dist_cepii.csv.gz``)."""
    return read_geodist(Path(str(resources.files("ecosys.analytics.trade").joinpath(SHIPPED_GEODIST))))


def _align(values: np.ndarray, labels: Sequence[str], wanted: Sequence[str], axis: int) -> FloatArray:
    """Return ``values`` with its ``axis`` reordered from ``labels`` to ``wanted`` (zeros where a label is absent)."""
    position = {label: i for i, label in enumerate(labels)}
    source = np.array([position.get(w, -1) for w in wanted], dtype=np.intp)
    found = source >= 0
    shape = list(values.shape)
    shape[axis] = len(wanted)
    out = np.zeros(shape)
    index_out: list[Any] = [slice(None)] * values.ndim
    index_in: list[Any] = [slice(None)] * values.ndim
    index_out[axis], index_in[axis] = np.flatnonzero(found), source[found]
    out[tuple(index_out)] = values[tuple(index_in)]
    return out


def _check_dataset(dataset: Path, params: StudyParameters) -> dict[int, int]:
    """Refuse a year without flows or a level finer than the codes; return the flows of each year asked."""
    held = flows_by_year(dataset)
    for year in params.years:
        if held.get(year, 0) == 0:
            available = ", ".join(str(y) for y in held) or "none"
            raise TradeDatasetError("year_not_in_dataset", f"years: {year} (the dataset holds: {available})")
    shortest = shortest_product_code(dataset, params.years)
    if shortest is not None and shortest < params.level:
        raise TradeDatasetError(
            "level_finer_than_data", f"level: {params.level} digits asked, the products have {shortest}"
        )
    return {year: held[year] for year in params.years}


def _production_table(
    production: _Production, params: StudyParameters, products: Sequence[str], notes: list[str]
) -> FloatArray:
    """Return production in USD, years x products (NaN where not given), summed into each ``level``-digit code."""
    rate = 1.0 if production.currency == "USD" else 1.0 / params.exchange_rate_mad_per_usd
    column = {p: i for i, p in enumerate(products)}
    row = {y: i for i, y in enumerate(params.years)}
    table = np.full((len(params.years), len(products)), np.nan)
    lengths: dict[tuple[str, int], int] = {}
    left_out = 0
    for line, code, year, value in zip(
        production.lines, production.codes, production.years, production.values, strict=True
    ):
        if len(code) < params.level:
            raise OpportunityInputError(
                "csv_code_too_short", parameter="production_csv", line=line, value=code, level=params.level
            )
        heading = code[: params.level]
        if heading not in column or year not in row:
            left_out += 1
            continue
        if lengths.setdefault((heading, year), len(code)) != len(code):
            what = f"product {heading} in {year} at two levels of detail"
            raise OpportunityInputError("csv_duplicate_row", parameter="production_csv", line=line, what=what)
        i, j = row[year], column[heading]
        table[i, j] = value * rate if np.isnan(table[i, j]) else table[i, j] + value * rate
    if left_out:
        notes.append(
            f"production_csv: {left_out} rows left out (year not studied or product not traded in the last year)."
        )
    return table


def _ranks(
    indicators: Mapping[str, FloatArray],
    weights: Mapping[str, float],
    products: NDArray[np.str_],
    scope: NDArray[np.bool_],
) -> tuple[FloatArray, NDArray[np.intp], NDArray[np.int64], dict[str, float], dict[str, FloatArray]]:
    """Return score, order, rank, normalised weights and contributions; products outside ``scope`` get NaN."""
    n = products.size
    score = np.full(n, np.nan)
    contributions: dict[str, FloatArray] = {}
    if not scope.any():
        raise OpportunityInputError("nothing_to_rank", parameter="scope", detail="no product in the scope")
    transformed = {
        name: np.log1p(np.where(values < 0, np.nan, values)) if name in LOGGED_INDICATORS else values
        for name, values in indicators.items()
    }
    scored = composite_scores({k: v[scope] for k, v in transformed.items()}, weights, products=products[scope])
    score[scope] = scored.score
    for name, part in scored.contributions.items():
        contributions[name] = np.full(n, np.nan)
        contributions[name][scope] = part
    if np.isnan(score).all():
        unknown = [k for k, w in weights.items() if w > 0 and np.isnan(transformed[k][scope]).all()]
        detail = "unknown everywhere: " + ", ".join(unknown) if unknown else "each product misses one indicator"
        raise OpportunityInputError("nothing_to_rank", parameter="weights", detail=detail)
    order, rank = rank_scores(score, products)
    return score, order, rank, dict(scored.weights), contributions


def _progress(callback: Callable[[int, str], None] | None, stage: str) -> None:
    if callback is not None:
        callback(_STAGE_START[stage], stage)


def run_study(
    dataset: Path,
    params: StudyParameters,
    *,
    geodist: GeoDist | None = None,
    product_names: Mapping[str, str] | None = None,
    progress: Callable[[int, str], None] | None = None,
) -> StudyResult:
    """Run an opportunity study of ``params.country`` on ``dataset`` (stages and formulas in the module docstring).

    ``geodist`` defaults to the shipped CEPII GeoDist; ``product_names`` (HS code -> name) to the
    dataset's ``products`` table, else the shipped HS 2012 names. ``progress(percent, stage)`` is
    called as each stage of :data:`STAGES` starts, and with 100 at the end. Raises
    ``TradeDatasetError`` for a year without data or a level finer than the data, and
    ``OpportunityInputError`` (naming the parameter) for a country absent from the data or without
    exports in the last year, and for tables or weights that do not parse.
    """
    notes: list[str] = []
    weights_asked = _weights(params)
    coefficients = _coefficients(params)
    production = _production(params)
    population = _population(params)
    years, last, country = params.years, params.years[-1], params.country

    _progress(progress, "exports")
    flows = _check_dataset(dataset, params)
    world = exports_matrix(dataset, last, params.level)
    products = np.array(world.columns, dtype=str)
    if country not in world.rows or world.values[world.rows.index(country)].sum() <= 0:
        as_exporter, as_importer = country_roles(dataset, country, years)
        if as_exporter == 0 and as_importer == 0:
            raise OpportunityInputError("unknown_country", parameter="country", country=country)
        raise OpportunityInputError("no_exports_in_year", parameter="country", country=country, year=last)
    row_of_country = world.rows.index(country)
    exports_last = world.values[row_of_country]

    _progress(progress, "complexity")
    presence = params.presence
    pop = None
    if presence != "rca" and population is None:
        notes.append(f"population not given: presence {presence} replaced by rca.")
        presence = "rca"
    if presence != "rca" and population is not None:
        pop = align_to_labels(np.array(world.rows), np.array(list(population)), np.array(list(population.values())))
        missing = [c for c, p in zip(world.rows, pop, strict=True) if np.isnan(p)]
        if missing:
            notes.append(f"population unknown for {len(missing)} exporters ({', '.join(missing[:10])}...): RPOP NaN.")
    try:
        with np.errstate(invalid="ignore", divide="ignore"):  # a degenerate network gives NaN (e.g. COI), said as None
            cx = complexity_all(
                world.values,
                countries=np.array(world.rows),
                products=products,
                population=pop,
                presence=cast(Presence, presence),
                rca_threshold=params.mcp_threshold,
                rpop_threshold=params.mcp_threshold,
                method=cast(Method, params.method),
            )
    except ValueError as error:
        raise OpportunityInputError("complexity_undefined", parameter="years", reason=str(error)) from error
    feasibility = feasibility_for_country(cx, country)

    _progress(progress, "imports")
    cube = imports_by_market(dataset, years, params.level)
    bilateral = bool(cube.rows) and bool(cube.values.any())
    market_imports = _align(cube.values, cube.columns, world.columns, axis=2)
    empty = [year for year, layer in zip(years, market_imports, strict=True) if not layer.any()]
    if bilateral and empty:  # a year of exports to the world only: its imports are unknown, not zero
        market_imports[[years.index(y) for y in empty]] = np.nan
        notes.append(f"no bilateral flows in {', '.join(map(str, empty))}: imports of those years are unknown.")
    if bilateral:
        own = cube.rows.index(country) if country in cube.rows else -1
        imports = market_imports[:, own, :] if own >= 0 else np.zeros((len(years), products.size))
        substitution = import_substitution(
            imports,
            feasibility.density,
            feasibility.distance,
            years=years,
            products=products,
            recycled_bonus=params.recycled_bonus,
            horizon=params.horizon,
            max_growth=params.max_growth,
        )
        imports_last, import_growth, import_trend = (
            substitution.current_imports,
            substitution.growth,
            substitution.growth_status,
        )
        substitution_score, recycled = substitution.score, substitution.recycled_input
        traded_before = len(set(cube.columns) - set(world.columns))
        if traded_before:
            notes.append(f"{traded_before} products imported in earlier years but not traded in {last} are left out.")
    else:
        notes.append("the dataset has no bilateral flows (importers): imports and export potential are unknown.")
        imports = np.full((len(years), products.size), np.nan)
        imports_last = import_growth = substitution_score = np.full(products.size, np.nan)
        import_trend = np.full(products.size, "no_data")
        recycled = np.array([recycled_input_of(p) for p in products], dtype=str)
    if len(years) == 1:
        notes.append("one year only: growth rates are unknown and imports are projected flat.")
    domestic = None
    if production is not None:
        own_exports = exports_by_product(dataset, country, years, params.level)
        exports_by_year = _align(own_exports.values, own_exports.columns, world.columns, axis=1)
        exports_by_year = _align(exports_by_year.T, own_exports.rows, [str(y) for y in years], axis=1).T
        domestic = domestic_market_growth(
            _production_table(production, params, world.columns, notes),
            imports,
            exports_by_year,
            years=years,
            products=products,
        )

    _progress(progress, "export_potential")
    geo = shipped_geodist() if geodist is None else geodist
    potential = untapped = np.full(products.size, np.nan)
    markets_left_out: tuple[str, ...] = ()
    if bilateral and geo.index(country) < 0:
        notes.append(f"{country} is not in CEPII GeoDist: export potential is unknown.")
    elif bilateral:
        actual = exports_by_market(dataset, country, last, params.level)
        actual_values = _align(actual.values, actual.columns, world.columns, axis=1)
        actual_values = _align(actual_values, actual.rows, cube.rows, axis=0)
        try:
            epi = export_potential(
                world.values,
                countries=world.rows,
                country=country,
                market_imports_by_year=market_imports,
                years=years,
                markets=cube.rows,
                ease=bilateral_ease(geo, country, cube.rows),
                products=products,
                actual_exports=actual_values,
                horizon=params.horizon,
                max_growth=params.max_growth,
            )
        except OpportunityInputError as error:
            if error.code != "no_market_imports":
                raise
            notes.append("no market with a known distance imports anything: export potential is unknown.")
        else:
            potential, untapped, markets_left_out = (
                epi.potential_by_product,
                epi.untapped_by_product,
                epi.markets_left_out,
            )
            if markets_left_out:
                listed = ", ".join(markets_left_out[:10]) + ("..." if len(markets_left_out) > 10 else "")
                notes.append(
                    f"{len(markets_left_out)} markets not in CEPII GeoDist are left out of export potential: {listed}."
                )

    _progress(progress, "jobs")
    if np.isnan(untapped).all() and bilateral:
        notes.append("potential output is the imports alone (export potential unknown).")
    output_usd = imports_last + np.where(np.isnan(untapped), 0.0, untapped)
    jobs = job_potential(output_usd * params.exchange_rate_mad_per_usd, products=products, coefficients=coefficients)
    placeholder = int(np.sum(jobs.coefficient_status == "placeholder"))
    if placeholder:
        notes.append(f"jobs and value added of {placeholder} products use placeholder coefficients: edit the table.")
    market = world.values.sum(axis=0)

    _progress(progress, "scores")
    indicators: dict[str, FloatArray] = {
        "density": feasibility.density,
        "distance": feasibility.distance,
        "pci": feasibility.pci,
        "cog": feasibility.cog,
        "import_growth": import_growth,
        "imports_usd": imports_last,
        "import_substitution": substitution_score,
        "export_potential_usd": potential,
        "untapped_usd": untapped,
        "market_usd": market,
        "jobs": jobs.jobs,
        "value_added_mad": jobs.value_added_mad,
    }
    if domestic is not None:
        indicators["domestic_growth"] = domestic.growth
    scope = feasibility.candidates if params.scope == "candidates" else np.ones(products.size, dtype=bool)
    score, order, rank, weights, contributions = _ranks(indicators, weights_asked, products, scope)

    names = _names(dataset, product_names, notes)
    columns = _columns(cx, domestic is not None, contributions)
    values: dict[str, Sequence[object] | np.ndarray] = {
        "rank": rank,
        "product": products,
        "name": [names.get(p, "") for p in products],
        "score": score,
        "candidate": scope,
        "feasibility": feasibility.density,
        "potential_usd": output_usd,
        "market_usd": market,
        "exports_usd": exports_last,
        "imports_usd": imports_last,
        "import_growth": import_growth,
        "import_trend": import_trend,
        "rca": feasibility.rca,
        "present": feasibility.exported,
        "density": feasibility.density,
        "distance": feasibility.distance,
        "pci": feasibility.pci,
        "cog": feasibility.cog,
        "recycled_input": recycled,
        "import_substitution": substitution_score,
        "export_potential_usd": potential,
        "untapped_usd": untapped,
        "jobs": jobs.jobs,
        "value_added_mad": jobs.value_added_mad,
        "coefficient_status": jobs.coefficient_status,
    }
    if cx.rpop is not None:
        values["rpop"] = cx.rpop[row_of_country]
    if domestic is not None:
        values |= {
            "consumption_usd": domestic.latest_consumption,
            "domestic_growth": domestic.growth,
            "domestic_status": domestic.status,
        }
    values |= {f"contribution_{name}": part for name, part in contributions.items()}
    keys = [c.key for c in columns]
    rows = tuple(cast(dict[str, object], _json_safe({k: values[k][i] for k in keys})) for i in order.tolist())

    summary = _summary(dataset, params, cx, feasibility, row_of_country, flows, presence)
    summary |= {
        "exports_usd": float(exports_last.sum()),
        "imports_usd": float(np.nansum(imports_last)) if bilateral else None,
        "world_trade_usd": float(market.sum()),
        "markets": len(cube.rows),
        "markets_left_out": list(markets_left_out),
        "scored": int(np.sum(~np.isnan(score))),
        "candidates": int(feasibility.candidates.sum()),
        "coefficients": "shipped" if params.coefficients_csv is None else "custom",
        "placeholder_coefficients": placeholder,
    }
    if progress is not None:
        progress(100, "scores")
    return StudyResult(
        parameters=params,
        columns=columns,
        rows=rows,
        summary=cast(dict[str, object], _json_safe(summary)),
        weights=weights,
        notes=tuple(notes),
    )


def _names(dataset: Path, given: Mapping[str, str] | None, notes: list[str]) -> Mapping[str, str]:
    if given is not None:
        return given
    in_dataset = product_names_in_dataset(dataset)
    if in_dataset:
        return in_dataset
    notes.append("product names are those of HS 2012 (the dataset has no product table).")
    return hs_codes()


def _columns(cx: Complexity, domestic: bool, contributions: Mapping[str, FloatArray]) -> tuple[Column, ...]:
    columns = list(_BASE_COLUMNS)
    if cx.rpop is not None:
        columns.insert([c.key for c in columns].index("present"), _RPOP_COLUMN)
    if domestic:
        columns.extend(_DOMESTIC_COLUMNS)
    for name in contributions:
        how = INDICATORS[name]
        columns.append(Column(f"contribution_{name}", "number", f"Part of the score from {name}: w · z({how})."))
    return tuple(columns)


def _summary(
    dataset: Path,
    params: StudyParameters,
    cx: Complexity,
    feasibility: Feasibility,
    row: int,
    flows: Mapping[int, int],
    presence: str,
) -> dict[str, object]:
    """The country's position (ECI and its rank among the countries with one, diversity) and what was used."""
    eci = float(cx.eci[row])
    ranked = cx.eci[~np.isnan(cx.eci)]
    names = {c.iso3: c.name for c in shipped_country_codes().values()}
    return {
        "country": params.country,
        "country_name": names.get(params.country, ""),
        "year": params.years[-1],
        "years": list(params.years),
        "level": params.level,
        "classification": read_manifest(dataset).classification,
        "presence": presence,
        "method": params.method,
        "strategy": params.strategy,
        "scope": params.scope,
        "eci": eci,
        "eci_rank": int(np.sum(ranked > eci)) + 1 if math.isfinite(eci) else None,
        "countries_ranked": int(ranked.size),
        "coi": float(cx.coi[row]),
        "diversity": float(cx.diversity[row]),
        "products": int(feasibility.products.size),
        "products_present": int(feasibility.exported.sum()),
        "countries": int(cx.countries.size),
        "dataset_rows": int(sum(flows.values())),
        "rows_by_year": {str(y): n for y, n in flows.items()},
        "exchange_rate_mad_per_usd": params.exchange_rate_mad_per_usd,
    }
