"""Compute the figures every monitoring page shows, for one programme as of one month.

The result is plain JSON (numbers and codes, no text) kept in a ``Snapshot``: pages read it and
add names in the reader's language, so a page costs one small query at any scale.

**Achievement.** For a target, the milestone of a month of year ``Y`` is interpolated between the
milestones of ``Y - 1`` (the baseline before the first) and ``Y``: ``M = M_{Y-1} + m/12 · (M_Y -
M_{Y-1})``; achievement is ``actual / M`` against the milestone and ``actual / target`` against the
horizon (the reverse for indicators where lower is better). The status is *on track* from the
programme's on-track threshold (% of the milestone), *at risk* from its at-risk threshold, else
*off track*.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from ecosys.monitoring import forecasting, measures
from ecosys.monitoring.models import StatusThresholds
from ecosys.programmes.models import Milestone, PerformanceContract, Programme, Target

ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA = "on_track", "at_risk", "off_track", "no_data"


def thresholds_of(programme: Programme) -> StatusThresholds:
    found = StatusThresholds.objects.filter(programme=programme).first()
    return found or StatusThresholds(programme=programme)


def milestone_at(target: Target, milestones: list[Milestone], month: date) -> float:
    """Return the milestone of ``month`` (module docstring), the baseline before the first year."""
    by_year = {m.year: float(m.value) for m in milestones}
    by_year.setdefault(target.baseline_year, float(target.baseline_value))
    by_year.setdefault(target.horizon_year, float(target.horizon_value))

    def at(year: int) -> float:
        known = [y for y in by_year if y <= year]
        return by_year[max(known)] if known else float(target.baseline_value)

    return at(month.year - 1) + month.month / 12 * (at(month.year) - at(month.year - 1))


def status_of(actual: float | None, milestone: float, direction: str, thresholds: StatusThresholds) -> str:
    if actual is None:
        return NO_DATA
    share = achievement(actual, milestone, direction)
    if share is None:
        return ON_TRACK
    if share >= float(thresholds.on_track_percent):
        return ON_TRACK
    return AT_RISK if share >= float(thresholds.at_risk_percent) else OFF_TRACK


def achievement(actual: float, goal: float, direction: str) -> float | None:
    """Return the percentage achieved of ``goal``; None when the goal is 0 (nothing to achieve)."""
    if goal == 0:
        return None
    if direction == "decrease":
        return 100 * goal / actual if actual else None
    return 100 * actual / goal


def compute(programme: Programme, *, as_of: date, basis: str) -> dict[str, Any]:
    """Return the snapshot figures of ``programme`` as of the month ``as_of`` on ``basis``."""
    as_of = as_of.replace(day=1)
    thresholds = thresholds_of(programme)
    contracts = list(
        PerformanceContract.objects.filter(sector__programme=programme)
        .prefetch_related("ecosystems", "targets__indicator", "targets__ecosystem", "targets__milestones")
        .order_by("code")
    )
    result: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "basis": basis,
        "thresholds": {"on_track": float(thresholds.on_track_percent), "at_risk": float(thresholds.at_risk_percent)},
        "contracts": [],
    }
    for contract in contracts:
        result["contracts"].append(_contract_figures(contract, as_of, basis, thresholds))
    return result


def _contract_figures(
    contract: PerformanceContract, as_of: date, basis: str, thresholds: StatusThresholds
) -> dict[str, Any]:
    ecosystems = sorted(e.code for e in contract.ecosystems.all())
    units = measures.units_in(ecosystems, as_of)
    data = measures.load(units, as_of=as_of, basis="verified" if basis == "verified" else "declared")
    targets = sorted(contract.targets.all(), key=lambda t: (t.indicator.code, t.ecosystem_id or 0))
    codes = sorted({t.indicator.code for t in targets} | {"HEADCOUNT", "FIRMS", "EXPORTS", "EXPORT_SHARE"})
    series = {code: measures.yearly(data, code) for code in codes if code in measures.MEASURES}
    regions = {
        code: measures.yearly(data, code, group="region")
        for code in ("JOBS_CREATED", "HEADCOUNT")
        if code in measures.MEASURES
    }
    gross = measures.yearly(data, "JOBS_CREATED", jobs="gross")
    by_sex = measures.gender(data, group="ecosystem")
    current = {code: values.get("*", {}).get(as_of.year) for code, values in series.items()}
    forecast = forecasting.pipeline_forecast(
        ecosystems=ecosystems,
        as_of=as_of,
        horizon_year=contract.horizon_year,
        actuals={k: v for k, v in current.items() if v is not None},
        targets={t.indicator.code: float(t.horizon_value) for t in targets if t.ecosystem_id is None},
    )
    kpis = []
    for target in targets:
        code, scope = target.indicator.code, target.ecosystem.code if target.ecosystem else "*"
        milestones = list(target.milestones.all())
        by_year = series.get(code, {}).get(scope, {})
        actual = by_year.get(as_of.year)
        milestone = milestone_at(target, milestones, as_of)
        direction = target.indicator.direction
        path = [
            {
                "year": year,
                "milestone": milestone_at(target, milestones, date(year, 12, 1)),
                "actual": by_year.get(year) if year <= as_of.year else None,
            }
            for year in range(target.baseline_year, target.horizon_year + 1)
        ]
        kpi_forecast = forecast.kpis.get(code) if scope == "*" else None
        kpis.append(
            {
                "target_id": target.pk,
                "indicator": code,
                "ecosystem": None if scope == "*" else scope,
                "unit": target.indicator.unit,
                "direction": direction,
                "measured": code in measures.MEASURES,
                "baseline": float(target.baseline_value),
                "target": float(target.horizon_value),
                "horizon_year": target.horizon_year,
                "milestone": milestone,
                "actual": actual,
                "achieved_milestone": None if actual is None else achievement(actual, milestone, direction),
                "achieved_target": None
                if actual is None
                else achievement(actual, float(target.horizon_value), direction),
                "status": status_of(actual, milestone, direction, thresholds),
                "path": path,
                "forecast": None if kpi_forecast is None else asdict(kpi_forecast),
            }
        )
    table = []
    for eco in ecosystems:
        row: dict[str, Any] = {"code": eco, "firms": series.get("FIRMS", {}).get(eco, {}).get(as_of.year)}
        for code in codes:
            row[code] = series.get(code, {}).get(eco, {}).get(as_of.year)
        row["JOBS_GROSS"] = gross.get(eco, {}).get(as_of.year)
        table.append(row)
    return {
        "code": contract.code,
        "horizon_year": contract.horizon_year,
        "ecosystems": ecosystems,
        "kpis": kpis,
        "table": table,
        "totals": {code: current.get(code) for code in codes},
        "jobs_gross": gross.get("*", {}).get(as_of.year),
        "regions": {
            code: {region: years.get(as_of.year) for region, years in values.items() if region != "*"}
            for code, values in regions.items()
        },
        "series": {code: values.get("*", {}) for code, values in series.items()},
        "gender": {
            eco: {sex: by_sex[sex].get(eco, {}).get(as_of.year) for sex in ("women", "men")}
            for eco in [*ecosystems, "*"]
        },
        "pipeline": {
            "projects": forecast.projects,
            "by_stage": forecast.by_stage,
            "stage_probability": forecast.stage_probability,
            "mean_delay_months": forecast.mean_delay_months,
            "delay_observations": forecast.delay_observations,
            "scenarios": forecasting.N_SCENARIOS,
            "seed": forecasting.SEED,
        },
    }
