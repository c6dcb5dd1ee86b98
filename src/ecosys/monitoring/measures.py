"""Actual values of the contract indicators, read from the realisations in the database.

Reads only; the arithmetic is ``ecosys.analytics.kpi`` and ``ecosys.analytics.jobs``. The units
of observation are the companies with a signed investment agreement in the contracts' ecosystems;
each belongs to the ecosystem and region of its first agreement, and its baseline month is that
agreement's month (as on the jobs page, so that both pages give the same jobs).

A company's figure for a month is its whole-company row when it declared one, else the sum of its
project rows. On the **verified** basis a figure comes from an administrative source (CNSS for
headcounts, the tax administration for turnover and value added, customs / Office des Changes for
exports and imports) or from a company declaration verified against it; on the **declared** basis
from the companies' own declarations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, cast

import numpy as np

from ecosys.analytics.jobs import JobsCount, count_jobs, total_jobs
from ecosys.analytics.kpi import KpiTable, Observations, Ratio, aggregate
from ecosys.investments import lifecycle
from ecosys.investments.jobs import company_series
from ecosys.investments.models import Declaration, InvestmentProject, Source

Basis = Literal["verified", "declared"]
JobsKind = Literal["net", "gross"]
GroupMap = Mapping[Hashable, Hashable]
ByGroup = dict[str, dict[int, float]]  # {ecosystem or region code, "*" for all: {year: value}}
FIGURES = ("headcount", "gross_hires", "turnover_mad", "exports_mad", "imports_mad", "value_added_mad")
ADMINISTRATIVE = {
    "headcount": Source.CNSS,
    "turnover_mad": Source.TAX,
    "value_added_mad": Source.TAX,
    "exports_mad": Source.CUSTOMS,
    "imports_mad": Source.CUSTOMS,
}

# How each indicator code is measured: (rule, figure). Indicators are data; the rules are code.
MEASURES: dict[str, tuple[str, str]] = {
    "JOBS_CREATED": ("jobs", "headcount"),
    "HEADCOUNT": ("stock", "headcount"),
    "FIRMS": ("firms", "headcount"),
    "TURNOVER": ("flow", "turnover_mad"),
    "EXPORTS": ("flow", "exports_mad"),
    "EXPORT_SHARE": ("ratio", "exports_mad/turnover_mad"),
    "TURNOVER_ADD": ("increment", "turnover_mad"),
    "VALUE_ADDED_ADD": ("increment", "value_added_mad"),
    "TRADE_BALANCE_GAIN": ("increment", "exports_mad-imports_mad"),
}


@dataclass(frozen=True)
class Unit:
    company_id: int
    ecosystem: str
    region: str
    baseline: date  # first day of the month of the first agreement


@dataclass
class Realisations:
    """Every company-month figure of the units, on one basis, up to ``as_of``."""

    units: dict[int, Unit]
    as_of: date
    basis: Basis
    values: dict[str, dict[tuple[int, date], float]] = field(default_factory=dict)

    def rows(self, figure: str) -> list[tuple[int, date, float]]:
        return [(c, m, v) for (c, m), v in self.values.get(figure, {}).items()]


def units_in(ecosystems: Iterable[str], as_of: date) -> dict[int, Unit]:
    """Return the companies with an agreement signed by ``as_of`` in the ecosystems, with their group."""
    projects = (
        InvestmentProject.objects.filter(
            ecosystem__code__in=list(ecosystems), status__in=lifecycle.COMMITTED, agreement_date__lte=as_of
        )
        .order_by("agreement_date", "pk")
        .values_list("company_id", "ecosystem__code", "region__code", "agreement_date")
    )
    units: dict[int, Unit] = {}
    for company_id, ecosystem, region, agreed in projects:
        if agreed is None:  # excluded by the filter; kept for the type checker
            continue
        units.setdefault(company_id, Unit(company_id, ecosystem, region, agreed.replace(day=1)))
    return units


def load(units: Mapping[int, Unit], *, as_of: date, basis: Basis) -> Realisations:
    """Read the units' declarations once and keep one value per company, month and figure."""
    sources = [Source.COMPANY, *set(ADMINISTRATIVE.values())]
    rows = Declaration.objects.filter(company_id__in=list(units), month__lte=as_of, source__in=sources)
    whole: dict[str, dict[tuple[int, date], float]] = defaultdict(dict)
    summed: dict[str, dict[tuple[int, date], float]] = defaultdict(lambda: defaultdict(float))
    admin: dict[str, dict[tuple[int, date], float]] = defaultdict(dict)
    for company_id, project_id, month, source, verification, *figures in rows.values_list(
        "company_id", "project_id", "month", "source", "verification", *FIGURES
    ).iterator(chunk_size=20000):
        key = (company_id, month)
        for name, value in zip(FIGURES, figures, strict=True):
            if value is None:
                continue
            if source != Source.COMPANY:
                if ADMINISTRATIVE.get(name) == source and project_id is None:
                    admin[name][key] = float(value)
                continue
            if basis == "verified" and verification != Declaration.Verification.VERIFIED:
                continue
            if project_id is None:
                whole[name][key] = float(value)
            else:
                summed[name][key] += float(value)
    result = Realisations(dict(units), as_of, basis)
    for name in FIGURES:
        merged = {**summed.get(name, {}), **whole.get(name, {})}
        if basis == "verified":
            merged.update(admin.get(name, {}))
        result.values[name] = merged
    result.values["exports_mad-imports_mad"] = _difference(result, "exports_mad", "imports_mad")
    return result


def _difference(data: Realisations, left: str, right: str) -> dict[tuple[int, date], float]:
    """Exports minus imports where exports are known; imports not declared count as none."""
    minus = data.values.get(right, {})
    return {key: value - minus.get(key, 0.0) for key, value in data.values.get(left, {}).items()}


def yearly(
    data: Realisations, indicator: str, *, group: Literal["ecosystem", "region"] = "ecosystem", jobs: JobsKind = "net"
) -> ByGroup:
    """Return ``{group: {year: value}}`` for an indicator, plus the programme total under ``"*"``.

    Stocks are the level at the end of each year (the last month of the year up to ``as_of``),
    flows the sum over the year, ratios the quotient of the year's sums, increments the year's flow
    minus the company's flow over the 12 months before its agreement (annualised when fewer months
    are known; none known counts zero: a new company), jobs the change since the agreement.
    """
    rule, figure = MEASURES[indicator]
    groups = {c: getattr(u, group) for c, u in data.units.items()}
    if rule == "jobs":
        return _jobs_yearly(data, groups, jobs)
    if rule in ("stock", "flow", "firms"):
        rows = data.rows(figure)
        if rule == "firms":
            rows = [(c, m, 1.0) for c, m, _v in rows]
        return _by_year(rows, "stock" if rule in ("stock", "firms") else "flow", groups)
    if rule == "ratio":
        numerator, denominator = figure.split("/")
        return _ratio_by_year(data.rows(numerator), data.rows(denominator), groups)
    return _increment_by_year(data, figure, groups)


def _observations(rows: list[tuple[int, date, float]]) -> Observations:
    units = np.array([r[0] for r in rows], dtype=np.int64)
    months = np.array([r[1].year * 100 + r[1].month for r in rows], dtype=np.int64)
    values = np.array([r[2] for r in rows], dtype=float)
    return Observations.from_columns(units, months, values)


def _table(table: KpiTable) -> dict[str, dict[int, float]]:
    out: dict[str, dict[int, float]] = {}
    for g, label in enumerate(table.groups):
        out[str(label)] = {
            int(p): float(v)
            for p, v, seen in zip(table.periods, table.values[g], table.observed[g], strict=True)
            if seen
        }
    return out


def _with_total(
    by_group: dict[str, dict[int, float]], total: dict[str, dict[int, float]]
) -> dict[str, dict[int, float]]:
    return {**by_group, "*": next(iter(total.values()), {})}


def _by_year(rows: list[tuple[int, date, float]], kind: Literal["flow", "stock"], groups: dict[int, str]) -> ByGroup:
    if not rows:
        return {"*": {}}
    obs = _observations(rows)
    by_group = _table(aggregate(obs, kind, "year", groups=cast(GroupMap, groups)))
    total = _table(aggregate(obs, kind, "year", groups=cast(GroupMap, dict.fromkeys(groups, "*"))))
    return _with_total(by_group, total)


def _ratio_by_year(
    numerator: list[tuple[int, date, float]], denominator: list[tuple[int, date, float]], groups: dict[int, str]
) -> ByGroup:
    if not numerator or not denominator:
        return {"*": {}}
    ratio = Ratio(_observations(numerator), _observations(denominator))
    by_group = _table(aggregate(ratio, "ratio", "year", groups=cast(GroupMap, groups)))
    total = _table(aggregate(ratio, "ratio", "year", groups=cast(GroupMap, dict.fromkeys(groups, "*"))))
    percent = {g: {y: 100 * v for y, v in years.items()} for g, years in _with_total(by_group, total).items()}
    return percent


def _increment_by_year(data: Realisations, figure: str, groups: dict[int, str]) -> ByGroup:
    values = data.values.get(figure, {})
    per_company: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    before: dict[int, list[float]] = defaultdict(list)
    for (company, month), value in values.items():
        unit = data.units[company]
        per_company[company][month.year] += value
        months_before = (unit.baseline.year - month.year) * 12 + unit.baseline.month - month.month
        if 1 <= months_before <= 12:
            before[company].append(value)
    out: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for company, years in per_company.items():
        known = before.get(company, [])
        baseline = sum(known) * 12 / len(known) if known else 0.0
        first_year = data.units[company].baseline.year
        for year, value in years.items():
            if year < first_year:
                continue
            for label in (groups[company], "*"):
                out[label][year] += value - baseline
    return {g: dict(years) for g, years in out.items()} or {"*": {}}


def _jobs_yearly(data: Realisations, groups: dict[int, str], jobs: JobsKind) -> ByGroup:
    """Count jobs at each year's end exactly as the jobs page does (``investments.jobs``)."""
    series = company_series(list(data.units), data.as_of)
    first = min((u.baseline.year for u in data.units.values()), default=data.as_of.year)
    out: dict[str, dict[int, float]] = defaultdict(dict)
    for year in range(first, data.as_of.year + 1):
        end = min(date(year, 12, 1), data.as_of.replace(day=1))
        counts: dict[str, list[JobsCount]] = defaultdict(list)
        for company, unit in data.units.items():
            if unit.baseline > end:
                continue
            count = count_jobs(series.get(company, []), baseline_month=unit.baseline, as_of=end)
            counts[groups[company]].append(count)
            counts["*"].append(count)
        for label, group_counts in counts.items():
            total = total_jobs(group_counts)
            if jobs == "gross":
                out[label][year] = float(total.gross_hires)
            else:
                out[label][year] = float(total.net_verified if data.basis == "verified" else total.net_declared)
    return dict(out) or {"*": {}}
