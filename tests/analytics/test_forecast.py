"""Pipeline forecast: hand-checked cases, priors against history, and properties that hold by construction."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from ecosys.analytics.forecast import (
    DEFAULT_STAGE_PRIOR,
    NO_DELAY,
    STAGES,
    DelayDistribution,
    ForecastError,
    delay_from_pmf,
    estimate_delay_distribution,
    estimate_stage_probabilities,
    forecast_summary,
    lognormal_delay_pmf,
    project_weights,
    simulate_pipeline,
    stage_probabilities,
)

FIRST, HORIZON = 2020, 2025  # contributions cover 2020..2025, the horizon is the last year
VALIDATED, PRODUCING = STAGES.index("validated"), STAGES.index("in_production")


def plan(*rows: list[float]) -> np.ndarray:
    """Return contributions of one KPI per project, one value per year from 2020 to 2025."""
    return np.array(rows, dtype=float)[:, None, :]


def probs(validated: float) -> np.ndarray:
    q = np.zeros(len(STAGES))
    q[VALIDATED], q[PRODUCING] = validated, 1.0
    return q


def at_months(*months: int) -> DelayDistribution:
    """Return a delay pmf putting equal mass on each of ``months``."""
    pmf = np.zeros(max(months) + 1)
    np.add.at(pmf, list(months), 1 / len(months))
    return delay_from_pmf(pmf)


def simulate(contributions, stages, q, delays=NO_DELAY, **kwargs):
    return simulate_pipeline(contributions, stages, q, delays, HORIZON, first_year=FIRST, **kwargs)


RAMP = [0, 0, 10, 40, 80, 120]
FLAT = [0, 50, 50, 50, 50, 50]

# -- hand-checked cases -----------------------------------------------------------------------------------------------


def test_with_every_probability_one_and_no_delay_the_forecast_equals_the_plan():
    totals = simulate(plan(RAMP, FLAT, [7, 7, 7, 7, 7, 9]), [VALIDATED] * 3, probs(1.0), actuals=3, n_scenarios=500)
    assert_array_equal(totals, np.full((500, 1), 120 + 50 + 9 + 3))


def test_with_every_probability_zero_only_the_actuals_remain():
    totals = simulate(plan(RAMP, FLAT), [VALIDATED, VALIDATED], probs(0.0), actuals=[42.0], n_scenarios=300)
    assert_array_equal(totals, np.full((300, 1), 42.0))


def test_one_project_at_even_odds_meets_its_target_half_the_time_within_monte_carlo_error():
    totals = simulate(plan(RAMP), [VALIDATED], probs(0.5), actuals=30, n_scenarios=10_000, seed=7)
    summary = forecast_summary(totals, target=150)
    # Either the project produces (30 + 120) or not (30): P(meet 150) = 0.5, its standard error √(.25/n) = 0.005.
    assert set(np.unique(totals)) == {30.0, 150.0}
    assert abs(summary.probability[0] - 0.5) < 4 * 0.005
    assert summary.p10[0] == 30 and summary.p90[0] == 150 and summary.p50[0] in (30, 90, 150)
    assert_allclose(summary.standard_error, 0.005, rtol=0.01)
    likelier = forecast_summary(simulate(plan(RAMP), [VALIDATED], probs(0.8), actuals=30, seed=7), target=150)
    assert likelier.p50[0] == 150 and abs(likelier.probability[0] - 0.8) < 4 * 0.004


def test_a_delay_spread_over_the_first_year_gives_the_quantiles_of_a_uniform_by_hand():
    # Delayed by U·12 months, U uniform, the 2025 flow is 120·(1 - U) + 80·U: uniform on (80, 120).
    totals = simulate(plan(RAMP), [VALIDATED], probs(1.0), at_months(*range(1, 12)), n_scenarios=10_000, seed=3)
    summary = forecast_summary(totals, target=110)
    # A uniform's q-quantile has standard error 40·√(q(1-q)/n) <= 0.2; 16-bit uniforms add < 0.01.
    assert_allclose([summary.p10[0], summary.p50[0], summary.p90[0]], [84, 100, 116], atol=1.0)
    assert abs(summary.probability[0] - 0.25) < 4 * np.sqrt(0.25 * 0.75 / 10_000)


def test_a_target_to_decrease_is_met_when_the_total_stays_at_or_under_it():
    totals = np.array([[10.0, 10.0], [20.0, 20.0], [30.0, 30.0], [40.0, 40.0]])
    summary = forecast_summary(totals, target=[20, 20], direction=["increase", "decrease"])
    assert_allclose(summary.probability, [0.75, 0.5])
    with pytest.raises(ForecastError, match="direction_invalid"):
        forecast_summary(totals, target=20, direction="sideways")  # type: ignore[arg-type]


def test_the_monte_carlo_mean_and_variance_agree_with_the_exact_moments():
    rng = np.random.default_rng(11)
    contributions = rng.integers(0, 100, (300, 2, 6)).cumsum(axis=2).astype(float)
    stages = rng.choice([0, 1, 2, 3, 4, 5, 7], 300)
    q = np.array([0.3, 0.4, 0.55, 0.7, 0.9, 1.0, 1.0, 0.35, 0.0])
    delays = [estimate_delay_distribution([])] * 5 + [NO_DELAY] * 2 + [estimate_delay_distribution([30])] * 2
    totals = simulate(contributions, stages, q, delays, n_scenarios=20_000, seed=5)
    exact = project_weights(contributions, stages, q, delays, HORIZON, first_year=FIRST, top=300)
    sd = np.sqrt(exact.total_variance)
    assert (np.abs(totals.mean(axis=0) - exact.expected.sum(axis=1)) < 4 * sd / np.sqrt(len(totals))).all()
    # The sample variance of n near-normal totals has a relative standard error of √(2/n) = 1 %.
    assert_allclose(totals.var(axis=0), exact.total_variance, rtol=0.05)


def test_the_projects_that_weigh_most_are_the_uncertain_ones_with_the_most_at_stake():
    contributions = plan(RAMP, [0, 0, 0, 0, 0, 500], [0, 0, 0, 0, 0, 100])
    weights = project_weights(
        contributions, [PRODUCING, VALIDATED, VALIDATED], probs(0.5), NO_DELAY, HORIZON, first_year=FIRST, top=3
    )
    # Var = q(1 - q)·V²: 0.25·500² and 0.25·100², none for the project already producing.
    assert_array_equal(weights.indices, [[1, 2, 0]])
    assert_allclose(weights.variance_share, [[62500 / 65000, 2500 / 65000, 0.0]])
    assert_allclose(weights.expected, [[250, 50, 120]])
    assert_allclose(weights.planned, [[500, 100, 120]])


def test_stage_probabilities_given_per_scenario_apply_scenario_by_scenario():
    q = np.tile(probs(0.0), (1000, 1))
    q[500:, VALIDATED] = 1.0
    totals = simulate(plan(RAMP, FLAT), [VALIDATED, VALIDATED], q, actuals=5, n_scenarios=1000)
    assert_array_equal(totals[:500], 5.0)
    # Probabilities resolve to 2**-16: one scenario in 65,536 may miss a project drawn with q = 1.
    assert (totals[500:] == 5 + 120 + 50).mean() > 0.99


def test_drawing_stage_probabilities_per_scenario_widens_the_forecast_of_a_thin_history():
    contributions = np.tile(plan(FLAT), (2000, 1, 1))
    estimates = estimate_stage_probabilities([])
    fixed = simulate(contributions, [VALIDATED] * 2000, stage_probabilities(estimates), n_scenarios=2000)
    drawn = stage_probabilities(estimates, n_scenarios=2000, seed=2)
    uncertain = simulate(contributions, [VALIDATED] * 2000, drawn, n_scenarios=2000)
    # Fixed q: binomial spread 50·√(2000·0.55·0.45) ≈ 1,100; Beta(5.5, 4.5) q: 50·2000·0.15 ≈ 15,000.
    assert uncertain.std() > 5 * fixed.std()
    assert abs(uncertain.mean() - fixed.mean()) < 4 * uncertain.std() / np.sqrt(2000)


# -- reproducibility --------------------------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_scenarios_whatever_the_number_of_workers():
    contributions = plan(RAMP, FLAT, RAMP)
    delay = estimate_delay_distribution([3, 14, 25])
    one = simulate(contributions, [VALIDATED] * 3, probs(0.6), delay, n_scenarios=1000, seed=9, workers=1)
    two = simulate(contributions, [VALIDATED] * 3, probs(0.6), delay, n_scenarios=1000, seed=9, workers=2)
    other = simulate(contributions, [VALIDATED] * 3, probs(0.6), delay, n_scenarios=1000, seed=10)
    assert_array_equal(one, two)
    assert not np.array_equal(one, other)


# -- priors and history -----------------------------------------------------------------------------------------------


def history(*statuses: str) -> list[tuple[date, str]]:
    return [(date(2018 + i, 1, 1), status) for i, status in enumerate(statuses)]


def test_without_history_the_stage_probabilities_are_the_prior():
    estimates = estimate_stage_probabilities([])
    assert {stage: e.mean for stage, e in estimates.items()} == pytest.approx(DEFAULT_STAGE_PRIOR)
    assert estimates["agreement_signed"].alpha == pytest.approx(7.0)


def test_a_stage_posterior_adds_decided_projects_to_the_prior_and_leaves_out_undecided_ones():
    histories = [
        history("agreement_signed", "under_construction", "in_production"),
        history("agreement_signed", "in_production", "abandoned"),  # produced before it was abandoned
        history("agreement_signed", "suspended", "agreement_signed", "in_production"),
        history("agreement_signed", "abandoned"),
        history("agreement_signed", "under_construction"),  # still undecided
    ]
    signed = estimate_stage_probabilities(histories)["agreement_signed"]
    assert (signed.successes, signed.failures, signed.censored) == (3, 1, 1)
    # Beta(10·0.7 + 3, 10·0.3 + 1) = Beta(10, 4).
    assert (signed.alpha, signed.beta, signed.mean) == pytest.approx((10, 4, 10 / 14))
    assert signed.interval90[0] < signed.mean < signed.interval90[1]


def test_with_much_history_the_stage_probabilities_follow_the_history():
    decided = [history("validated", "in_production")] * 900 + [history("validated", "abandoned")] * 100
    assert estimate_stage_probabilities(decided)["validated"].mean == pytest.approx(0.9, abs=0.005)


def test_without_observations_the_delay_is_the_prior_and_with_many_it_follows_them():
    prior = estimate_delay_distribution([])
    pmf = lognormal_delay_pmf()
    assert prior.mean_months == pytest.approx(np.arange(len(pmf)) @ pmf)
    assert prior.on_year[0] >= 0.25
    observed = estimate_delay_distribution([24] * 2000)
    assert observed.mean_months == pytest.approx(24, abs=0.1)


def test_drawn_stage_probabilities_vary_around_the_posterior_and_certain_stages_stay_fixed():
    estimates = estimate_stage_probabilities([])
    draws = stage_probabilities(estimates, n_scenarios=20_000, seed=1)
    assert draws.shape == (20_000, len(STAGES))
    assert_allclose(draws[:, STAGES.index("validated")].mean(), 0.55, atol=0.01)
    assert_array_equal(draws[:, [PRODUCING, STAGES.index("abandoned")]], [[1.0, 0.0]] * 20_000)
    assert_allclose(stage_probabilities(estimates)[STAGES.index("identified")], 0.30)


@given(st.lists(st.floats(0, 1), min_size=1, max_size=40).filter(lambda xs: sum(xs) > 0))
def test_holding_a_delay_pmf_as_yearly_atoms_and_spreads_keeps_its_mean_and_its_mass_per_year(weights):
    pmf = np.array(weights) / sum(weights)
    delay = delay_from_pmf(pmf)
    assert delay.mean_months == pytest.approx(np.arange(len(pmf)) @ pmf, abs=1e-9)
    assert delay.on_year.sum() + delay.within_year.sum() == pytest.approx(1.0)
    assert (delay.on_year >= -1e-12).all() and (delay.within_year >= -1e-12).all()


# -- properties ----------------------------------------------------------------------------------------------------


@st.composite
def pipelines(draw):
    n = draw(st.integers(1, 6))
    rows = draw(st.lists(st.lists(st.integers(0, 100), min_size=6, max_size=6), min_size=n, max_size=n))
    stages = draw(st.lists(st.sampled_from([0, 1, 2, 3, 4]), min_size=n, max_size=n))
    q = np.array(draw(st.lists(st.floats(0, 1), min_size=len(STAGES), max_size=len(STAGES))))
    delays = draw(st.lists(st.integers(0, 36), min_size=1, max_size=4))
    return np.cumsum(rows, axis=1).astype(float)[:, None, :], stages, q, at_months(*delays, 36)


@settings(max_examples=40, deadline=None)
@given(pipelines(), st.integers(0, 4), st.floats(0, 1))
def test_raising_a_stage_probability_never_lowers_a_scenario_nor_the_median(pipeline, stage, rise):
    contributions, stages, q, delays = pipeline
    raised = q.copy()
    raised[stage] = q[stage] + (1 - q[stage]) * rise
    before = simulate(contributions, stages, q, delays, n_scenarios=300, seed=4)
    after = simulate(contributions, stages, raised, delays, n_scenarios=300, seed=4)
    # Common random numbers: a project realised before stays realised with the same delay.
    assert (after >= before - 1e-3).all()
    assert (forecast_summary(after, 0).p50 >= forecast_summary(before, 0).p50 - 1e-3).all()


def test_a_delay_of_exactly_a_year_gives_the_plan_of_the_year_before():
    totals = simulate(plan(RAMP, FLAT), [VALIDATED, PRODUCING], probs(1.0), [at_months(12)] * len(STAGES))
    assert_array_equal(totals, np.full((10_000, 1), 80 + 50))


@settings(max_examples=40, deadline=None)
@given(pipelines())
def test_delays_only_push_contributions_later(pipeline):
    contributions, stages, _q, delays = pipeline
    on_time = simulate(contributions, stages, np.ones(len(STAGES)), NO_DELAY, n_scenarios=200)
    late = simulate(contributions, stages, np.ones(len(STAGES)), delays, n_scenarios=200)
    # Plans grow year on year, so a later start can only lower the horizon value, down to the plan 3 years before.
    assert (late <= on_time + 1e-3).all()
    assert (late >= contributions[:, 0, 2].sum() - 1e-3).all()


def test_a_horizon_outside_the_planned_years_is_refused():
    with pytest.raises(ForecastError, match="horizon_outside_contributions"):
        simulate_pipeline(plan(RAMP), [VALIDATED], probs(0.5), NO_DELAY, 2031, first_year=FIRST)
