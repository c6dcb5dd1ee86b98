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
from ecosys.analytics.kpi import MONTHS_PER_PERIOD, KpiTable, Observations, Ratio, aggregate, period_key
from ecosys.investments import lifecycle
from ecosys.investments.jobs import company_series
from ecosys.investments.models import Declaration, InvestmentProject, Source

Basis = Literal["verified", "declared"]
JobsKind = Literal["net", "gross"]
GroupMap = Mapping[Hashable, Hashable]
Granularity = Literal["month", "quarter", "year"]
Group = Literal["ecosystem", "region", "company", "gender"]
NO_GENDER = "no_gender_breakdown"  # only headcounts are declared by sex
ByGroup = dict[str, dict[int, float]]  # {ecosystem or region code, "*" for all: {year: value}}
FIGURES = (
    "headcount",
    "headcount_women",
    "gross_hires",
    "turnover_mad",
    "exports_mad",
    "imports_mad",
    "value_added_mad",
)
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
    # Each company's jobs count at each period's end, by granularity: read and counted once, then
    # grouped any way (by ecosystem, by region, net or gross).
    jobs_counts: dict[str, list[tuple[int, dict[int, JobsCount]]]] = field(default_factory=dict)

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


def yearly(data: Realisations, indicator: str, *, group: Group = "ecosystem", jobs: JobsKind = "net") -> ByGroup:
    """Return ``{group: {year: value}}`` for an indicator, plus the programme total under ``"*"``."""
    return series(data, indicator, granularity="year", group=group, jobs=jobs)


def series(
    data: Realisations,
    indicator: str,
    *,
    granularity: Granularity = "year",
    group: Group = "ecosystem",
    jobs: JobsKind = "net",
) -> ByGroup:
    """Return ``{group: {period key: value}}`` for an indicator, plus the programme total under ``"*"``.

    Period keys are those of ``analytics.kpi.period_key`` (``yyyy``, ``yyyyq``, ``yyyymm``). Stocks
    are the level at the end of each period (its last month up to ``as_of``), flows the sum over
    the period, ratios the quotient of the period's sums, increments the sum over the period's
    months from the agreement on of each month's flow minus the company's mean month over the 12
    months before its agreement (none known counts zero: a new company), jobs the change since the
    agreement at the end of the period.
    """
    if indicator not in MEASURES:
        raise KeyError(indicator)
    rule, figure = MEASURES[indicator]
    if group == "gender":
        if indicator != "HEADCOUNT":
            raise KeyError(NO_GENDER)
        by_sex = gender(data, granularity=granularity, group="ecosystem")
        women, men = by_sex["women"].get("*", {}), by_sex["men"].get("*", {})
        total = {k: women.get(k, 0.0) + men.get(k, 0.0) for k in set(women) | set(men)}
        return {"women": women, "men": men, "*": total}
    groups = _groups(data, group)
    if rule == "jobs":
        return _jobs_by_period(data, groups, jobs, granularity)
    if rule in ("stock", "flow", "firms"):
        rows = data.rows(figure)
        if rule == "firms":
            rows = [(c, m, 1.0) for c, m, _v in rows]
        return _by_period(rows, "stock" if rule in ("stock", "firms") else "flow", groups, granularity)
    if rule == "ratio":
        numerator, denominator = figure.split("/")
        return _ratio_by_period(data.rows(numerator), data.rows(denominator), groups, granularity)
    return _increment_by_period(data, figure, groups, granularity)


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


def _by_period(
    rows: list[tuple[int, date, float]],
    kind: Literal["flow", "stock"],
    groups: dict[int, str],
    granularity: Granularity,
) -> ByGroup:
    if not rows:
        return {"*": {}}
    obs = _observations(rows)
    by_group = _table(aggregate(obs, kind, granularity, groups=cast(GroupMap, groups)))
    total = _table(aggregate(obs, kind, granularity, groups=cast(GroupMap, dict.fromkeys(groups, "*"))))
    return _with_total(by_group, total)


def _ratio_by_period(
    numerator: list[tuple[int, date, float]],
    denominator: list[tuple[int, date, float]],
    groups: dict[int, str],
    granularity: Granularity,
) -> ByGroup:
    if not numerator or not denominator:
        return {"*": {}}
    ratio = Ratio(_observations(numerator), _observations(denominator))
    by_group = _table(aggregate(ratio, "ratio", granularity, groups=cast(GroupMap, groups)))
    total = _table(aggregate(ratio, "ratio", granularity, groups=cast(GroupMap, dict.fromkeys(groups, "*"))))
    percent = {g: {y: 100 * v for y, v in years.items()} for g, years in _with_total(by_group, total).items()}
    return percent


def _increment_by_period(data: Realisations, figure: str, groups: dict[int, str], granularity: Granularity) -> ByGroup:
    """``Σ_{m ∈ P, m >= t0} (x(m) - b)`` over declared months, ``b`` the mean month of the 12 before ``t0``."""
    values = data.values.get(figure, {})
    before: dict[int, list[float]] = defaultdict(list)
    for (company, month), value in values.items():
        unit = data.units[company]
        months_before = (unit.baseline.year - month.year) * 12 + unit.baseline.month - month.month
        if 1 <= months_before <= 12:
            before[company].append(value)
    monthly = {company: sum(known) / len(known) for company, known in before.items()}
    out: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for (company, month), value in values.items():
        if month < data.units[company].baseline:
            continue
        key = period_key(month, granularity)
        for label in (groups[company], "*"):
            out[label][key] += value - monthly.get(company, 0.0)
    return {g: dict(periods) for g, periods in out.items()} or {"*": {}}


def gender(data: Realisations, *, granularity: Granularity = "year", group: Group = "ecosystem") -> dict[str, ByGroup]:
    """Return the headcount of women and of men by group and period (``{"women": …, "men": …}``).

    Over the company-months whose declaration gives both the headcount and the women among it
    (men = headcount − women), so that women + men is the headcount they cover.
    """
    heads = data.values.get("headcount", {})
    women_rows = [(c, m, v) for (c, m), v in data.values.get("headcount_women", {}).items() if (c, m) in heads]
    men_rows = [(c, m, heads[(c, m)] - v) for c, m, v in women_rows]
    groups = _groups(data, group)
    return {
        "women": _by_period(women_rows, "stock", groups, granularity),
        "men": _by_period(men_rows, "stock", groups, granularity),
    }


def period_ends(first: date, last: date, granularity: Granularity) -> list[tuple[int, date]]:
    """Return ``(period key, last month)`` of every period from the one holding ``first`` to ``last``."""
    step = MONTHS_PER_PERIOD[granularity]
    index = (first.year * 12 + first.month - 1) // step * step + step - 1
    out: list[tuple[int, date]] = []
    while True:
        end = date(index // 12, index % 12 + 1, 1)
        if end > last:
            if not out or out[-1][1] < last:
                out.append((period_key(last, granularity), last))
            return out
        out.append((period_key(end, granularity), end))
        index += step


def _groups(data: Realisations, group: Group) -> dict[int, str]:
    """Map each company to its group label (its id when grouped by company)."""
    return {c: str(c) if group == "company" else getattr(u, group) for c, u in data.units.items()}


def _jobs_counts(data: Realisations, granularity: Granularity) -> list[tuple[int, dict[int, JobsCount]]]:
    """Return ``[(period key, {company: count})]``, counted exactly as the jobs page does (``investments.jobs``)."""
    if granularity not in data.jobs_counts:
        company_months = company_series(list(data.units), data.as_of)
        first = min((u.baseline for u in data.units.values()), default=data.as_of.replace(day=1))
        data.jobs_counts[granularity] = [
            (
                key,
                {
                    company: count_jobs(company_months.get(company, []), baseline_month=unit.baseline, as_of=end)
                    for company, unit in data.units.items()
                    if unit.baseline <= end
                },
            )
            for key, end in period_ends(first, data.as_of.replace(day=1), granularity)
        ]
    return data.jobs_counts[granularity]


def _jobs_by_period(data: Realisations, groups: dict[int, str], jobs: JobsKind, granularity: Granularity) -> ByGroup:
    """Add the companies' jobs counts of each period end by group: net (verified or declared) or gross."""
    out: dict[str, dict[int, float]] = defaultdict(dict)
    for key, by_company in _jobs_counts(data, granularity):
        counts: dict[str, list[JobsCount]] = defaultdict(list)
        for company, count in by_company.items():
            counts[groups[company]].append(count)
            counts["*"].append(count)
        for label, group_counts in counts.items():
            total = total_jobs(group_counts)
            if jobs == "gross":
                out[label][key] = float(total.gross_hires)
            else:
                out[label][key] = float(total.net_verified if data.basis == "verified" else total.net_declared)
    return dict(out) or {"*": {}}
