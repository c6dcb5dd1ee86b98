"""Actual values of an indicator for any group of units and any period, following its measure kind.

Observations are rows ``(unit, month, value)``: the month is the atom (DESIGN.md §3); quarters,
years and "since baseline" are derived from it. ``groups`` maps each unit to the group it rolls up
to (company → ecosystem; map every unit to one label for the programme); without it each unit is
its own group. With ``x_u(m)`` the value of unit ``u`` in month ``m`` and ``P`` a period:

* **flow** (gross hires, turnover): ``F_g(P) = Σ_{u∈g} Σ_{m∈P} x_u(m)``.
* **stock** (headcount): ``S_g(P) = Σ_{u∈g} x_u(last_u(P))`` where ``last_u(P)`` is the unit's
  last observed month in ``P``. With ``carry_forward`` (the default) a unit silent in ``P`` keeps
  its last earlier value, i.e. ``last_u(P)`` is its last month at or before the end of ``P``; a
  closed unit must therefore declare a 0. Without it, a unit silent in ``P`` adds nothing to ``P``.
* **ratio** (export share, share of women): ``R_g(P) = N_g(P) / D_g(P)``, the numerator and the
  denominator each aggregated by its own kind, then divided cell by cell: never a sum or a mean of
  unit ratios. ``D_g(P) = 0`` gives NaN, flagged in ``zero_denominator``; never 0 nor ∞.
* **cumulative** since the baseline month ``t0``: one column per month ``t > t0``, the period
  being ``(t0, t]``. A flow gives ``Σ_{t0 < m <= t} x(m)`` (what comes after the agreement month, as
  gross hires in ``jobs.py``); a stock gives its level at ``t`` by the stock rule on ``(t0, t]``, so
  with ``carry_forward`` a value from before ``t0`` carries. Stock change is ``stock_change``.

Every cell is a sum over units (or a quotient of two such sums), so for flows and stocks a
programme equals the sum of its groups, and its ratio is total numerator over total denominator.
A cell that no observation reaches is NaN with ``observed`` False: no data is not zero. Repeated
``(unit, month)`` rows add up for a flow and are refused for a stock (which one would be "last"?).

Cost: flows are one ``np.bincount``; stocks sort rows by (unit, month) once and fill a dense
``units x periods`` matrix (forward-filled with ``np.maximum.accumulate``), summed per group with
``np.add.reduceat``: memory ``O(units · periods)``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

Kind = Literal["flow", "stock", "ratio"]
PartKind = Literal["flow", "stock"]
Granularity = Literal["month", "quarter", "year", "cumulative"]
Month = date | int
KINDS: tuple[Kind, ...] = ("flow", "stock", "ratio")
MONTHS_PER_PERIOD: dict[Granularity, int] = {"month": 1, "quarter": 3, "year": 12, "cumulative": 1}


class KpiError(ValueError):
    """Observations cannot be aggregated; ``code`` says why, ``detail`` names the row or unit."""

    def __init__(self, code: str, detail: object = None) -> None:
        super().__init__(code if detail is None else f"{code}: {detail}")
        self.code = code
        self.detail = detail


def month_index(month: Month) -> int:
    """Return ``12·year + month − 1`` for a ``date`` or an integer ``yyyymm``."""
    return int(_month_indices([month])[0])


def _month_indices(months: ArrayLike | Sequence[Month]) -> NDArray[np.int64]:
    arr = np.asarray(months)
    if arr.dtype.kind == "M":
        return arr.astype("datetime64[M]").astype(np.int64) + 1970 * 12
    if arr.dtype.kind == "O":
        arr = np.asarray([m.year * 100 + m.month if isinstance(m, date) else m for m in arr.tolist()])
    if arr.size and arr.dtype.kind not in "iu":
        raise KpiError("bad_month", "months must be dates or integers yyyymm")
    year, mon = np.divmod(arr.astype(np.int64), 100)
    bad = (mon < 1) | (mon > 12) | (year < 1)
    if bad.any():
        row = int(np.argmax(bad))
        raise KpiError("bad_month", f"row {row}: {arr[row]}")
    return year * 12 + mon - 1


def _period_keys(index: NDArray[np.int64], granularity: Granularity) -> NDArray[np.int64]:
    if granularity == "quarter":
        return (index // 4) * 10 + index % 4 + 1
    if granularity == "year":
        return index
    return (index // 12) * 100 + index % 12 + 1


def period_key(month: Month, granularity: Granularity) -> int:
    """Return the key of the period holding ``month``.

    ``yyyymm`` for a month (and for a cumulative column, which runs up to and including that
    month), ``10·yyyy + q`` for a quarter (20243 is 2024-Q3), ``yyyy`` for a year.
    """
    _check_granularity(granularity)
    index = np.asarray([month_index(month) // MONTHS_PER_PERIOD[granularity]], dtype=np.int64)
    return int(_period_keys(index, granularity)[0])


@dataclass(frozen=True)
class Observations:
    """One indicator's observations as columns, read once: ``units[unit[i]]`` is row ``i``'s unit.

    ``units`` are the sorted distinct labels, ``months`` month indices (``month_index``).
    """

    units: NDArray[np.generic]
    unit: NDArray[np.intp]
    months: NDArray[np.int64]
    values: NDArray[np.float64]

    @classmethod
    def from_columns(cls, units: ArrayLike, months: ArrayLike | Sequence[Month], values: ArrayLike) -> Observations:
        """Read columns: units of one type, months as dates, ``datetime64`` or ``yyyymm``, finite values."""
        u, v = np.asarray(units), np.asarray(values, dtype=np.float64)
        m = _month_indices(months)
        if not (u.ndim == m.ndim == v.ndim == 1 and u.size == m.size == v.size):
            raise KpiError("columns_of_different_lengths")
        if not np.isfinite(v).all():
            raise KpiError("non_finite_value", f"row {int(np.argmin(np.isfinite(v)))}")
        labels, codes = np.unique(u, return_inverse=True)
        return cls(labels, codes.astype(np.intp), m, v)

    @classmethod
    def from_rows(cls, rows: Iterable[Sequence[object]]) -> Observations:
        """Read rows ``(unit, month, value)``."""
        columns = list(zip(*rows, strict=True)) or [(), (), ()]
        if len(columns) != 3:
            raise KpiError("rows_need_unit_month_value")
        units, months, values = columns
        return cls.from_columns(list(units), list(months), np.asarray(values, dtype=np.float64))


@dataclass(frozen=True)
class Ratio:
    """A ratio indicator's two parts, each with its own measure kind."""

    numerator: Observations
    denominator: Observations
    numerator_kind: PartKind = "flow"
    denominator_kind: PartKind = "flow"


@dataclass(frozen=True)
class KpiTable:
    """``values[i, j]`` is the indicator for ``groups[i]`` in period ``periods[j]`` (see ``period_key``).

    ``observed`` is False where no observation reaches the cell (value NaN); ``zero_denominator``
    is True where a ratio is undefined because its denominator is 0 (value NaN).
    """

    groups: NDArray[np.generic]
    periods: NDArray[np.int64]
    values: NDArray[np.float64]
    observed: NDArray[np.bool_]
    zero_denominator: NDArray[np.bool_]

    def value(self, group: Hashable, period: int) -> float:
        """Return the value of one cell; ``KeyError`` if the group or the period is not in the table."""
        groups, periods = self.groups.tolist(), self.periods.tolist()
        if group not in groups or period not in periods:
            raise KeyError((group, period))
        return float(self.values[groups.index(group), periods.index(period)])

    def as_dict(self) -> dict[tuple[Hashable, int], float]:
        """Return the table as ``{(group, period): value}``, one entry per cell."""
        periods = self.periods.tolist()
        return {
            (g, p): float(v)
            for g, row in zip(self.groups.tolist(), self.values, strict=True)
            for p, v in zip(periods, row, strict=True)
        }


@dataclass(frozen=True)
class _Frame:
    """The cells every part of an indicator is computed on: group labels and period indices lo..hi."""

    granularity: Granularity
    groups: Mapping[Hashable, Hashable] | None
    labels: NDArray[np.generic]
    lo: int
    hi: int


def _check_granularity(granularity: str) -> None:
    if granularity not in MONTHS_PER_PERIOD:
        raise KpiError("unknown_granularity", granularity)


def _group_of_units(units: NDArray[np.generic], groups: Mapping[Hashable, Hashable] | None) -> NDArray[np.generic]:
    if groups is None:
        return units
    missing = [u for u in units.tolist() if u not in groups]
    if missing:
        raise KpiError("unit_without_group", missing[0])
    return np.asarray([groups[u] for u in units.tolist()])


def _frame(
    parts: Sequence[Observations],
    granularity: Granularity,
    groups: Mapping[Hashable, Hashable] | None,
    t0: int | None,
) -> _Frame:
    labels = np.unique(np.concatenate([_group_of_units(p.units, groups) for p in parts]))
    months = np.concatenate([p.months for p in parts])
    if months.size == 0:
        return _Frame(granularity, groups, labels, 0, -1)
    step = MONTHS_PER_PERIOD[granularity]
    lo = int(months.min()) // step if t0 is None else t0 + 1
    return _Frame(granularity, groups, labels, lo, int(months.max()) // step)


def _sum_rows_by_group(
    matrix: NDArray[np.float64], group_of_row: NDArray[np.intp], n_groups: int
) -> NDArray[np.float64]:
    order = np.argsort(group_of_row, kind="stable")
    ordered = group_of_row[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    out = np.zeros((n_groups, matrix.shape[1]))
    out[ordered[starts]] = np.add.reduceat(matrix[order], starts, axis=0)
    return out


def _stock_levels(
    unit: NDArray[np.intp], month: NDArray[np.int64], values: NDArray[np.float64], frame: _Frame, carry_forward: bool
) -> NDArray[np.float64]:
    """Return the ``units x periods`` matrix of each unit's stock by the stock rule (NaN: none)."""
    # One stable sort on a single integer key: linear when rows already come sorted by (unit, month).
    low = int(month.min())
    order = np.argsort(unit.astype(np.int64) * (int(month.max()) - low + 1) + (month - low), kind="stable")
    u, m, v = unit[order], month[order], values[order]
    repeated = np.flatnonzero((u[1:] == u[:-1]) & (m[1:] == m[:-1]))
    if repeated.size:
        raise KpiError("duplicate_unit_month", f"row {int(order[repeated[0] + 1])}")
    p = m // MONTHS_PER_PERIOD[frame.granularity]
    first = min(frame.lo, int(p.min())) if carry_forward else frame.lo
    keep = (p >= first) & (p <= frame.hi)
    u, p, v = u[keep], p[keep], v[keep]
    last = np.r_[(u[1:] != u[:-1]) | (p[1:] != p[:-1]), u.size > 0][: u.size]
    dense = np.full((int(unit.max()) + 1, frame.hi - first + 1), np.nan)
    dense[u[last], p[last] - first] = v[last]
    if carry_forward or frame.granularity == "cumulative":
        source = np.where(np.isnan(dense), 0, np.arange(dense.shape[1]))
        np.maximum.accumulate(source, axis=1, out=source)
        dense = np.take_along_axis(dense, source, axis=1)
    return dense[:, frame.lo - first :]


def _cells(
    obs: Observations, kind: PartKind, frame: _Frame, carry_forward: bool
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    n_groups, n_periods = frame.labels.size, frame.hi - frame.lo + 1
    if n_periods <= 0 or obs.values.size == 0:
        return np.full((n_groups, max(n_periods, 0)), np.nan), np.zeros((n_groups, max(n_periods, 0)), dtype=bool)
    unit = obs.unit
    group_of_unit = np.searchsorted(frame.labels, _group_of_units(obs.units, frame.groups))
    sums: NDArray[np.float64]
    counts: NDArray[np.float64]
    if kind == "flow":
        p = obs.months // MONTHS_PER_PERIOD[frame.granularity]
        keep = (p >= frame.lo) & (p <= frame.hi)
        cell = group_of_unit[unit[keep]] * n_periods + (p[keep] - frame.lo)
        size = n_groups * n_periods
        weighted = np.bincount(cell, weights=obs.values[keep], minlength=size)
        sums = np.asarray(weighted, dtype=np.float64).reshape(n_groups, n_periods)
        counts = np.bincount(cell, minlength=size).reshape(n_groups, n_periods).astype(np.float64)
        if frame.granularity == "cumulative":
            sums, counts = np.cumsum(sums, axis=1), np.cumsum(counts, axis=1)
    else:
        levels = _stock_levels(unit, obs.months, obs.values, frame, carry_forward)
        present = ~np.isnan(levels)
        sums = _sum_rows_by_group(np.where(present, levels, 0.0), group_of_unit, n_groups)
        counts = _sum_rows_by_group(present.astype(np.float64), group_of_unit, n_groups)
    observed = counts > 0
    return np.where(observed, sums, np.nan), observed


def _as_observations(data: Observations | Iterable[Sequence[object]]) -> Observations:
    return data if isinstance(data, Observations) else Observations.from_rows(data)


def aggregate(
    observations: Observations | Ratio | Iterable[Sequence[object]],
    kind: Kind,
    granularity: Granularity,
    *,
    groups: Mapping[Hashable, Hashable] | None = None,
    baseline: Month | None = None,
    carry_forward: bool = True,
) -> KpiTable:
    """Return the indicator per group and period by its measure kind (formulas in the module docstring).

    ``observations`` is an ``Observations``, rows ``(unit, month, value)``, or for ``kind="ratio"`` a
    ``Ratio``. ``baseline`` applies to ``granularity="cumulative"`` only; without it the cumulation
    starts with the first observed month.
    """
    if kind not in KINDS:
        raise KpiError("unknown_kind", kind)
    _check_granularity(granularity)
    if baseline is not None and granularity != "cumulative":
        raise KpiError("baseline_only_for_cumulative")
    if (kind == "ratio") != isinstance(observations, Ratio):
        raise KpiError("ratio_needs_numerator_and_denominator" if kind == "ratio" else "ratio_given_for_non_ratio_kind")
    parts: list[tuple[Observations, PartKind]]
    if isinstance(observations, Ratio):
        parts = [
            (observations.numerator, observations.numerator_kind),
            (observations.denominator, observations.denominator_kind),
        ]
    else:
        parts = [(_as_observations(observations), "stock" if kind == "stock" else "flow")]
    t0 = None if baseline is None else month_index(baseline)
    frame = _frame([obs for obs, _ in parts], granularity, groups, t0)
    keys = _period_keys(np.arange(frame.lo, frame.hi + 1, dtype=np.int64), granularity)
    cells = [_cells(obs, part_kind, frame, carry_forward) for obs, part_kind in parts]
    if len(cells) == 1:
        values, observed = cells[0]
        return KpiTable(frame.labels, keys, values, observed, np.zeros(values.shape, dtype=bool))
    (numerator, num_observed), (denominator, den_observed) = cells
    observed = num_observed & den_observed
    zero = observed & (denominator == 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where(observed & ~zero, numerator / denominator, np.nan)
    return KpiTable(frame.labels, keys, values, observed, zero)


def stock_change(
    observations: Observations | Iterable[Sequence[object]],
    *,
    baseline: Month,
    granularity: Literal["month", "quarter", "year"] = "month",
    groups: Mapping[Hashable, Hashable] | None = None,
) -> KpiTable:
    """Return ``ΔS_g(P) = S_g(end of P) − S_g(t0)`` for every period ending after the baseline month ``t0``.

    Both levels follow the stock rule with carry-forward. A unit with no value at or before a date
    counts 0 there: a firm created after ``t0`` adds its whole headcount (``jobs.count_jobs``
    instead takes a firm's first later figure as its baseline, and says so in a note).
    """
    _check_granularity(granularity)
    obs, t0 = _as_observations(observations), month_index(baseline)
    step = MONTHS_PER_PERIOD[granularity]
    end = _frame([obs], granularity, groups, None)
    frame = _Frame(granularity, groups, end.labels, (t0 + 1) // step, end.hi)
    keys = _period_keys(np.arange(frame.lo, frame.hi + 1, dtype=np.int64), granularity)
    level, level_observed = _cells(obs, "stock", frame, carry_forward=True)
    at_t0 = _Frame("month", groups, end.labels, t0, t0)
    start, start_observed = _cells(obs, "stock", at_t0, carry_forward=True)
    observed = level_observed | start_observed
    change = np.nan_to_num(level) - np.nan_to_num(start)
    return KpiTable(
        frame.labels, keys, np.where(observed, change, np.nan), observed, np.zeros(change.shape, dtype=bool)
    )
