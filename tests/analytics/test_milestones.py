"""Milestone paths: property tests (monotone, hit baseline and horizon, overrides respected)."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from ecosys.analytics.milestones import MilestoneError, milestone_path, shape_fraction

values = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)
shapes = st.sampled_from(["linear", "s_curve"])


@st.composite
def targets(draw):
    baseline_year = draw(st.integers(min_value=1990, max_value=2040))
    span = draw(st.integers(min_value=1, max_value=30))
    return {
        "baseline_value": draw(values),
        "baseline_year": baseline_year,
        "horizon_value": draw(values),
        "horizon_year": baseline_year + span,
        "shape": draw(shapes),
    }


def _is_monotone(seq: list[float], increasing: bool, tol: float) -> bool:
    pairs = pairwise(seq)
    return all(b >= a - tol for a, b in pairs) if increasing else all(b <= a + tol for a, b in pairs)


@given(targets())
def test_a_path_has_one_milestone_a_year_and_ends_on_the_horizon_target(t):
    path = milestone_path(**t)
    assert [m.year for m in path] == list(range(t["baseline_year"] + 1, t["horizon_year"] + 1))
    assert path[-1].value == t["horizon_value"]


@given(targets())
def test_a_path_without_overrides_is_monotone_from_baseline_to_horizon(t):
    path = [t["baseline_value"]] + [m.value for m in milestone_path(**t)]
    tol = 1e-9 * max(1.0, abs(t["baseline_value"]), abs(t["horizon_value"]))
    assert _is_monotone(path, t["horizon_value"] >= t["baseline_value"], tol)
    low, high = sorted((t["baseline_value"], t["horizon_value"]))
    assert all(low - tol <= v <= high + tol for v in path)


@given(targets(), st.data())
def test_overrides_are_kept_exactly_and_monotone_overrides_keep_the_path_monotone(t, data):
    inner = list(range(t["baseline_year"] + 1, t["horizon_year"]))
    if not inner:
        return
    years = data.draw(st.lists(st.sampled_from(inner), unique=True, max_size=len(inner)))
    # Monotone anchors: sorted fractions of the way from baseline to horizon.
    fractions = sorted(data.draw(st.lists(st.floats(0, 1), min_size=len(years), max_size=len(years))))
    b, h = t["baseline_value"], t["horizon_value"]
    overrides = {y: b + (h - b) * f for y, f in zip(sorted(years), fractions, strict=True)}
    path = milestone_path(**t, overrides=overrides)
    by_year = {m.year: m for m in path}
    for year, value in overrides.items():
        assert by_year[year].value == value
        assert by_year[year].overridden
    tol = 1e-9 * max(1.0, abs(b), abs(h))
    assert _is_monotone([b] + [m.value for m in path], h >= b, tol)


def test_the_linear_path_of_the_imm_jobs_target_adds_the_same_number_each_year():
    path = milestone_path(baseline_value=0, baseline_year=2015, horizon_value=13340, horizon_year=2020)
    assert_allclose([m.value for m in path], [2668, 5336, 8004, 10672, 13340])


def test_the_s_curve_starts_slow_and_is_symmetric_around_mid_course():
    assert shape_fraction(0, "s_curve") == 0
    assert shape_fraction(1, "s_curve") == pytest.approx(1)
    assert shape_fraction(0.5, "s_curve") == pytest.approx(0.5)
    assert shape_fraction(0.2, "s_curve") < 0.2
    assert shape_fraction(0.2, "s_curve") + shape_fraction(0.8, "s_curve") == pytest.approx(1)


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({2021: 1.0}, "override_beyond_horizon"),
        ({2015: 1.0}, "override_before_baseline"),
        ({2020: 1.0}, "override_of_horizon"),
    ],
)
def test_a_milestone_outside_the_open_span_is_refused(overrides, code):
    with pytest.raises(MilestoneError) as excinfo:
        milestone_path(baseline_value=0, baseline_year=2015, horizon_value=10, horizon_year=2020, overrides=overrides)
    assert excinfo.value.code == code


def test_a_horizon_not_after_the_baseline_is_refused():
    with pytest.raises(MilestoneError) as excinfo:
        milestone_path(baseline_value=0, baseline_year=2020, horizon_value=10, horizon_year=2020)
    assert excinfo.value.code == "horizon_not_after_baseline"
