"""Forecast each KPI at the horizon from the project pipeline, by Monte Carlo.

Project ``p`` in stage ``g`` reaches production with probability ``q_g`` (``B_p`` Bernoulli) and
starts ``D_p`` months after plan, shifting its planned yearly contributions ``c_p(y)``. Spreading a
year's amount evenly over its months (a flow) or reaching it linearly (a stock), its value in the
horizon year ``h`` is, with ``D = 12a + m`` and ``0 <= m < 12``,

    V_p(D) = ((12 - m) · c_p(h - a) + m · c_p(h - a - 1)) / 12,

and a scenario's total is ``actuals + Σ_p B_p · V_p(D_p)``, projects independent.

**Stage probabilities** are Beta-Binomial posteriors (Gelman et al., *Bayesian Data Analysis*, 3rd
ed., §2.4): a prior of mean ``m_g`` worth ``n0`` projects plus the ``s`` projects seen in the stage
that later produced and the ``f`` abandoned first: ``q_g ~ Beta(n0·m_g + s, n0·(1 - m_g) + f)``.
The prior means are judgements on a stage-gate funnel, anchored on one published figure: 60–80 % of
announced greenfield FDI projects materialise (McKinsey Global Institute, 2025, citing earlier
studies), hence 0.70 for *agreement signed*; earlier stages lose more (0.30, 0.40, 0.55), a plant
under construction has sunk its capital (0.90), a suspended project resumes less often than not
(0.35). ``n0 = 10``: a few dozen decided projects in a stage outweigh the prior.

**Delays** are a Dirichlet-multinomial posterior predictive on months ``0..60``,
``P(d) = (n0·prior(d) + count(d)) / (n0 + n)``; the prior is 25 % on time, else a lognormal of
median 8 months and ``σ = 0.9`` (KPMG Global Construction Survey: a quarter of large projects end
within 10 % of their deadline; McKinsey, 2016: large projects take ~20 % longer than planned, half
a year on a 2–3 year build). The pmf is held as whole-year atoms plus mass spread evenly within
each year, keeping each year's mass and mean: ``E V_p`` is unchanged (``V_p`` is linear within a
year) and the simulation needs no look-up table.

**Simulation.** With lags ``L_j = c(h - j)`` and ramps ``ρ_j(D) = clip(D/12 - j, 0, 1)``,
``V(D) = L_0 + Σ_j ρ_j(D)·(L_{j+1} - L_j)``. Each scenario draws two 16-bit uniforms per project,
one for ``B``, one for ``D`` (common random numbers: raising ``q_g`` only adds realised projects and
keeps every delay). Under the delay model ``ρ_j`` is a clip of the delay uniform between two CDF
knots: a block of scenarios costs one float32 clip per lag and one matrix product, skipping the
terms a project does not need (flat or empty profile). Float32 products, summed in float64 across
blocks, round far below the Monte Carlo error.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

Direction = Literal["increase", "decrease"]
PIPELINE = ("identified", "submitted", "validated", "agreement_signed", "under_construction")
STAGES: tuple[str, ...] = (*PIPELINE, "in_production", "completed", "suspended", "abandoned")
PRODUCING = frozenset({"in_production", "completed"})
CERTAIN: dict[str, float] = {"in_production": 1.0, "completed": 1.0, "abandoned": 0.0}
DEFAULT_STAGE_PRIOR: dict[str, float] = {
    "identified": 0.30,
    "submitted": 0.40,
    "validated": 0.55,
    "agreement_signed": 0.70,
    "under_construction": 0.90,
    "suspended": 0.35,
}
DEFAULT_PRIOR_STRENGTH = 10.0
DEFAULT_ON_TIME, DEFAULT_MEDIAN_DELAY_MONTHS, DEFAULT_DELAY_SIGMA = 0.25, 8.0, 0.9
MAX_DELAY_MONTHS = 60
_LEVELS = 65536  # uniforms are 16-bit: probabilities and delay quantiles resolve to 2**-16
_CHUNK, _ROWS = 256, 256  # scenarios per random block, at most projects per block: work fits L2


class ForecastError(ValueError):
    """Inputs that cannot be forecast; ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class StageEstimate:
    stage: str
    successes: int
    failures: int
    censored: int
    alpha: float
    beta: float
    mean: float
    interval90: tuple[float, float]


def estimate_stage_probabilities(
    histories: Iterable[Sequence[tuple[date, str]]],
    *,
    prior: Mapping[str, float] = DEFAULT_STAGE_PRIOR,
    prior_strength: float = DEFAULT_PRIOR_STRENGTH,
) -> dict[str, StageEstimate]:
    """Return the posterior probability of reaching production for each stage of ``prior``.

    A history is a project's ``(date, status entered)`` list. From its first entry into a stage it
    counts as a success if it is later (or then) in production or completed, as a failure if it is
    abandoned before, and as censored (left out) if still undecided: decided projects only, so a
    young pipeline's slow successes are under-counted until they decide.
    """
    counts = {stage: [0, 0, 0] for stage in prior}
    for history in histories:
        statuses = [status for _day, status in sorted(history, key=lambda event: event[0])]
        for stage in set(statuses) & counts.keys():
            after = statuses[statuses.index(stage) :]
            produced = next((i for i, s in enumerate(after) if s in PRODUCING), None)
            abandoned = next((i for i, s in enumerate(after) if s == "abandoned"), None)
            if produced is not None and (abandoned is None or produced < abandoned):
                counts[stage][0] += 1
            else:
                counts[stage][1 if abandoned is not None else 2] += 1
    estimates = {}
    for stage, (s, f, c) in counts.items():
        alpha, beta = prior_strength * prior[stage] + s, prior_strength * (1 - prior[stage]) + f
        low, high = (float(special.betaincinv(alpha, beta, x)) for x in (0.05, 0.95))
        estimates[stage] = StageEstimate(stage, s, f, c, alpha, beta, alpha / (alpha + beta), (low, high))
    return estimates


def stage_probabilities(
    estimates: Mapping[str, StageEstimate], *, n_scenarios: int | None = None, seed: int = 0
) -> NDArray[np.float64]:
    """Return ``q_g`` in ``STAGES`` order: posterior means, or ``(n_scenarios, stages)`` Beta draws.

    Drawing ``q_g`` per scenario carries the uncertainty of the estimate into the forecast (a thin
    history widens it); producing stages are 1 and abandoned 0 by definition.
    """
    rng, columns = np.random.default_rng(seed), []
    for stage in STAGES:
        e = estimates.get(stage)
        if n_scenarios is None or e is None:
            columns.append(np.full(n_scenarios or 1, CERTAIN.get(stage, 0.0) if e is None else e.mean))
        else:
            columns.append(rng.beta(e.alpha, e.beta, n_scenarios))
    table = np.stack(columns, axis=1)
    return table[0] if n_scenarios is None else table


@dataclass(frozen=True)
class DelayDistribution:
    """Months of delay: ``on_year[a]`` at exactly ``12a``, ``within_year[a]`` spread over ``(12a, 12a+12)``."""

    on_year: NDArray[np.float64]
    within_year: NDArray[np.float64]
    observations: int = 0

    @property
    def mean_months(self) -> float:
        a = np.arange(len(self.on_year))
        return float(12 * (a @ self.on_year) + (12 * a[:-1] + 6) @ self.within_year)

    def knots(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Return ``F(12a)`` and ``F(12a + 12⁻)`` for each year ``a``: where ``ρ_a`` starts and ends rising."""
        after_atom = np.cumsum(self.on_year[:-1]) + np.concatenate(([0.0], np.cumsum(self.within_year)[:-1]))
        return after_atom, after_atom + self.within_year


NO_DELAY = DelayDistribution(np.array([1.0]), np.array([]))


def delay_from_pmf(pmf_months: ArrayLike, observations: int = 0) -> DelayDistribution:
    """Hold a pmf on months ``0..n`` as whole-year atoms plus even spreads, keeping each year's mass and mean.

    A year ``(12a, 12a+12)`` with mass ``π`` and mean ``12a + μ`` becomes ``π·μ/6`` spread evenly and
    the rest on ``12a`` when ``μ <= 6``; otherwise ``π·(12-μ)/6`` spread and the rest on ``12a + 12``.
    """
    pmf = np.asarray(pmf_months, dtype=float)
    if pmf.ndim != 1 or len(pmf) == 0 or (pmf < 0).any() or not math.isclose(pmf.sum(), 1.0, rel_tol=1e-9):
        raise ForecastError("delay_pmf_invalid")
    years = -(-(len(pmf) - 1) // 12)
    pmf = np.concatenate((pmf, np.zeros(12 * years + 1 - len(pmf))))
    on_year, within = pmf[::12].copy(), np.zeros(years)
    for a in range(years):
        inner = pmf[12 * a + 1 : 12 * a + 12]
        mass = inner.sum()
        if mass == 0:
            continue
        mu = (np.arange(1, 12) @ inner) / mass
        spread = mass * min(mu, 12 - mu) / 6
        within[a] = spread
        on_year[a if mu <= 6 else a + 1] += mass - spread
    return DelayDistribution(on_year, within, observations)


def lognormal_delay_pmf(
    *,
    on_time: float = DEFAULT_ON_TIME,
    median_months: float = DEFAULT_MEDIAN_DELAY_MONTHS,
    sigma: float = DEFAULT_DELAY_SIGMA,
    max_months: int = MAX_DELAY_MONTHS,
) -> NDArray[np.float64]:
    """Return ``P(0) = on_time`` and, when late, a lognormal rounded up to whole months, its tail on ``max``."""
    cdf = special.ndtr((np.log(np.arange(1, max_months)) - math.log(median_months)) / sigma)
    late = np.diff(np.concatenate(([0.0], cdf, [1.0])))
    return np.concatenate(([on_time], (1 - on_time) * late))


def estimate_delay_distribution(
    observed_delays_months: Iterable[float],
    *,
    prior: ArrayLike | None = None,
    prior_strength: float = DEFAULT_PRIOR_STRENGTH,
) -> DelayDistribution:
    """Return the posterior predictive delay of production start against plan (see the module docstring).

    Observations are rounded to whole months; early starts count as on time (contributions are not
    moved earlier than planned) and delays beyond the prior's last month as that month.
    """
    pmf = lognormal_delay_pmf() if prior is None else np.asarray(prior, dtype=float)
    observed = np.clip(np.rint(np.fromiter(observed_delays_months, dtype=float)), 0, len(pmf) - 1)
    counts = np.bincount(observed.astype(int), minlength=len(pmf))
    return delay_from_pmf((prior_strength * pmf + counts) / (prior_strength + counts.sum()), len(observed))


def _lags(contributions: ArrayLike, first_year: int, horizon_year: int, years: int) -> NDArray[np.float64]:
    """Return ``L[p, k, j] = c_p,k(h - j)`` for ``j = 0..years``, zero before the first planned year."""
    c = np.asarray(contributions, dtype=float)
    h = horizon_year - first_year
    if c.ndim != 3 or not 0 <= h < c.shape[2]:
        raise ForecastError("horizon_outside_contributions")
    lags = np.zeros((*c.shape[:2], years + 1))
    take = min(h, years) + 1
    lags[:, :, :take] = c[:, :, h::-1][:, :, :take]
    return lags


def _per_stage(delays: DelayDistribution | Sequence[DelayDistribution], stages: int) -> list[DelayDistribution]:
    per_stage = [delays] * stages if isinstance(delays, DelayDistribution) else list(delays)
    if len(per_stage) != stages:
        raise ForecastError("delays_do_not_match_stages")
    return per_stage


def simulate_pipeline(
    contributions: ArrayLike,
    stage_index: ArrayLike,
    probs: ArrayLike,
    delays: DelayDistribution | Sequence[DelayDistribution],
    horizon_year: int,
    *,
    first_year: int,
    actuals: ArrayLike | float = 0.0,
    n_scenarios: int = 10_000,
    seed: int = 0,
    workers: int = 2,
) -> NDArray[np.float64]:
    """Return the ``(n_scenarios, kpis)`` totals at the horizon (see the module docstring).

    ``contributions[p, k, y]`` is project ``p``'s planned part of KPI ``k`` in year ``first_year + y``;
    ``probs`` is ``q_g`` per stage, or per scenario and stage; ``delays`` one distribution for all
    stages or one per stage (give producing stages ``NO_DELAY``). The result depends on ``seed``
    only, never on ``workers``.
    """
    stage = np.asarray(stage_index, dtype=np.intp)
    q = np.asarray(probs, dtype=float)
    per_stage = _per_stage(delays, q.shape[-1])
    lags = _lags(contributions, first_year, horizon_year, max(len(d.within_year) for d in per_stage))
    if stage.shape != lags.shape[:1] or stage.min(initial=0) < 0 or stage.max(initial=0) >= q.shape[-1]:
        raise ForecastError("stage_index_invalid")
    if (q.ndim == 2 and q.shape[0] != n_scenarios) or q.ndim > 2 or not ((q >= 0) & (q <= 1)).all():
        raise ForecastError("probs_invalid")
    levels = np.rint(np.broadcast_to(q, (n_scenarios, q.shape[-1])) * _LEVELS)
    blocks, fixed = _plan_blocks(lags, stage, levels, per_stage)
    thresholds = np.minimum(levels, _LEVELS - 1).astype(np.uint16)  # q = 1 in a mixed stage: 1 - 2**-16
    chunks = [(s, min(s + _CHUNK, n_scenarios)) for s in range(0, n_scenarios, _CHUNK)]
    seeds = np.random.SeedSequence(seed).spawn(len(chunks))

    def run(index: int) -> NDArray[np.float64]:
        first, last = chunks[index]
        return _simulate_chunk(seeds[index], thresholds[first:last], blocks, len(fixed))

    with ThreadPoolExecutor(max(1, workers)) as pool:
        parts = list(pool.map(run, range(len(chunks))))
    base = np.broadcast_to(np.asarray(actuals, dtype=float), fixed.shape) + fixed
    return base + np.concatenate(parts) if parts else np.empty((0, len(fixed)))


@dataclass(frozen=True)
class _Block:
    """Projects of one stage (``None`` if certain) needing the same terms: their clips and scaled lags."""

    rows: int
    stage: int | None
    clips: list[tuple[int, int]]
    terms: NDArray[np.float32]  # (clips, rows, kpis)


def _plan_blocks(
    lags: NDArray[np.float64], stage: NDArray[np.intp], levels: NDArray[np.float64], per_stage: list[DelayDistribution]
) -> tuple[list[_Block], NDArray[np.float64]]:
    """Group projects on (stage, terms they need) into blocks; add certain, undelayed ones to a fixed sum.

    Term 0 is ``B·L_0``; term ``1 + j`` is ``ρ_j·(L_{j+1} - L_j)`` with ``ρ_j`` the clip of the delay
    uniform between the knots ``F(12j)`` and ``F(12j + 12⁻)``, rescaled by the width. Blocks with
    nothing to add stay in the list, empty, so that every project keeps its random numbers.
    """
    terms = np.concatenate((lags[:, :, :1], np.diff(lags, axis=2)), axis=2)
    needed = (terms != 0).any(axis=1)
    live = np.flatnonzero(needed.any(axis=1))
    keys = stage[live] * 2 ** needed.shape[1] + needed[live] @ (2 ** np.arange(needed.shape[1]))
    order = np.argsort(keys, kind="stable")
    live, keys = live[order], keys[order]
    # A product (chunk x height) @ (height x kpis) stays under OpenBLAS's single-thread size, m·n·k <= 2**18:
    # above it the library wakes its own threads, which costs milliseconds per call and competes with workers.
    height = max(1, min(_ROWS, 2**18 // (_CHUNK * terms.shape[1])))
    fixed, blocks = np.zeros(terms.shape[1]), []
    for group_start, group_end in pairwise([0, *(np.flatnonzero(np.diff(keys)) + 1).tolist(), len(live)]):
        for start in range(group_start, group_end, height):
            rows = live[start : min(start + height, group_end)]
            g = int(stage[rows[0]])
            certain, never = bool((levels[:, g] >= _LEVELS).all()), bool((levels[:, g] <= 0).all())
            low, high = (np.rint(k * _LEVELS).astype(int) for k in per_stage[g].knots())
            clips, matrices = [], []
            for term in np.flatnonzero(needed[rows[0]]):
                if term == 0:
                    clips.append((0, 1))
                    matrices.append(terms[rows, :, 0])
                elif term - 1 < len(low) and low[term - 1] < _LEVELS - 1:  # else the delay never gets there
                    width = max(int(high[term - 1] - low[term - 1]), 1)
                    clips.append((int(low[term - 1]), width))
                    matrices.append(terms[rows, :, term] / width)
            if certain and clips == [(0, 1)]:
                fixed += matrices[0].sum(axis=0)
            if never or not clips or (certain and clips == [(0, 1)]):
                blocks.append(_Block(len(rows), None, [], np.empty((0, 0, 0), np.float32)))
            else:
                blocks.append(_Block(len(rows), None if certain else g, clips, np.stack(matrices).astype(np.float32)))
    return blocks, fixed


def _simulate_chunk(
    seed: np.random.SeedSequence, thresholds: NDArray[np.uint16], blocks: list[_Block], kpis: int
) -> NDArray[np.float64]:
    """Add every block's terms over one chunk of scenarios, from two 16-bit uniforms per project.

    Every block draws its uniforms, or skips them by advancing the generator when it has nothing to
    add, so each project keeps its own random numbers whatever the probabilities (common random
    numbers). A block's work fits in L2.
    """
    n = len(thresholds)
    generator = np.random.PCG64(seed)
    v, w = np.empty((2, _ROWS * n), np.float32)
    total = np.zeros((n, kpis))

    def draw(needed: bool, rows: int) -> NDArray[np.uint16] | None:
        """Return one 16-bit uniform per project and scenario, or skip them when not ``needed``."""
        if needed:
            return generator.random_raw(-(-rows * n // 4)).view(np.uint16)[: rows * n].reshape(rows, n)
        generator.advance(-(-rows * n // 4))
        return None

    for block in blocks:
        u_b = draw(block.stage is not None, block.rows)
        u_d = draw(block.clips not in ([], [(0, 1)]), block.rows)
        if not block.clips:
            continue
        # Realised projects get an odd delay code, the others 0: below every clip.
        delay = np.ones((block.rows, n), np.uint16) if u_d is None else np.bitwise_or(u_d, 1, out=u_d)
        if u_b is not None:
            np.multiply(delay, u_b < thresholds[:, block.stage], out=delay)
        v_block, w_block = v[: block.rows * n].reshape(block.rows, n), w[: block.rows * n].reshape(block.rows, n)
        np.copyto(v_block, delay, casting="safe")
        for (low, width), lag in zip(block.clips, block.terms, strict=True):
            np.clip(v_block, np.float32(low), np.float32(low + width), out=w_block)
            if low:
                np.subtract(w_block, np.float32(low), out=w_block)
            total += w_block.T @ lag
    return total


@dataclass(frozen=True)
class ForecastSummary:
    p10: NDArray[np.float64]
    p50: NDArray[np.float64]
    p90: NDArray[np.float64]
    mean: NDArray[np.float64]
    probability: NDArray[np.float64]
    standard_error: NDArray[np.float64]


def forecast_summary(
    totals: ArrayLike, target: ArrayLike, direction: Direction | Sequence[Direction] = "increase"
) -> ForecastSummary:
    """Return P10/P50/P90 per KPI and the probability of meeting its target.

    Percentiles interpolate linearly between order statistics (numpy's default). A target is met
    when the total reaches it (``increase``) or stays at or below it (``decrease``, e.g. imports);
    the Monte Carlo standard error of that share ``P`` over ``n`` scenarios is ``√(P(1 - P)/n)``.
    """
    x = np.atleast_2d(np.asarray(totals, dtype=float))
    goal = np.broadcast_to(np.asarray(target, dtype=float), x.shape[1:])
    directions = np.broadcast_to(np.asarray(direction), x.shape[1:])
    if not np.isin(directions, ("increase", "decrease")).all():
        raise ForecastError("direction_invalid")
    met = np.where(directions == "increase", x >= goal, x <= goal).mean(axis=0)
    p10, p50, p90 = np.percentile(x, [10, 50, 90], axis=0)
    return ForecastSummary(p10, p50, p90, x.mean(axis=0), met, np.sqrt(met * (1 - met) / len(x)))


@dataclass(frozen=True)
class ProjectWeights:
    """Per KPI (rows), the ``top`` projects by share of the forecast's variance, largest first."""

    indices: NDArray[np.intp]
    variance_share: NDArray[np.float64]
    expected: NDArray[np.float64]
    planned: NDArray[np.float64]
    total_variance: NDArray[np.float64]  # per KPI, over every project


def project_weights(
    contributions: ArrayLike,
    stage_index: ArrayLike,
    probs: ArrayLike,
    delays: DelayDistribution | Sequence[DelayDistribution],
    horizon_year: int,
    *,
    first_year: int,
    top: int = 10,
) -> ProjectWeights:
    """Return which projects weigh most on each KPI's forecast, exactly rather than by simulation.

    Projects are independent, so the variance of a total is ``Σ_p Var X_p`` and each project's share
    of it says how much its uncertainty spreads the forecast. With ``X_p = B_p · V_p(D_p)``:
    ``E X_p = q·E V`` and ``Var X_p = q·E V² - q²·(E V)²``; under the delay model ``V = L_a`` on the
    atom ``12a`` and rises linearly from ``L_a`` to ``L_{a+1}`` within year ``a``, so there
    ``E V = (L_a + L_{a+1})/2`` and ``E V² = (L_a² + L_a·L_{a+1} + L_{a+1}²)/3``.
    ``probs`` are the stage means here; drawing them per scenario adds a common, stage-wide part
    that no single project carries.
    """
    q = np.asarray(probs, dtype=float)
    if q.ndim != 1:
        raise ForecastError("probs_invalid")
    stage = np.asarray(stage_index, dtype=np.intp)
    per_stage = _per_stage(delays, len(q))
    years = max(len(d.within_year) for d in per_stage)
    lags = _lags(contributions, first_year, horizon_year, years)
    on_year = np.array([np.pad(d.on_year, (0, years + 1 - len(d.on_year))) for d in per_stage])[stage]
    within = np.array([np.pad(d.within_year, (0, years - len(d.within_year))) for d in per_stage])[stage]
    low, high = lags[:, :, :-1], lags[:, :, 1:]
    m1 = np.einsum("pka,pa->pk", lags, on_year) + np.einsum("pka,pa->pk", (low + high) / 2, within)
    m2 = np.einsum("pka,pa->pk", lags**2, on_year)
    m2 += np.einsum("pka,pa->pk", (low**2 + low * high + high**2) / 3, within)
    mean = q[stage, None] * m1
    variance = np.maximum(q[stage, None] * m2 - mean**2, 0.0)
    share = variance / np.where(variance.sum(axis=0) > 0, variance.sum(axis=0), 1.0)
    order = np.argsort(-share, axis=0, kind="stable")[:top].T
    kpi = np.arange(order.shape[0])[:, None]
    return ProjectWeights(order, share[order, kpi], mean[order, kpi], lags[order, kpi, 0], variance.sum(axis=0))
