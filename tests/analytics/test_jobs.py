"""Counting jobs: hand-computed firms, the reconciliation tolerance, and properties that hold by construction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from math import gcd

from hypothesis import example, given
from hypothesis import strategies as st

from ecosys.analytics.jobs import JobsCount, MonthFigures, count_jobs, reconcile, total_jobs

AGREEMENT = date(2017, 3, 1)
END_2018 = date(2018, 12, 1)


def month(index: int) -> date:
    """Return the first day of the month ``index`` months after January 2015."""
    return date(2015 + index // 12, index % 12 + 1, 1)


def index_of(day: date) -> int:
    return (day.year - 2015) * 12 + day.month - 1


# A firm that declared before its agreement, at it, after it, and once after the date counted.
FIRM = [
    MonthFigures(date(2017, 1, 1), declared=100, cnss=98),
    MonthFigures(date(2017, 3, 1), declared=105, cnss=100, gross_hires=6),
    MonthFigures(date(2017, 6, 1), declared=130, cnss=125, gross_hires=30),
    MonthFigures(date(2018, 12, 1), declared=160, cnss=150, gross_hires=40),
    MonthFigures(date(2019, 1, 1), declared=999, cnss=999, gross_hires=50),
]


# -- hand-computed firms ------------------------------------------------------------------------------------------


def test_net_verified_is_the_change_of_the_cnss_headcount_since_the_agreement_month():
    count = count_jobs(FIRM, baseline_month=AGREEMENT, as_of=END_2018)
    assert count.baseline_cnss == 100
    assert count.headcount_cnss == 150
    assert count.net_verified == 50


def test_net_declared_is_the_change_of_the_declared_headcount_since_the_agreement_month():
    count = count_jobs(FIRM, baseline_month=AGREEMENT, as_of=END_2018)
    assert (count.baseline_declared, count.headcount_declared, count.net_declared) == (105, 160, 55)


def test_gross_hires_add_the_hires_after_the_agreement_month_up_to_the_date_counted():
    # 6 hires in the agreement month and 50 after December 2018 are left out: 30 + 40.
    assert count_jobs(FIRM, baseline_month=AGREEMENT, as_of=END_2018).gross_hires == 70


def test_the_baseline_is_the_figure_of_the_agreement_month_itself_without_any_note():
    count = count_jobs(FIRM, baseline_month=AGREEMENT, as_of=END_2018)
    assert count.baseline_month == AGREEMENT
    assert count.notes == ()


def test_without_a_figure_in_the_agreement_month_the_baseline_is_the_last_one_before_it():
    series = [
        MonthFigures(date(2016, 11, 1), declared=70, cnss=72),
        MonthFigures(date(2017, 5, 1), declared=90, cnss=88),
        MonthFigures(date(2018, 12, 1), declared=120, cnss=118),
    ]
    count = count_jobs(series, baseline_month=AGREEMENT, as_of=END_2018)
    assert count.baseline_month == date(2016, 11, 1)
    assert (count.net_verified, count.net_declared) == (118 - 72, 120 - 70)
    assert count.notes == ()


def test_a_firm_that_started_after_its_agreement_counts_from_its_first_figure_and_says_so():
    series = [
        MonthFigures(date(2017, 5, 1), declared=10, cnss=12, gross_hires=10),
        MonthFigures(date(2018, 12, 1), declared=50, cnss=47, gross_hires=45),
    ]
    count = count_jobs(series, baseline_month=AGREEMENT, as_of=END_2018)
    assert count.baseline_month == date(2017, 5, 1)
    assert (count.baseline_declared, count.baseline_cnss) == (10, 12)
    assert (count.net_declared, count.net_verified) == (40, 35)
    assert count.gross_hires == 55
    assert set(count.notes) == {"declared_baseline_after_agreement", "cnss_baseline_after_agreement"}


def test_a_firm_whose_first_figure_comes_after_the_date_counted_has_no_baseline_and_no_count():
    series = [MonthFigures(date(2019, 2, 1), declared=10, cnss=10)]
    count = count_jobs(series, baseline_month=AGREEMENT, as_of=END_2018)
    assert (count.baseline_declared, count.baseline_cnss, count.baseline_month) == (None, None, None)
    assert (count.net_declared, count.net_verified, count.gross_hires) == (None, None, 0)
    assert "no_cnss_record" in count.notes


def test_a_firm_without_cnss_records_has_a_declared_count_but_no_verified_one():
    series = [
        MonthFigures(date(2017, 3, 1), declared=40, gross_hires=3),
        MonthFigures(date(2018, 12, 1), declared=65, gross_hires=30),
    ]
    count = count_jobs(series, baseline_month=AGREEMENT, as_of=END_2018)
    assert count.net_declared == 25
    assert count.net_verified is None
    assert count.notes == ("no_cnss_record",)


def test_total_jobs_adds_firms_and_a_firm_without_cnss_counts_only_in_the_declared_figure():
    with_cnss = count_jobs(FIRM, baseline_month=AGREEMENT, as_of=END_2018)  # verified 50, declared 55, hires 70
    other = count_jobs(
        [
            MonthFigures(date(2016, 1, 1), declared=200, cnss=210),
            MonthFigures(date(2018, 6, 1), declared=190, cnss=195),
        ],
        baseline_month=date(2016, 6, 1),
        as_of=END_2018,
    )  # verified -15, declared -10, no hires
    without_cnss = count_jobs(
        [MonthFigures(date(2017, 3, 1), declared=40), MonthFigures(date(2018, 12, 1), declared=65, gross_hires=30)],
        baseline_month=AGREEMENT,
        as_of=END_2018,
    )  # declared 25, hires 30
    total = total_jobs([with_cnss, other, without_cnss])
    assert total.firms == 3
    assert total.firms_verified == 2
    assert total.net_verified == 50 - 15
    assert total.net_declared == 55 - 10 + 25
    assert total.gross_hires == 70 + 0 + 30


def test_the_total_of_no_firm_is_zero_everywhere():
    total = total_jobs([])
    assert (total.firms, total.firms_verified, total.net_verified, total.net_declared, total.gross_hires) == (
        0,
        0,
        0,
        0,
        0,
    )


# -- reconciliation -----------------------------------------------------------------------------------------------


def test_a_declared_headcount_exactly_at_the_percent_tolerance_is_verified_and_one_more_is_not():
    # 5 % of 100 = 5 jobs, larger than the 2 jobs of absolute tolerance.
    assert reconcile(105, 100, 2, 5.0) == "verified"
    assert reconcile(95, 100, 2, 5.0) == "verified"
    assert reconcile(106, 100, 2, 5.0) == "discrepancy"
    assert reconcile(94, 100, 2, 5.0) == "discrepancy"


def test_a_declared_headcount_exactly_at_the_absolute_tolerance_is_verified_when_it_is_the_larger():
    # 5 % of 20 = 1 job, smaller than the 2 jobs of absolute tolerance.
    assert reconcile(22, 20, 2, 5.0) == "verified"
    assert reconcile(18, 20, 2, 5.0) == "verified"
    assert reconcile(23, 20, 2, 5.0) == "discrepancy"
    assert reconcile(17, 20, 2, 5.0) == "discrepancy"


def test_a_fractional_percent_tolerance_is_not_rounded_down_to_the_absolute_one():
    # 5 % of 50 = 2.5 jobs: a difference of 2 is verified, of 3 is not.
    assert reconcile(52, 50, 2, 5.0) == "verified"
    assert reconcile(53, 50, 2, 5.0) == "discrepancy"
    assert reconcile(47, 50, 2, 5.0) == "discrepancy"


def test_a_headcount_without_its_cnss_figure_or_without_a_declaration_is_unverified():
    assert reconcile(10, None, 2, 5.0) == "unverified"
    assert reconcile(None, 10, 2, 5.0) == "unverified"
    assert reconcile(None, None, 2, 5.0) == "unverified"


@given(
    multiple=st.integers(min_value=1, max_value=1_000),
    cents=st.integers(min_value=0, max_value=10_000),
    above=st.booleans(),
)
@example(multiple=1, cents=2_900, above=True)  # 29 % of 100 is 29 jobs
def test_a_difference_exactly_at_the_percent_tolerance_is_verified_for_any_two_decimal_policy(multiple, cents, above):
    """The policy stores the percent with two decimals; the boundary must not depend on float rounding."""
    percent = Decimal(cents) / 100
    cnss = multiple * 10_000 // gcd(cents, 10_000)  # so that percent / 100 · cnss is a whole number of jobs
    difference = int(percent * cnss / 100)
    assert difference == percent * cnss / 100
    declared = cnss + difference if above else cnss - difference
    assert reconcile(declared, cnss, 0, float(percent)) == "verified"


@given(
    cnss=st.integers(min_value=0, max_value=100_000),
    declared=st.integers(min_value=0, max_value=100_000),
    jobs=st.integers(min_value=0, max_value=50),
    percent=st.floats(min_value=0, max_value=50),
)
def test_a_difference_within_the_absolute_tolerance_is_always_verified(cnss, declared, jobs, percent):
    if abs(declared - cnss) <= jobs:
        assert reconcile(declared, cnss, jobs, percent) == "verified"


# -- properties ---------------------------------------------------------------------------------------------------


@st.composite
def sparse_cnss_series(draw):
    """A firm's months (distinct, in random order), each with a CNSS figure or not, and the two dates."""
    indices = draw(st.lists(st.integers(min_value=0, max_value=71), unique=True, max_size=30))
    series = [
        MonthFigures(
            month(i),
            declared=draw(st.none() | st.integers(0, 5000)),
            cnss=draw(st.none() | st.integers(0, 5000)),
            gross_hires=draw(st.none() | st.integers(0, 300)),
        )
        for i in indices
    ]
    agreement = draw(st.integers(min_value=0, max_value=71))
    as_of = draw(st.integers(min_value=agreement, max_value=71))
    return series, month(agreement), month(as_of)


@given(sparse_cnss_series())
def test_net_verified_of_a_firm_is_its_last_cnss_figure_minus_its_baseline_cnss_figure(case):
    series, agreement, as_of = case
    cnss = sorted((f.month, f.cnss) for f in series if f.cnss is not None)
    up_to_date = [h for m, h in cnss if m <= as_of]
    at_agreement = [h for m, h in cnss if m <= agreement]
    after_agreement = [h for m, h in cnss if agreement < m <= as_of]
    baseline = at_agreement[-1] if at_agreement else (after_agreement[0] if after_agreement else None)

    count = count_jobs(series, baseline_month=agreement, as_of=as_of)

    assert count.baseline_cnss == baseline
    if baseline is None:
        assert count.net_verified is None
        assert "no_cnss_record" in count.notes
    else:
        assert count.net_verified == up_to_date[-1] - baseline


@given(sparse_cnss_series())
def test_gross_hires_add_only_the_months_after_the_agreement_up_to_the_date_counted(case):
    series, agreement, as_of = case
    count = count_jobs(series, baseline_month=agreement, as_of=as_of)
    assert count.gross_hires == sum(f.gross_hires or 0 for f in series if agreement < f.month <= as_of)


@st.composite
def consistent_firm(draw):
    """A firm declaring every month whose headcount moves by exactly its hires minus its departures."""
    start = draw(st.integers(min_value=0, max_value=60))
    length = draw(st.integers(min_value=1, max_value=60))
    headcount = draw(st.integers(min_value=0, max_value=500))
    no_departures = draw(st.booleans())
    series = [MonthFigures(month(start), declared=headcount, gross_hires=draw(st.integers(0, 50)))]
    for i in range(start + 1, start + length):
        hires = draw(st.integers(min_value=0, max_value=50))
        departures = 0 if no_departures else draw(st.integers(min_value=0, max_value=headcount + hires))
        headcount += hires - departures
        series.append(MonthFigures(month(i), declared=headcount, gross_hires=hires))
    agreement = draw(st.integers(min_value=0, max_value=start + length - 1))
    as_of = draw(st.integers(min_value=max(agreement, start), max_value=start + length - 1))
    return series, month(agreement), month(as_of), no_departures


@given(consistent_firm())
def test_gross_hires_are_never_below_net_declared_when_headcounts_follow_hires_and_departures(case):
    series, agreement, as_of, _no_departures = case
    count = count_jobs(series, baseline_month=agreement, as_of=as_of)
    assert count.net_declared is not None
    assert count.gross_hires >= count.net_declared


@given(consistent_firm())
def test_without_departures_gross_hires_equal_net_declared_when_the_firm_declared_at_its_agreement(case):
    series, agreement, as_of, no_departures = case
    if not no_departures or series[0].month > agreement:
        return
    count = count_jobs(series, baseline_month=agreement, as_of=as_of)
    assert count.gross_hires == count.net_declared


def _count(net_verified: int | None, net_declared: int | None, hires: int) -> JobsCount:
    return JobsCount(
        baseline_month=AGREEMENT,
        as_of=END_2018,
        baseline_declared=None,
        baseline_cnss=None,
        headcount_declared=None,
        headcount_cnss=None,
        net_declared=net_declared,
        net_verified=net_verified,
        gross_hires=hires,
    )


counts = st.builds(
    _count,
    st.none() | st.integers(-1000, 1000),
    st.none() | st.integers(-1000, 1000),
    st.integers(0, 1000),
)


@given(st.lists(counts, max_size=20))
def test_total_jobs_adds_the_known_figures_and_counts_verified_firms(items):
    total = total_jobs(items)
    assert total.firms == len(items)
    assert total.firms_verified == sum(c.net_verified is not None for c in items)
    assert total.net_verified == sum(c.net_verified for c in items if c.net_verified is not None)
    assert total.net_declared == sum(c.net_declared for c in items if c.net_declared is not None)
    assert total.gross_hires == sum(c.gross_hires for c in items)


def test_a_month_declared_for_the_whole_company_wins_over_the_sum_of_its_project_declarations():
    from ecosys.analytics.jobs import company_month_figures

    jan, feb = date(2019, 1, 1), date(2019, 2, 1)
    rows = [
        (1, 10, jan, 40, 2),
        (1, 11, jan, 60, 3),  # two projects in January, no whole-company row
        (1, 10, feb, 41, 1),
        (1, None, feb, 120, 5),  # February has a whole-company row
    ]
    assert company_month_figures(rows) == {(1, jan): (100, 5), (1, feb): (120, 5)}
