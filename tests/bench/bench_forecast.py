"""Pipeline forecast: analytics.forecast on 20,000 projects x 10,000 scenarios x 5 KPIs, against plain numpy.

The budget is 1 s for every KPI of a programme. The programme is synthetic: planned production
starts spread over 2019-2031, three-year ramps, a stage mix of a live pipeline, horizon 2030. It
runs twice: the usual mix (a tenth already producing) and a worst case where every project is
uncertain and its horizon value depends on its delay. The peer draws the same model the plain way
(a Bernoulli and a monthly delay per project and scenario, a gathered value per KPI), which
materialises scenarios x projects matrices, so it runs on a subset of the scenarios and its time
and memory are extrapolated linearly. Memory is the peak of traced allocations (tracemalloc).
"""

from __future__ import annotations

import os
import time
import tracemalloc
from collections.abc import Callable
from functools import partial

import numpy as np

from ecosys.analytics.forecast import (
    NO_DELAY,
    STAGES,
    DelayDistribution,
    estimate_delay_distribution,
    estimate_stage_probabilities,
    forecast_summary,
    lognormal_delay_pmf,
    simulate_pipeline,
    stage_probabilities,
)

PROJECTS, SCENARIOS, KPIS, FIRST, HORIZON = 20_000, 10_000, 5, 2015, 2030
PEER_SCENARIOS = 500
MIX = {"identified": 0.15, "submitted": 0.15, "validated": 0.15, "agreement_signed": 0.2, "under_construction": 0.2}


def _programme(worst: bool) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2030)
    years = np.arange(FIRST, HORIZON + 1)
    start = rng.integers(2026 if worst else 2019, 2031 if worst else 2032, PROJECTS)
    ramp = np.clip((years[None, :] - start[:, None] + 1) / 3, 0, 1)
    scale = rng.lognormal([3.0, 16.0, 15.0, 15.0, 14.0], 1.0, (PROJECTS, KPIS))  # jobs, MAD...
    contributions = scale[:, :, None] * ramp[:, None, :]
    stages, weights = list(MIX), np.array(list(MIX.values()))
    if not worst:
        stages, weights = [*stages, "in_production", "suspended"], np.append(weights, [0.1, 0.05])
    stage = np.array([STAGES.index(s) for s in rng.choice(stages, PROJECTS, p=weights / weights.sum())])
    return contributions, stage


def _measure(call: Callable[[], np.ndarray]) -> tuple[np.ndarray, float, float]:
    started = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    call()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return result, seconds, peak


def _peer(contributions: np.ndarray, stage: np.ndarray, q: np.ndarray, pmf: np.ndarray, n: int) -> np.ndarray:
    """Simulate the model directly: full (scenarios, projects) matrices, delays in whole months."""
    rng = np.random.default_rng(1)
    h = HORIZON - FIRST
    realised = rng.random((n, PROJECTS)) < q[stage]
    delay = rng.choice(len(pmf), size=(n, PROJECTS), p=pmf)
    delayed = stage != STAGES.index("in_production")
    delay[:, ~delayed] = 0
    years, months = np.divmod(delay, 12)
    totals = np.empty((n, KPIS))
    for k in range(KPIS):
        c = contributions[np.arange(PROJECTS), k]
        now = c[np.arange(PROJECTS), np.maximum(h - years, 0)]
        before = c[np.arange(PROJECTS), np.maximum(h - years - 1, 0)]
        totals[:, k] = (realised * ((12 - months) * now + months * before) / 12).sum(axis=1)
    return totals


def _case(worst: bool, q: np.ndarray, draws: np.ndarray, delays: list[DelayDistribution]) -> None:
    contributions, stage = _programme(worst)
    label = "every project uncertain and delay-sensitive" if worst else "usual mix"
    print(f"   {label}: {PROJECTS} projects x {SCENARIOS} scenarios x {KPIS} KPIs", flush=True)
    ours = partial(simulate_pipeline, contributions, stage, q, delays, HORIZON, first_year=FIRST, n_scenarios=SCENARIOS)
    for workers in (1, 2):
        totals, seconds, peak = _measure(partial(ours, workers=workers))
        print(f"      analytics.forecast, {workers} worker(s): {seconds:.2f} s, peak {peak:.0f} MB", flush=True)
    drawn = partial(simulate_pipeline, contributions, stage, draws, delays, HORIZON, first_year=FIRST)
    _, seconds, peak = _measure(partial(drawn, n_scenarios=SCENARIOS))
    print(f"      with stage probabilities drawn per scenario: {seconds:.2f} s, peak {peak:.0f} MB", flush=True)
    peer, p_seconds, p_peak = _measure(partial(_peer, contributions, stage, q, lognormal_delay_pmf(), PEER_SCENARIOS))
    factor = SCENARIOS / PEER_SCENARIOS
    print(
        f"      plain numpy peer on {PEER_SCENARIOS} scenarios: {p_seconds:.2f} s, peak {p_peak:.0f} MB; "
        f"EXTRAPOLATED x{factor:.0f} to {SCENARIOS}: {p_seconds * factor:.1f} s, {p_peak * factor / 1024:.1f} GB",
        flush=True,
    )
    ours_p50, peer_p50 = forecast_summary(totals, 0).p50, forecast_summary(peer, 0).p50
    gap = np.abs(ours_p50 / peer_p50 - 1).max()
    print(f"      P50 against the peer's ({PEER_SCENARIOS} scenarios): largest relative gap over KPIs {gap:.2%}")


def run() -> None:
    print(f"   load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    estimates = estimate_stage_probabilities([])
    delay = estimate_delay_distribution([])
    delays = [NO_DELAY if s in ("in_production", "completed") else delay for s in STAGES]
    q, draws = stage_probabilities(estimates), stage_probabilities(estimates, n_scenarios=SCENARIOS, seed=3)
    for worst in (False, True):
        _case(worst, q, draws, delays)
    print(f"   load average after: {os.getloadavg()[0]:.1f}", flush=True)
