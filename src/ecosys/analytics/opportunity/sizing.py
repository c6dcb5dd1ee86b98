"""Size a contract: turnover, jobs, value added and trade balance under a capture scenario.

**Inputs.** A table of opportunities, one row per product or activity ``p``, with the potential of
each of the mission's three levers (FIMME's IMM contracts name them: growth of domestic markets,
substitution of imports, growth of export demand) and the coefficients that turn output into jobs,
value added and imported inputs:

* ``import_market`` ``M_p`` (the imports that local output could replace), ``export_potential``
  ``E_p`` (the additional exports within reach) and, optionally, ``domestic_growth`` ``G_p`` (the
  growth of the domestic market served by local output), in MAD, or in USD converted at
  ``r`` MAD per USD (``CaptureScenario.mad_per_usd``);
* ``jobs_per_million_mad`` ``J_p``, ``value_added_ratio`` ``v_p`` and ``imported_input_share``
  ``μ_p``, all per MAD of output (see :mod:`.job_potential` for the shipped ``J`` and ``v``).

A :class:`CaptureScenario` says which share ``s_ℓ(t)`` of each lever's potential is captured by each
year ``t`` (cumulative: 0.25 in 2020 means a quarter of the potential is reached in 2020).

**Formulas**, for row ``p`` and year ``t`` (MAD; ``r = 1`` for a table in MAD):

* import substitution ``I_p(t) = s_I(t) · r M_p``; exports ``X_p(t) = s_X(t) · r E_p``;
  domestic growth ``D_p(t) = s_D(t) · r G_p``;
* turnover (output) ``Y_p(t) = I_p(t) + X_p(t) + D_p(t)``;
* jobs ``Y_p(t) / 10^6 · J_p``; value added ``v_p · Y_p(t)``; imported inputs ``N_p(t) = μ_p · Y_p(t)``;
* trade balance improvement ``T_p(t) = I_p(t) + X_p(t) - N_p(t)``, and beside it the gross
  ``I_p(t) + X_p(t)`` ("additional exports plus substituted imports", the IMM contracts' own
  definition, which does not deduct the inputs).

Imported inputs are counted on all the output, domestic growth included: serving a growing domestic
market locally still imports its inputs. If that demand would otherwise have been imported, put it in
``import_market`` instead. The figures are additional to the baseline, by year; the totals sum the
rows, and the horizon is the last year. Every figure is a flow in the year (the contracts' targets,
"by 2020", are too).

:func:`imm_reference_scenario` is the scenario a study of Morocco's IMM markets could use to
reproduce the order of magnitude of the 2020 targets, each assumption with its source.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ecosys.analytics.opportunity.errors import FloatArray, OpportunityInputError, as_array
from ecosys.analytics.opportunity.job_potential import default_coefficients

LEVERS = ("import_substitution", "exports", "domestic_growth")
LEVER_COLUMNS = {
    "import_substitution": "import_market",
    "exports": "export_potential",
    "domestic_growth": "domestic_growth",
}
LEVER_NAMES = {"import_substitution": "import substitution", "exports": "exports", "domestic_growth": "domestic growth"}
REQUIRED_COLUMNS = (
    "label",
    "import_market",
    "export_potential",
    "jobs_per_million_mad",
    "value_added_ratio",
    "imported_input_share",
)
OPTIONAL_COLUMNS = ("domestic_growth",)
QUANTITIES = (
    "import_substitution_mad",
    "exports_mad",
    "domestic_growth_mad",
    "turnover_mad",
    "jobs",
    "value_added_mad",
    "imported_inputs_mad",
    "trade_balance_mad",
    "exports_plus_substitution_mad",
)


class Assumption(NamedTuple):
    """One assumption as a page prints it: name, value, unit, and its source or explanation."""

    name: str
    value: float | str
    unit: str
    source: str


def _shares(lever: str, given: Mapping[int, float]) -> dict[int, float]:
    parameter = f"capture[{lever!r}]"
    if not given:
        raise OpportunityInputError("no_years", parameter=parameter)
    shares: dict[int, float] = {}
    previous: int | None = None
    for year, share in given.items():
        if isinstance(year, bool) or not isinstance(year, int | np.integer):
            raise OpportunityInputError("not_a_year", parameter=parameter, value=year)
        if previous is not None and year <= previous:
            raise OpportunityInputError("years_not_increasing", parameter=parameter, year=year, previous=previous)
        try:
            value = float(share)
        except (TypeError, ValueError):
            value = math.nan
        if not 0.0 <= value <= 1.0:
            raise OpportunityInputError("not_in_range", parameter=f"{parameter}[{year}]", low=0, high=1, value=share)
        shares[int(year)] = value
        previous = int(year)
    return shares


@dataclass(frozen=True)
class CaptureScenario:
    """The share of each lever's potential captured by each year, and the assumptions behind it.

    ``capture`` maps a lever of :data:`LEVERS` to ``{year: share}``, years increasing, shares in
    [0, 1]; every lever given has the same years, a lever left out captures nothing.
    ``mad_per_usd`` converts a table in USD. ``sources`` explains each lever's shares and the rate
    (keys: the lever names and ``"mad_per_usd"``); ``assumptions`` are any others, printed as given.
    """

    capture: Mapping[str, Mapping[int, float]]
    mad_per_usd: float | None = None
    sources: Mapping[str, str] = field(default_factory=dict)
    assumptions: tuple[Assumption, ...] = ()
    name: str = ""

    def __post_init__(self) -> None:
        if not self.capture:
            raise OpportunityInputError("no_years", parameter="capture")
        capture: dict[str, dict[int, float]] = {}
        for lever, given in self.capture.items():
            if lever not in LEVERS:
                raise OpportunityInputError("unknown_lever", parameter="capture", name=lever, known=", ".join(LEVERS))
            capture[lever] = _shares(lever, given)
        first = next(iter(capture))
        for lever, shares in capture.items():
            if list(shares) != list(capture[first]):
                raise OpportunityInputError(
                    "levers_years_differ",
                    parameter=f"capture[{lever!r}]",
                    found=list(shares),
                    expected=list(capture[first]),
                    reference=first,
                )
        if self.mad_per_usd is not None:
            rate = float(self.mad_per_usd)
            if not (math.isfinite(rate) and rate > 0):
                raise OpportunityInputError("not_positive", parameter="mad_per_usd", value=self.mad_per_usd)
        object.__setattr__(self, "capture", capture)
        object.__setattr__(self, "assumptions", tuple(Assumption(*a) for a in self.assumptions))

    @property
    def years(self) -> tuple[int, ...]:
        """The scenario's years, increasing."""
        return tuple(next(iter(self.capture.values())))

    def shares(self, lever: str) -> FloatArray:
        """Return ``s_ℓ(t)`` for each year (zeros for a lever the scenario leaves out)."""
        if lever not in LEVERS:
            raise OpportunityInputError("unknown_lever", parameter="lever", name=lever, known=", ".join(LEVERS))
        given = self.capture.get(lever)
        return np.array([given[y] for y in self.years]) if given else np.zeros(len(self.years))

    def assumption(self, name: str) -> Assumption:
        """Return the assumption called ``name``, or raise naming it."""
        for item in self.assumptions:
            if item.name == name:
                return item
        known = ", ".join(a.name for a in self.assumptions)
        raise OpportunityInputError("unknown_column", parameter="name", name=name, table="the assumptions", known=known)


@dataclass(frozen=True, slots=True)
class Sizing:
    """Totals per year (aligned with ``years``) of each quantity of :data:`QUANTITIES`, the horizon, the detail.

    ``by_row[q]`` is years x rows (aligned with ``labels``); ``at_horizon[q]`` the total in the last
    year; ``assumptions`` every assumption, as a page prints it. Money in MAD.
    """

    years: NDArray[np.int64]
    labels: NDArray[np.str_]
    horizon_year: int
    import_substitution_mad: FloatArray
    exports_mad: FloatArray
    domestic_growth_mad: FloatArray
    turnover_mad: FloatArray
    jobs: FloatArray
    value_added_mad: FloatArray
    imported_inputs_mad: FloatArray
    trade_balance_mad: FloatArray
    exports_plus_substitution_mad: FloatArray
    by_row: Mapping[str, FloatArray]
    at_horizon: Mapping[str, float]
    assumptions: tuple[Assumption, ...]


def _column(table: Mapping[str, ArrayLike], name: str, labels: NDArray[np.str_], high: float) -> FloatArray:
    """Return the column as floats, refusing a wrong length, a non-finite value or one outside [0, high]."""
    parameter = f"table[{name!r}]"
    values = as_array(table[name], parameter=parameter, ndim=1)
    if values.size != labels.size:
        raise OpportunityInputError(
            "wrong_length", parameter=parameter, found=values.size, axis="rows", expected=labels.size, reference="label"
        )
    bad = ~np.isfinite(values) | (values < 0) | (values > high)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        bound = "a finite number >= 0" if math.isinf(high) else f"between 0 and {high:g}"
        reason = f"must be {bound}; found {values[row]}"
        raise OpportunityInputError(
            "row_value", parameter=parameter, row=row + 1, label=str(labels[row]), reason=reason
        )
    return values


def _percentages(years: tuple[int, ...], shares: FloatArray) -> str:
    return "; ".join(f"{year}: {share:.1%}" for year, share in zip(years, shares, strict=True))


def _range(values: FloatArray) -> float | str:
    low, high = float(values.min()), float(values.max())
    return low if low == high else f"{low:g} to {high:g} (by row)"


def size_contract(table: Mapping[str, ArrayLike], scenario: CaptureScenario, *, currency: str = "MAD") -> Sizing:
    """Return turnover, jobs, value added and trade balance by year and at the horizon (module docstring).

    ``table`` maps the column names (:data:`REQUIRED_COLUMNS`, and ``domestic_growth`` if wanted) to
    one value per row; the money columns are in ``currency`` (``"MAD"``, or ``"USD"`` converted at
    ``scenario.mad_per_usd``). Refused, with a message naming the column and row: a missing or
    unknown column, a repeated or missing label, a value that is negative or not finite, a ratio
    outside [0, 1], and a row whose value added and imported inputs exceed its output.
    """
    if currency not in ("MAD", "USD"):
        raise OpportunityInputError("bad_currency", parameter="currency", value=currency)
    if currency == "USD" and scenario.mad_per_usd is None:
        raise OpportunityInputError("needs_rate", parameter="scenario.mad_per_usd")
    for name in REQUIRED_COLUMNS:
        if name not in table:
            raise OpportunityInputError("csv_missing_column", parameter="table", column=name)
    known = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    for name in table:
        if name not in known:
            raise OpportunityInputError(
                "unknown_column", parameter="table", name=name, table="an opportunity table", known=", ".join(known)
            )
    labels = np.asarray(table["label"]).astype(str)
    if labels.ndim != 1:
        raise OpportunityInputError("not_an_array", parameter="table['label']", expected="1-d")
    if labels.size == 0:
        raise OpportunityInputError("csv_no_rows", parameter="table")
    unique, counts = np.unique(labels, return_counts=True)
    if (counts > 1).any():
        raise OpportunityInputError("duplicate_label", parameter="table['label']", value=str(unique[counts > 1][0]))

    rate = float(scenario.mad_per_usd) if currency == "USD" and scenario.mad_per_usd is not None else 1.0
    potential = {
        lever: (_column(table, column, labels, math.inf) * rate if column in table else np.zeros(labels.size))
        for lever, column in LEVER_COLUMNS.items()
    }
    jobs_rate = _column(table, "jobs_per_million_mad", labels, math.inf)
    va_ratio = _column(table, "value_added_ratio", labels, 1.0)
    input_share = _column(table, "imported_input_share", labels, 1.0)
    over = va_ratio + input_share > 1.0 + 1e-12
    if over.any():
        row = int(np.flatnonzero(over)[0])
        reason = (
            f"value_added_ratio + imported_input_share = {va_ratio[row] + input_share[row]:g} > 1"
            " (value added and imported inputs cannot exceed the output)"
        )
        raise OpportunityInputError(
            "row_value", parameter="table['imported_input_share']", row=row + 1, label=str(labels[row]), reason=reason
        )

    captured = {lever: np.outer(scenario.shares(lever), potential[lever]) for lever in LEVERS}
    turnover = captured["import_substitution"] + captured["exports"] + captured["domestic_growth"]
    inputs = turnover * input_share
    gross = captured["import_substitution"] + captured["exports"]
    by_row = {
        "import_substitution_mad": captured["import_substitution"],
        "exports_mad": captured["exports"],
        "domestic_growth_mad": captured["domestic_growth"],
        "turnover_mad": turnover,
        "jobs": turnover / 1e6 * jobs_rate,
        "value_added_mad": turnover * va_ratio,
        "imported_inputs_mad": inputs,
        "trade_balance_mad": gross - inputs,
        "exports_plus_substitution_mad": gross,
    }
    totals = {name: values.sum(axis=1) for name, values in by_row.items()}

    years = scenario.years
    assumptions: list[Assumption] = []
    for lever in LEVERS:
        column = LEVER_COLUMNS[lever]
        if lever not in scenario.capture:
            value: float | str = "0 (the scenario leaves this lever out)"
        elif column not in table:
            value = f"{_percentages(years, scenario.shares(lever))} (no {column} column: the potential is 0)"
        else:
            value = _percentages(years, scenario.shares(lever))
        source = scenario.sources.get(lever, "stated by the scenario, without a source")
        unit = f"cumulative share of the {column.replace('_', ' ')} captured by each year"
        assumptions.append(Assumption(f"capture share: {LEVER_NAMES[lever]}", value, unit, source))
    if scenario.mad_per_usd is not None:
        source = scenario.sources.get("mad_per_usd", "stated by the scenario, without a source")
        if currency == "MAD":
            source += " (the table was given in MAD, converted by its author)"
        assumptions.append(Assumption("exchange rate", float(scenario.mad_per_usd), "MAD per USD", source))
    assumptions += [
        Assumption("jobs per million MAD of output", _range(jobs_rate), "jobs / million MAD", "the opportunity table"),
        Assumption("value added per MAD of output", _range(va_ratio), "share of output", "the opportunity table"),
        Assumption(
            "imported inputs per MAD of output", _range(input_share), "share of output", "the opportunity table"
        ),
        Assumption(
            "imported inputs counted on",
            "all additional output",
            "",
            "domestic-growth output imports its inputs too; the trade balance is import substitution + exports"
            " - imported inputs, the gross figure (exports + substitution) is given beside it",
        ),
    ]
    assumptions += list(scenario.assumptions)
    return Sizing(
        years=np.array(years, dtype=np.int64),
        labels=labels,
        horizon_year=years[-1],
        import_substitution_mad=totals["import_substitution_mad"],
        exports_mad=totals["exports_mad"],
        domestic_growth_mad=totals["domestic_growth_mad"],
        turnover_mad=totals["turnover_mad"],
        jobs=totals["jobs"],
        value_added_mad=totals["value_added_mad"],
        imported_inputs_mad=totals["imported_inputs_mad"],
        trade_balance_mad=totals["trade_balance_mad"],
        exports_plus_substitution_mad=totals["exports_plus_substitution_mad"],
        by_row=by_row,
        at_horizon={name: float(values[-1]) for name, values in totals.items()},
        assumptions=tuple(assumptions),
    )


# -- the IMM reference ---------------------------------------------------------------------------------------------

IMM_BASELINE_TURNOVER_MAD = 42e9  # fimme.org (contexte), shared/data/imm/programme.yaml
IMM_BASELINE_EXPORTS_MAD = 2.2e9  # same source
IMM_DOMESTIC_GROWTH_RATE = 0.04  # WDI NY.GDP.MKTP.KD, Morocco, 2010-2015: (113.38 / 93.22)^(1/5) - 1 = 3.99 %
IMM_MAD_PER_USD = 9.7  # Bank Al-Maghrib, average 2017 rate, about 9.70
IMM_IMPORTED_INPUT_SHARE = 0.40  # Ecosys team assumption, see imm_reference_scenario


def imm_reference_scenario() -> CaptureScenario:
    """Return the scenario, with every assumption and its source, that sizes the IMM contracts' 2020 targets.

    The targets (2016-2017 contracts, FIMME): 13,340 jobs, +1.7 bn MAD value added, +2.3 bn MAD trade
    balance and +11 bn MAD turnover by 2020. The levers and their potentials, to be put in the table:

    * import substitution: a share of the import market (the tests use Morocco's imports of iron
      and steel, HS 72-73), 2 % more each year from 2016, 10 % by 2020;
    * exports: Morocco's 2017 exports of the IMM value chains' HS codes as the base, 5 % more each
      year, 25 % by 2020;
    * domestic growth: the sector's domestic sales (turnover 42 bn MAD less exports 2.2 bn MAD,
      FIMME) growing with Morocco's real GDP trend of 2010-2015 (4.0 % a year, World Bank WDI), so
      ``G = 39.8 bn · (1.04^5 - 1)`` by 2020, captured as it compounds:
      ``s_D(t) = (1.04^(t-2015) - 1) / (1.04^5 - 1)``.

    The import-substitution and export shares are round figures of the Ecosys team, not published
    and not fitted to the targets. The jobs and value-added coefficients of ``coefficients.csv`` are
    the targets' own ratios (13,340 / 11,000 and 1.7 / 11): a calibration, stated as such, so jobs
    and value added match their targets exactly when turnover does. The imported-input share (40 %)
    is an assumption without a Moroccan source. Each is an :class:`Assumption` of the result.
    """
    years = tuple(range(2016, 2021))
    g = IMM_DOMESTIC_GROWTH_RATE
    ramp = {year: ((1 + g) ** (year - 2015) - 1) / ((1 + g) ** 5 - 1) for year in years}
    domestic_sales = IMM_BASELINE_TURNOVER_MAD - IMM_BASELINE_EXPORTS_MAD
    table = default_coefficients()
    row = table.codes.index("72")
    calibration = (
        f"CALIBRATION: coefficients.csv ({table.status[row]}): {table.source[row]}. These are the targets' own"
        " ratios, so this figure matches its target exactly when turnover does; it tests turnover, not itself"
    )
    return CaptureScenario(
        name="IMM performance contracts, reference (Ecosys)",
        capture={
            "import_substitution": {year: 0.02 * (year - 2015) for year in years},
            "exports": {year: 0.05 * (year - 2015) for year in years},
            "domestic_growth": ramp,
        },
        mad_per_usd=IMM_MAD_PER_USD,
        sources={
            "import_substitution": "Ecosys team assumption: 2 % more of the import market each year from 2016"
            " (round figure, not published, not fitted to the targets)",
            "exports": "Ecosys team assumption: exports grow by 5 % of their 2017 level each year from 2016"
            " (round figure, not published, not fitted to the targets)",
            "domestic_growth": f"the domestic market grows at {g:.1%} a year (real GDP trend, see below) and the"
            " sector keeps its share of it: s(t) = (1.04^(t-2015) - 1) / (1.04^5 - 1)",
            "mad_per_usd": "Bank Al-Maghrib, average exchange rate of 2017 (about 9.70 MAD per USD)",
        },
        assumptions=(
            Assumption(
                "IMM domestic sales at baseline",
                domestic_sales,
                "MAD a year",
                "turnover 42 bn MAD less exports 2.2 bn MAD (fimme.org, contexte; year not stated, read as 2015)",
            ),
            Assumption(
                "domestic market growth",
                g,
                "a year, real",
                "Morocco's real GDP trend 2010-2015, World Bank WDI NY.GDP.MKTP.KD (shipped worldbank_gdp.csv.gz):"
                " (113.38 / 93.22)^(1/5) - 1 = 3.99 %, rounded; what a study in 2016 could see (2015-2018 was 2.7 %)",
            ),
            Assumption(
                "domestic growth potential by 2020",
                domestic_sales * ((1 + g) ** 5 - 1),
                "MAD a year",
                "domestic sales at baseline x (1.04^5 - 1)",
            ),
            Assumption(
                "jobs_per_million_mad", float(table.jobs_per_million_mad[row]), "jobs / million MAD", calibration
            ),
            Assumption("value_added_ratio", float(table.value_added_ratio[row]), "share of output", calibration),
            Assumption(
                "imported_input_share",
                IMM_IMPORTED_INPUT_SHARE,
                "share of output",
                "Ecosys team assumption, no Moroccan source: with value added at 15.5 % of output, about half of"
                " the other inputs (flat steel, alloys, components) imported; replace with the HCP input-output table",
            ),
        ),
    )
