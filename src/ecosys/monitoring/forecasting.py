"""Forecast each contract indicator at the horizon from the project pipeline as it stood on a date.

Reads only; the model and its formulas are ``ecosys.analytics.forecast``. What this module adds is
how the database feeds it:

* a project's stage on ``as_of`` is the last status it entered by then (its dated events), so a
  forecast "as of end 2018" sees the pipeline of end 2018, not today's;
* stage probabilities are estimated from every project's history up to ``as_of``, delays from the
  production starts observed by then (actual against planned date), each with its documented prior;
* a project contributes its yearly plan: jobs to ``JOBS_CREATED``, turnover to ``TURNOVER_ADD``,
  value added to ``VALUE_ADDED_ADD``, exports plus import substitution to ``TRADE_BALANCE_GAIN``;
* a producing project is certain and undelayed, and adds only what its plan still has to grow
  after the ``as_of`` year (what it produced already is in the actual); a project not yet
  producing adds its whole plan, realised with its stage's probability and shifted by a delay.

The total at the horizon is the actual of ``as_of`` plus the simulated contributions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

import numpy as np
from django.utils import timezone

from ecosys.analytics import forecast as fc
from ecosys.investments.models import InvestmentProject, ProjectEvent, ProjectMilestone, ProjectPlanYear

KPIS = ("JOBS_CREATED", "TURNOVER_ADD", "VALUE_ADDED_ADD", "TRADE_BALANCE_GAIN")
N_SCENARIOS, SEED = 10_000, 20150101


@dataclass(frozen=True)
class Weight:
    project_code: str
    project_name: str
    stage: str
    share: float  # of the forecast's variance
    expected: float


@dataclass(frozen=True)
class KpiForecast:
    indicator: str
    horizon_year: int
    actual: float
    p10: float
    p50: float
    p90: float
    probability: float | None  # of meeting the target; None without a target
    target: float | None
    weights: list[Weight]


@dataclass(frozen=True)
class PipelineForecast:
    as_of: date
    horizon_year: int
    projects: int
    by_stage: dict[str, int]
    stage_probability: dict[str, float]
    mean_delay_months: float
    delay_observations: int
    kpis: dict[str, KpiForecast]


PLAN_FIELDS = (
    "project_id",
    "year",
    "jobs",
    "turnover_mad",
    "value_added_mad",
    "exports_mad",
    "import_substitution_mad",
)


def _plan_values(
    jobs: float, turnover: Decimal, value_added: Decimal, exports: Decimal, substitution: Decimal
) -> list[float]:
    """A plan year's contribution to each of ``KPIS``, in that order (the fields of ``PLAN_FIELDS`` after the year)."""
    return [float(jobs), float(turnover), float(value_added), float(exports + substitution)]


def _end_of(month: date) -> datetime:
    next_month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return timezone.make_aware(datetime.combine(next_month, time.min))


def pipeline_forecast(
    *,
    ecosystems: list[str],
    as_of: date,
    horizon_year: int,
    actuals: dict[str, float],
    targets: dict[str, float],
    n_scenarios: int = N_SCENARIOS,
    seed: int = SEED,
) -> PipelineForecast:
    """Return P10/P50/P90 at the horizon and the probability of meeting each target (module docstring)."""
    cutoff = _end_of(as_of)
    histories: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for project_id, target, at in (
        ProjectEvent.objects.filter(at__lt=cutoff).order_by("at", "pk").values_list("project_id", "target", "at")
    ):
        histories[project_id].append((timezone.localdate(at), target))
    estimates = fc.estimate_stage_probabilities(histories.values())
    probs = fc.stage_probabilities(estimates)
    observed = [
        (actual.year - planned.year) * 12 + actual.month - planned.month
        for planned, actual in ProjectMilestone.objects.filter(
            kind=ProjectMilestone.Kind.PRODUCTION_START, actual_date__lte=as_of
        ).values_list("planned_date", "actual_date")
        if actual is not None
    ]
    delay = fc.estimate_delay_distribution(observed)
    delays = [fc.NO_DELAY if stage in fc.PRODUCING else delay for stage in fc.STAGES]

    stage_of = {p: h[-1][1] for p, h in histories.items()}  # events come in order
    projects = [
        (pk, code, name)
        for pk, code, name in InvestmentProject.objects.filter(ecosystem__code__in=ecosystems).values_list(
            "pk", "code", "name"
        )
        if pk in stage_of and stage_of[pk] != "abandoned"  # a project with no event yet is not in the pipeline
    ]
    row_of = {pk: i for i, (pk, _, _) in enumerate(projects)}
    plans: list[dict[int, list[float]]] = [{} for _ in projects]
    for project_id, year, *values in (
        ProjectPlanYear.objects.filter(project__ecosystem__code__in=ecosystems).order_by().values_list(*PLAN_FIELDS)
    ):
        if project_id in row_of:
            plans[row_of[project_id]][year] = _plan_values(*values)
    first_year = min([year for plan in plans for year in plan] + [as_of.year, horizon_year])
    years = horizon_year - first_year + 1
    contributions = np.zeros((len(projects), len(KPIS), years))
    stages = np.zeros(len(projects), dtype=np.intp)
    by_stage: dict[str, int] = defaultdict(int)
    for i, (pk, _, _) in enumerate(projects):
        stage = stage_of[pk]
        stages[i] = fc.STAGES.index(stage)
        by_stage[stage] += 1
        plan = plans[i]
        before = plan.get(as_of.year, [0.0] * len(KPIS))
        for year, values in plan.items():
            if not first_year <= year <= horizon_year:
                continue
            if stage in fc.PRODUCING:
                if year <= as_of.year:
                    continue
                values = [max(0.0, v - b) for v, b in zip(values, before, strict=True)]
            contributions[i, :, year - first_year] = values
    base = np.array([actuals.get(k, 0.0) for k in KPIS])
    goal = np.array([targets.get(k, np.nan) for k in KPIS])
    if as_of.year >= horizon_year or not projects:
        totals = np.tile(base, (1, 1))
    else:
        totals = fc.simulate_pipeline(
            contributions,
            stages,
            probs,
            delays,
            horizon_year,
            first_year=first_year,
            actuals=base,
            n_scenarios=n_scenarios,
            seed=seed,
        )
    summary = fc.forecast_summary(totals, np.nan_to_num(goal, nan=np.inf))
    weights = (
        fc.project_weights(contributions, stages, probs, delays, horizon_year, first_year=first_year, top=5)
        if projects and as_of.year < horizon_year
        else None
    )
    kpis = {}
    for k, code in enumerate(KPIS):
        top: list[Weight] = []
        if weights is not None:
            for index, share, expected in zip(
                weights.indices[k], weights.variance_share[k], weights.expected[k], strict=True
            ):
                if share <= 0:
                    continue
                pk, project_code, name = projects[int(index)]
                top.append(Weight(project_code, name, stage_of[pk], float(share), float(expected)))
        has_target = not np.isnan(goal[k])
        kpis[code] = KpiForecast(
            indicator=code,
            horizon_year=horizon_year,
            actual=float(base[k]),
            p10=float(summary.p10[k]),
            p50=float(summary.p50[k]),
            p90=float(summary.p90[k]),
            probability=float(summary.probability[k]) if has_target else None,
            target=float(goal[k]) if has_target else None,
            weights=top,
        )
    return PipelineForecast(
        as_of=as_of,
        horizon_year=horizon_year,
        projects=len(projects),
        by_stage=dict(by_stage),
        stage_probability={stage: float(probs[i]) for i, stage in enumerate(fc.STAGES)},
        mean_delay_months=delay.mean_months,
        delay_observations=delay.observations,
        kpis=kpis,
    )
