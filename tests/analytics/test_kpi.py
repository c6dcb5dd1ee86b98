"""KPI engine: hand-computed tables for each measure kind and period, and roll-up properties."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from ecosys.analytics.kpi import KpiError, Observations, Ratio, aggregate, period_key, stock_change

# Company a (ecosystem E1) declares in January and February; b (E1) in March and May; c (E2) in May.
ROWS = [("a", 202401, 1.0), ("a", 202402, 2.0), ("b", 202403, 4.0), ("b", 202405, 8.0), ("c", 202405, 16.0)]
ECOSYSTEMS = {"a": "E1", "b": "E1", "c": "E2"}
NAN = np.nan


def test_period_keys_name_the_month_the_quarter_and_the_year_from_a_date_or_a_yyyymm():
    assert period_key(date(2024, 8, 31), "month") == 202408
    assert period_key(202408, "quarter") == 20243
    assert period_key(202401, "quarter") == 20241
    assert period_key(202412, "quarter") == 20244
    assert period_key(date(2024, 12, 1), "year") == 2024
    assert period_key(202408, "cumulative") == 202408


def test_a_flow_adds_up_over_the_months_of_the_period_and_over_the_units_of_the_group():
    monthly = aggregate(ROWS, "flow", "month", groups=ECOSYSTEMS)
    assert_array_equal(monthly.groups, ["E1", "E2"])
    assert_array_equal(monthly.periods, [202401, 202402, 202403, 202404, 202405])
    assert_array_equal(monthly.values, [[1, 2, 4, NAN, 8], [NAN, NAN, NAN, NAN, 16]])
    quarterly = aggregate(ROWS, "flow", "quarter", groups=ECOSYSTEMS)
    cells = quarterly.as_dict()
    assert (cells[("E1", 20241)], cells[("E1", 20242)], cells[("E2", 20242)]) == (7.0, 8.0, 16.0)
    assert np.isnan(cells[("E2", 20241)])
    assert aggregate(ROWS, "flow", "year").value("b", 2024) == 12.0


def test_a_month_without_any_declaration_is_no_data_rather_than_zero():
    monthly = aggregate(ROWS, "flow", "month", groups=ECOSYSTEMS)
    assert np.isnan(monthly.value("E1", 202404))
    assert not monthly.observed[0, 3]
    assert monthly.observed[0, 4]


def test_a_cumulative_flow_adds_what_comes_after_the_baseline_month():
    cumulative = aggregate(ROWS, "flow", "cumulative", groups=ECOSYSTEMS, baseline=202401)
    assert_array_equal(cumulative.periods, [202402, 202403, 202404, 202405])
    assert_array_equal(cumulative.values[0], [2, 6, 6, 14])
    without_baseline = aggregate(ROWS, "flow", "cumulative", groups=ECOSYSTEMS)
    assert_array_equal(without_baseline.values[0], [1, 3, 7, 7, 15])


def test_a_stock_takes_each_units_last_value_carried_forward_and_adds_across_units():
    monthly = aggregate(ROWS, "stock", "month", groups=ECOSYSTEMS)
    # a keeps 2 after February; b is counted from March.
    assert_array_equal(monthly.values[0], [1, 2, 6, 6, 10])
    quarterly = aggregate(ROWS, "stock", "quarter", groups=ECOSYSTEMS)
    assert_array_equal(quarterly.values[0], [6, 10])
    assert aggregate(ROWS, "stock", "year", groups=ECOSYSTEMS).value("E1", 2024) == 10.0


def test_without_carry_forward_a_unit_silent_in_a_period_adds_nothing_to_it():
    monthly = aggregate(ROWS, "stock", "month", groups=ECOSYSTEMS, carry_forward=False)
    assert_array_equal(monthly.values[0], [1, 2, 4, NAN, 8])
    quarterly = aggregate(ROWS, "stock", "quarter", groups=ECOSYSTEMS, carry_forward=False)
    assert_array_equal(quarterly.values[0], [6, 8])


def test_a_cumulative_stock_is_the_level_at_the_end_of_each_month_since_the_baseline():
    cumulative = aggregate(ROWS, "stock", "cumulative", groups=ECOSYSTEMS, baseline=202402)
    assert_array_equal(cumulative.periods, [202403, 202404, 202405])
    assert_array_equal(cumulative.values[0], [6, 6, 10])
    # Without carry-forward a's value from before the baseline no longer counts.
    strict = aggregate(ROWS, "stock", "cumulative", groups=ECOSYSTEMS, baseline=202402, carry_forward=False)
    assert_array_equal(strict.values[0], [4, 4, 8])


def test_stock_change_is_the_level_minus_the_level_at_the_baseline_with_new_units_starting_from_zero():
    change = stock_change(ROWS, baseline=202402, groups=ECOSYSTEMS)
    assert_array_equal(change.periods, [202403, 202404, 202405])
    assert_array_equal(change.values, [[4, 4, 8], [NAN, NAN, 16]])
    assert_array_equal(stock_change(ROWS, baseline=202402, granularity="quarter", groups=ECOSYSTEMS).values[0], [4, 8])


def test_a_ratio_is_the_quotient_of_the_aggregated_numerator_and_denominator():
    exports = Observations.from_rows([("a", 202401, 30.0), ("a", 202402, 10.0), ("b", 202402, 60.0)])
    turnover = Observations.from_rows([("a", 202401, 100.0), ("a", 202402, 100.0), ("b", 202402, 100.0)])
    share = aggregate(Ratio(exports, turnover), "ratio", "quarter", groups={"a": "E1", "b": "E1"})
    assert_allclose(share.value("E1", 20241), 100.0 / 300.0)


def test_a_programme_ratio_is_total_numerator_over_total_denominator_not_the_mean_of_group_ratios():
    women = Observations.from_rows([("a", 202401, 1.0), ("b", 202401, 1.0)])
    staff = Observations.from_rows([("a", 202401, 1.0), ("b", 202401, 9.0)])
    ratio = Ratio(women, staff, "stock", "stock")
    per_company = aggregate(ratio, "ratio", "month")
    assert_allclose(per_company.values[:, 0], [1.0, 1 / 9])
    programme = aggregate(ratio, "ratio", "month", groups={"a": "P", "b": "P"})
    assert_allclose(programme.value("P", 202401), 0.2)
    assert not np.isclose(programme.value("P", 202401), per_company.values[:, 0].mean())


def test_a_zero_denominator_gives_a_flagged_nan_never_zero_or_infinity():
    ratio = Ratio(Observations.from_rows([("a", 202401, 5.0)]), Observations.from_rows([("a", 202401, 0.0)]))
    table = aggregate(ratio, "ratio", "month")
    assert np.isnan(table.value("a", 202401))
    assert table.zero_denominator[0, 0]
    assert table.observed[0, 0]


def test_columns_dates_and_datetime64_give_the_same_table_as_rows():
    by_rows = aggregate(ROWS, "flow", "quarter")
    units, months, values = zip(*ROWS, strict=True)
    as_dates = [date(m // 100, m % 100, 15) for m in months]
    for months_column in (as_dates, np.array([f"{m // 100}-{m % 100:02d}" for m in months], dtype="datetime64[M]")):
        table = aggregate(
            Observations.from_columns(np.array(units), months_column, np.array(values)), "flow", "quarter"
        )
        assert_array_equal(table.values, by_rows.values)
        assert_array_equal(table.periods, by_rows.periods)


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: aggregate(ROWS, "flow", "month", groups={"a": "E1"}), "unit_without_group"),
        (lambda: aggregate([*ROWS, ("a", 202401, 3.0)], "stock", "month"), "duplicate_unit_month"),
        (lambda: aggregate([("a", 202413, 1.0)], "flow", "month"), "bad_month"),
        (lambda: aggregate([("a", 202401, float("inf"))], "flow", "month"), "non_finite_value"),
        (lambda: aggregate(ROWS, "ratio", "month"), "ratio_needs_numerator_and_denominator"),
        (lambda: aggregate(ROWS, "flow", "month", baseline=202401), "baseline_only_for_cumulative"),
        (lambda: aggregate(ROWS, "average", "month"), "unknown_kind"),  # type: ignore[arg-type]
        (lambda: aggregate(ROWS, "flow", "week"), "unknown_granularity"),  # type: ignore[arg-type]
    ],
)
def test_bad_input_is_refused_with_a_code_that_names_the_problem(call, code):
    with pytest.raises(KpiError) as error:
        call()
    assert error.value.code == code


def test_repeated_rows_of_a_flow_add_up():
    assert aggregate([("a", 202401, 1.0), ("a", 202401, 2.0)], "flow", "month").value("a", 202401) == 3.0


# ---- properties ---------------------------------------------------------------------------------

UNITS = [f"u{i}" for i in range(6)]
MONTHS = [y * 100 + m for y in (2023, 2024) for m in range(1, 13)]
GRANULARITIES = ["month", "quarter", "year", "cumulative"]


@st.composite
def observations(draw, unique=False):
    keys = st.tuples(st.sampled_from(UNITS), st.sampled_from(MONTHS))
    pairs = draw(st.lists(keys, min_size=1, max_size=40, unique=unique))
    values = draw(st.lists(st.integers(0, 1000), min_size=len(pairs), max_size=len(pairs)))
    return [(u, m, float(v)) for (u, m), v in zip(pairs, values, strict=True)]


ecosystem_maps = st.lists(st.sampled_from(["E1", "E2", "E3"]), min_size=len(UNITS), max_size=len(UNITS)).map(
    lambda labels: dict(zip(UNITS, labels, strict=True))
)
PROGRAMME = dict.fromkeys(UNITS, "P")


def _assert_is_the_sum_of_rows(total, parts):
    assert_array_equal(total.observed[0], parts.observed.any(axis=0))
    assert_allclose(np.nan_to_num(total.values[0]), np.nansum(parts.values, axis=0))


@given(observations(unique=True), ecosystem_maps, st.sampled_from(["flow", "stock"]), st.sampled_from(GRANULARITIES))
def test_for_flows_and_stocks_the_programme_equals_the_sum_of_its_ecosystems_in_every_period(rows, eco, kind, gran):
    for carry_forward in (True, False):
        programme = aggregate(rows, kind, gran, groups=PROGRAMME, carry_forward=carry_forward)
        ecosystems = aggregate(rows, kind, gran, groups=eco, carry_forward=carry_forward)
        assert_array_equal(programme.periods, ecosystems.periods)
        _assert_is_the_sum_of_rows(programme, ecosystems)


@given(observations(unique=True), ecosystem_maps, st.sampled_from(MONTHS))
def test_the_programme_stock_change_equals_the_sum_of_its_ecosystems(rows, eco, baseline):
    _assert_is_the_sum_of_rows(
        stock_change(rows, baseline=baseline, groups=PROGRAMME), stock_change(rows, baseline=baseline, groups=eco)
    )


@given(
    observations(unique=True),
    st.lists(st.integers(0, 50), min_size=40, max_size=40),
    ecosystem_maps,
    st.sampled_from(GRANULARITIES),
)
def test_the_programme_ratio_is_the_total_numerator_over_the_total_denominator(num_rows, den_values, eco, gran):
    # The denominator (a stock, zeros included) is declared on the numerator's rows, so the two
    # parts aggregated alone span the same periods as the ratio.
    den_rows = [(u, m, float(d)) for (u, m, _), d in zip(num_rows, den_values, strict=False)]
    ratio = Ratio(Observations.from_rows(num_rows), Observations.from_rows(den_rows), "flow", "stock")
    programme = aggregate(ratio, "ratio", gran, groups=PROGRAMME)
    numerator, denominator = (aggregate(r, k, gran, groups=eco) for r, k in ((num_rows, "flow"), (den_rows, "stock")))
    assert_array_equal(programme.periods, numerator.periods)
    total_n, total_d = np.nansum(numerator.values, axis=0), np.nansum(denominator.values, axis=0)
    both = numerator.observed.any(axis=0) & denominator.observed.any(axis=0)
    defined = both & (total_d != 0)
    assert_allclose(programme.values[0, defined], total_n[defined] / total_d[defined])
    assert np.isnan(programme.values[0, ~defined]).all()
    assert_array_equal(programme.zero_denominator[0], both & (total_d == 0))


@given(
    observations(unique=True),
    ecosystem_maps,
    st.sampled_from(["flow", "stock"]),
    st.sampled_from(GRANULARITIES),
    st.randoms(use_true_random=False),
)
def test_aggregation_does_not_depend_on_the_order_of_the_rows(rows, eco, kind, gran, rnd):
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    first, second = (aggregate(r, kind, gran, groups=eco) for r in (rows, shuffled))
    assert_array_equal(first.periods, second.periods)
    assert_array_equal(first.observed, second.observed)
    assert_allclose(first.values, second.values)


@given(observations(), ecosystem_maps)
def test_for_flows_months_add_up_to_quarters_and_quarters_add_up_to_years(rows, eco):
    tables = {g: aggregate(rows, "flow", g, groups=eco) for g in ("month", "quarter", "year")}
    for fine, coarse, key in (
        ("month", "quarter", lambda p: (p // 100) * 10 + (p % 100 - 1) // 3 + 1),
        ("quarter", "year", lambda p: p // 10),
    ):
        small, large = tables[fine], tables[coarse]
        owner = np.array([large.periods.tolist().index(key(p)) for p in small.periods.tolist()])
        for j in range(large.periods.size):
            within = small.values[:, owner == j]
            assert_allclose(np.nan_to_num(large.values[:, j]), np.nansum(within, axis=1))


@given(observations(unique=True), ecosystem_maps)
def test_with_carry_forward_a_stocks_year_is_its_last_quarter_and_its_quarter_its_last_month(rows, eco):
    month, quarter, year = (aggregate(rows, "stock", g, groups=eco) for g in ("month", "quarter", "year"))
    assert_array_equal(quarter.values[:, -1], month.values[:, -1])
    assert_array_equal(year.values[:, -1], quarter.values[:, -1])
    for j, q in enumerate(quarter.periods.tolist()[:-1]):
        last_month = (q // 10) * 100 + (q % 10) * 3
        assert_array_equal(quarter.values[:, j], month.values[:, month.periods.tolist().index(last_month)])
