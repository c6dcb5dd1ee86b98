"""Investment grants: the shipped schemes on worked cases, then properties that hold for any project."""

from __future__ import annotations

import copy
import dataclasses
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecosys.analytics.incentive_payments import (
    ClawbackRule,
    PlannedProject,
    Tranche,
    clawback,
    simulate,
    tranches_due,
)
from ecosys.analytics.incentive_schemes import IncentiveError, Scheme, scheme_from_mapping, shipped_schemes
from ecosys.analytics.incentives import ProjectFacts, evaluate

D = Decimal
MMAD = D(1_000_000)
SCHEMES = shipped_schemes()
FDII, CHARTER, SME = SCHEMES["fdii_2015"], SCHEMES["investment_charter_2022"], SCHEMES["sme_support_2025"]
IN_2025 = date(2025, 6, 1)

# A made-up scheme using every kind of prime and cap, for the rules the shipped data does not exercise.
TEST_SCHEME: dict[str, Any] = {
    "name": "Test scheme",
    "legal_basis": "none",
    "source": "test",
    "valid_from": "2020-01-01",
    "valid_to": "2030-12-31",
    "eligibility": {"any_of": [{"route": "any_agreement", "all_of": [{"kind": "agreement_signed"}]}]},
    "eligible_expenses": ["land", "buildings", "equipment"],
    "primes": [
        {"key": "base", "kind": "fixed", "rate": "0.05"},
        {
            "key": "jobs",
            "kind": "range",
            "minimum": "0.02",
            "maximum": "0.12",
            "tiers": [{"from": "1", "to": "4", "rate": "0.04"}, {"from": "4", "to": None, "rate": "0.12"}],
        },
        {"key": "territory", "kind": "territorial", "rates": {"A": "0.10", "B": "0.20"}},
        {"key": "sector", "kind": "sector", "maximum": "0.05", "rates": {"industry": "0.05"}},
        {"key": "negotiated", "kind": "agreed", "maximum": "0.10"},
        {"key": "parity", "kind": "fixed", "rate": "0.03", "when": [{"kind": "min_female_share", "value": "0.3"}]},
    ],
    "caps": {
        "total_rate": "0.25",
        "amount": {"value": "40000000", "uncertain": True},
        "category_shares": {"land": "0.20"},
    },
}


def facts(investment: dict[str, Decimal] | Decimal, stable_jobs: int, **more: Any) -> ProjectFacts:
    """Facts dated 2025 with the investment all in equipment unless split by category."""
    by_category = investment if isinstance(investment, dict) else {"equipment": investment}
    more.setdefault("application_date", IN_2025)
    return ProjectFacts(investment=by_category, stable_jobs=stable_jobs, **more)


def test_the_shipped_file_holds_the_three_schemes_with_their_sources():
    assert set(SCHEMES) == {"fdii_2015", "investment_charter_2022", "sme_support_2025"}
    assert FDII.source == "invest.gov.ma (Id=34489); anaeve.com"
    assert CHARTER.caps.total_rate.value == D("0.30")
    assert FDII.budget is not None and FDII.budget.value == D(20_000_000_000)
    assert [t.rate for t in SME.primes[0].tiers] == [D("0.05"), D("0.07"), D("0.10")]


def test_figures_the_shared_file_marks_uncertain_stay_uncertain_and_stated_ones_do_not():
    fdii_prime = FDII.primes[0]
    assert fdii_prime.maximum is not None and fdii_prime.maximum.uncertain
    assert FDII.caps.total_rate.uncertain
    assert [r.key for r in FDII.routes if r.uncertain] == ["structuring"]
    assert not CHARTER.caps.total_rate.uncertain
    assert not SME.caps.total_rate.uncertain
    charter_job_prime = CHARTER.primes[0]
    assert all(t.uncertain for t in charter_job_prime.tiers)
    assert CHARTER.eligible_expenses.uncertain and not FDII.eligible_expenses.uncertain


def test_an_sme_investing_10_mmad_with_60_stable_jobs_gets_the_7_percent_tier():
    evaluation = evaluate(facts(10 * MMAD, 60, turnover=20 * MMAD), SME)
    assert evaluation.eligible and evaluation.route == "sme"
    assert evaluation.jobs_per_mmad == 6
    (job_prime,) = evaluation.primes
    assert (job_prime.rate, job_prime.amount) == (D("0.07"), D("700000.00"))
    assert job_prime.rule.code == "tier"
    assert dict(job_prime.rule.params) == {"ratio": 6, "from": 5, "to": 10}
    assert evaluation.total_grant == D("700000.00")


def test_an_sme_with_1_2_jobs_per_mmad_is_ineligible_with_the_ratio_reason():
    evaluation = evaluate(facts(10 * MMAD, 12, turnover=20 * MMAD), SME)
    assert not evaluation.eligible
    assert evaluation.total_grant == 0 and evaluation.primes == ()
    (reason,) = evaluation.reasons
    assert reason.code == "jobs_ratio_below_minimum"
    assert dict(reason.params) == {"minimum": D("1.5"), "actual": D("1.2"), "inclusive": True, "route": "sme"}


def test_an_sme_between_1_5_and_2_jobs_per_mmad_is_eligible_but_below_the_first_tier():
    evaluation = evaluate(facts(10 * MMAD, 18, turnover=20 * MMAD), SME)
    assert evaluation.eligible
    assert evaluation.primes[0].rule.code == "below_first_tier"
    assert evaluation.total_grant == 0


def test_the_sme_investment_ceiling_is_exclusive_and_an_unknown_turnover_fails():
    at_ceiling = evaluate(facts(50 * MMAD, 500, turnover=20 * MMAD), SME)
    assert [r.code for r in at_ceiling.reasons] == ["investment_above_maximum"]
    assert at_ceiling.reasons[0].params["inclusive"] is False
    just_under = evaluate(facts(50 * MMAD - D("0.01"), 500, turnover=20 * MMAD), SME)
    assert just_under.eligible
    unknown = evaluate(facts(10 * MMAD, 60), SME)
    assert [(r.code, r.params["fact"]) for r in unknown.reasons] == [("fact_unknown", "turnover")]


def test_the_charter_is_eligible_on_investment_and_jobs_or_on_jobs_alone():
    both = evaluate(facts(60 * MMAD, 60, application_date=date(2024, 1, 1)), CHARTER)
    jobs_alone = evaluate(facts(10 * MMAD, 150, application_date=date(2024, 1, 1)), CHARTER)
    assert (both.eligible, both.route) == (True, "investment_and_jobs")
    assert (jobs_alone.eligible, jobs_alone.route) == (True, "jobs_only")


def test_a_charter_project_meeting_neither_route_gets_the_reasons_of_each_route():
    evaluation = evaluate(facts(10 * MMAD, 100, application_date=date(2024, 1, 1)), CHARTER)
    assert not evaluation.eligible
    codes = [(r.params["route"], r.code) for r in evaluation.reasons]
    assert codes == [
        ("investment_and_jobs", "investment_below_minimum"),
        ("jobs_only", "stable_jobs_below_minimum"),
    ]
    assert evaluation.reasons[1].params["minimum"] == 150


def test_an_application_before_the_scheme_is_in_force_is_refused_with_the_date():
    evaluation = evaluate(facts(60 * MMAD, 60, application_date=date(2022, 6, 1)), CHARTER)
    (reason,) = evaluation.reasons
    assert reason.code == "application_before_validity"
    assert reason.params["valid_from"] == date(2023, 2, 23) and reason.uncertain


def test_the_charter_caps_its_primes_at_30_percent_of_the_eligible_investment():
    project = facts(
        100 * MMAD, 120, territorial_category="B", female_share=D("0.45"), future_jobs=True,
        sustainable=True, local_integration=True, application_date=date(2024, 1, 1),
    )  # fmt: skip
    evaluation = evaluate(project, CHARTER)
    rates = {p.key: p.rate for p in evaluation.primes}
    assert rates["job_creation"] == D("0.05")  # the range's minimum until the decree's grid is entered
    assert sum(rates.values()) == D("0.32")
    (cap,) = evaluation.caps
    assert (cap.kind, cap.before, cap.after, cap.binding) == ("total_rate", D("32000000.00"), D("30000000.00"), True)
    assert evaluation.total_grant == D("30000000.00")
    assert evaluation.uncertain


def test_the_gender_prime_needs_a_female_share_strictly_above_30_percent():
    def parity(share: str) -> Any:
        project = facts(60 * MMAD, 60, female_share=D(share), application_date=date(2024, 1, 1))
        return next(p for p in evaluate(project, CHARTER).primes if p.key == "gender_parity")

    at_30 = parity("0.30")
    assert (at_30.rate, at_30.rule.code, at_30.rule.params["inclusive"]) == (0, "female_share_below_minimum", False)
    assert parity("0.31").amount == D("1800000.00")


def test_an_fdii_locomotive_project_invests_strictly_more_than_50_mmad():
    at_50 = evaluate(facts(50 * MMAD, 10, agreement_signed=True, agreed_rate=D("0.2")), FDII)
    above = evaluate(facts(50 * MMAD + D("0.01"), 10, agreement_signed=True, agreed_rate=D("0.2")), FDII)
    assert (at_50.route, above.route) == ("structuring", "locomotive_investment")
    assert above.total_grant == D("10000000.00")
    offset = evaluate(facts(D(0), 0, offset_agreement_signed=True, public_order=200 * MMAD), FDII)
    assert offset.route == "offset"
    unsigned = evaluate(facts(80 * MMAD, 300), FDII)
    assert [(r.params["route"], r.code) for r in unsigned.reasons] == [
        ("locomotive_investment", "agreement_not_signed"),
        ("locomotive_jobs", "agreement_not_signed"),
        ("offset", "offset_agreement_not_signed"),
        ("offset", "fact_unknown"),
        ("structuring", "agreement_not_signed"),
    ]


def test_the_fdii_rate_is_the_agreed_one_within_30_percent_and_nothing_until_agreed():
    def job_prime(rate: Decimal | None) -> Any:
        return evaluate(facts(80 * MMAD, 300, agreement_signed=True, agreed_rate=rate), FDII).primes[0]

    assert (job_prime(D("0.25")).rate, job_prime(D("0.25")).rule.code) == (D("0.25"), "agreed_rate")
    assert (job_prime(D("0.4")).rate, job_prime(D("0.4")).rule.code) == (D("0.30"), "agreed_rate_capped")
    assert (job_prime(None).rate, job_prime(None).rule.code) == (0, "rate_not_agreed")
    assert job_prime(None).uncertain


def test_expenses_outside_the_scheme_count_for_thresholds_but_not_in_the_grant_base():
    project = facts({"equipment": 6 * MMAD, "working_capital": 4 * MMAD}, 60, turnover=20 * MMAD)
    evaluation = evaluate(project, SME)
    assert evaluation.investment == 10 * MMAD and evaluation.jobs_per_mmad == 6
    assert evaluation.eligible_investment == 6 * MMAD
    assert evaluation.total_grant == D("420000.00")


def test_land_counts_at_most_its_share_of_the_eligible_investment():
    scheme = scheme_from_mapping("test", TEST_SCHEME)
    project = facts({"land": 50 * MMAD, "equipment": 50 * MMAD}, 0, agreement_signed=True)
    evaluation = evaluate(project, scheme)
    share_cap = evaluation.caps[0]
    assert (share_cap.kind, share_cap.category, share_cap.limit) == ("category_share", "land", 20 * MMAD)
    assert evaluation.eligible_investment == 70 * MMAD


def test_the_amount_cap_applies_after_the_rate_cap():
    scheme = scheme_from_mapping("test", TEST_SCHEME)
    project = facts(400 * MMAD, 2000, agreement_signed=True, territorial_category="B", sector="industry")
    evaluation = evaluate(project, scheme)
    assert [(c.kind, c.after) for c in evaluation.caps] == [("total_rate", 100 * MMAD), ("amount", 40 * MMAD)]
    assert evaluation.total_grant == 40 * MMAD and evaluation.uncertain


def test_amounts_are_rounded_half_up_to_the_centime():
    scheme = scheme_from_mapping("test", TEST_SCHEME)
    evaluation = evaluate(facts(D("100.10"), 0, agreement_signed=True), scheme)
    base = next(p for p in evaluation.primes if p.key == "base")
    assert base.amount == D("5.01")  # 100.10 x 0.05 = 5.005; banker's rounding would give 5.00


def test_a_range_pays_its_minimum_below_the_first_tier():
    scheme = scheme_from_mapping("test", TEST_SCHEME)
    jobs = {p.key: p for p in evaluate(facts(10 * MMAD, 5, agreement_signed=True), scheme).primes}["jobs"]
    assert (jobs.rate, jobs.rule.code) == (D("0.02"), "below_first_tier")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda m: m.update(valid_unto="2031-01-01"), "unknown_key"),
        (lambda m: m["primes"][1]["tiers"].reverse(), "last_tier_must_be_open"),
        (lambda m: m["primes"][1]["tiers"][1].update(rate="0.03"), "tier_rates_decreasing"),
        (lambda m: m["primes"][1]["tiers"][1].update(rate="0.20"), "tier_rate_outside_range"),
        (lambda m: m["primes"][3]["rates"].update(industry="0.06"), "rate_above_maximum"),
        (lambda m: m["primes"][0].update(rate="five percent"), "not_a_number"),
        (lambda m: m["eligibility"]["any_of"][0]["all_of"].append({"kind": "max_jobs"}), "unknown_condition_kind"),
    ],
)
def test_a_faulty_scheme_mapping_is_refused_with_a_code(change, code):
    mapping = copy.deepcopy(TEST_SCHEME)
    change(mapping)
    with pytest.raises(IncentiveError) as error:
        scheme_from_mapping("test", mapping)
    assert error.value.code == code


def test_facts_refuse_floats_for_money():
    with pytest.raises(IncentiveError, match="fact_not_decimal"):
        ProjectFacts(investment={"equipment": 1e6}, stable_jobs=10, application_date=IN_2025)  # type: ignore[dict-item]


def test_a_clawback_recovers_the_shortfall_of_the_worst_met_commitment():
    result = clawback(
        D(1_000_000), committed_jobs=100, verified_jobs=80, committed_investment=10 * MMAD,
        proven_investment=9 * MMAD, paid=D(1_000_000),
    )  # fmt: skip
    assert (result.worst, result.achievement, result.earned, result.amount) == ("jobs", D("0.8"), 800_000, 200_000)


def test_a_shortfall_within_the_tolerance_is_forgiven_and_an_underpayment_is_not_recovered():
    common: dict[str, Any] = {"committed_jobs": 100, "committed_investment": 10 * MMAD, "proven_investment": 10 * MMAD}
    within = clawback(D(1_000_000), verified_jobs=92, paid=D(1_000_000), rule=ClawbackRule(D("0.1")), **common)
    assert (within.within_tolerance, within.amount) == (True, 0)
    half_paid = clawback(D(1_000_000), verified_jobs=80, paid=D(500_000), **common)
    assert half_paid.amount == 0


def test_tranches_add_up_to_the_grant_and_are_released_in_order():
    tranches = [
        Tranche(D("0.4")),
        Tranche(D("0.3"), min_verified_jobs=50),
        Tranche(D("0.3"), min_verified_jobs=20, min_proven_investment=5 * MMAD),
    ]
    statuses = tranches_due(D("1000000.01"), tranches, verified_jobs=30, proven_investment=6 * MMAD)
    assert [s.amount for s in statuses] == [D("400000.00"), D("300000.00"), D("300000.01")]
    assert [s.releasable for s in statuses] == [True, False, False]
    assert [r.code for r in statuses[2].reasons] == ["earlier_tranche_not_releasable"]
    assert dict(statuses[1].reasons[0].params) == {"required": 50, "verified": 30}


def test_a_pipeline_draws_on_the_envelope_first_come_by_application_date():
    def sme(key: str, invested: int, jobs: int, applied: date, year: int) -> PlannedProject:
        return PlannedProject(key, facts(invested * MMAD, jobs, turnover=10 * MMAD, application_date=applied), year)

    pipeline = [
        sme("late_small", 10, 60, date(2025, 9, 1), 2026),  # 700 000
        sme("first", 20, 120, date(2025, 5, 1), 2025),  # 1 400 000
        sme("second", 40, 240, date(2025, 6, 1), 2026),  # 2 800 000: does not fit in what is left
        sme("thin", 10, 10, date(2025, 7, 1), 2025),  # 1 job per MMAD: ineligible
    ]
    result = simulate(pipeline, SME, D(2_500_000))
    assert [(p.key, p.funded) for p in result.projects] == [
        ("first", True),
        ("second", False),
        ("thin", False),
        ("late_small", True),
    ]
    assert [(y.year, y.demand, y.cumulative_demand, y.exceeds_envelope) for y in result.years] == [
        (2025, D("1400000.00"), D("1400000.00"), False),
        (2026, D("3500000.00"), D("4900000.00"), True),
    ]
    assert result.years[-1].cumulative_funded == result.funded_grant == D("2100000.00")
    assert (result.total_grant, result.stable_jobs, result.grant_per_job) == (D("4900000.00"), 420, D("11666.67"))
    assert [(key, [r.code for r in reasons]) for key, reasons in result.ineligible] == [
        ("thin", ["jobs_ratio_below_minimum"])
    ]


# Properties, for any project.
# Amounts and jobs across orders of magnitude, so that every scheme's thresholds are met and missed.
MONEY = st.integers(0, 9).flatmap(lambda e: st.decimals(0, 2 * 10**e, places=2, allow_nan=False, allow_infinity=False))
JOBS = st.integers(0, 4).flatmap(lambda e: st.integers(0, 2 * 10**e))
SHARE = st.decimals(min_value=0, max_value=1, places=2, allow_nan=False, allow_infinity=False)
CATEGORIES = ["land", "buildings", "equipment", "technical_assistance", "working_capital"]


@st.composite
def any_facts(draw: st.DrawFn) -> ProjectFacts:
    return ProjectFacts(
        investment=draw(st.dictionaries(st.sampled_from(CATEGORIES), MONEY, max_size=5)),
        stable_jobs=draw(JOBS),
        application_date=draw(st.dates(date(2023, 3, 1), date(2030, 12, 31))),
        female_share=draw(st.none() | SHARE),
        turnover=draw(st.none() | MONEY),
        territorial_category=draw(st.sampled_from([None, "A", "B"])),
        sector=draw(st.sampled_from([None, "industry", "tourism"])),
        agreement_signed=draw(st.booleans()),
        future_jobs=draw(st.booleans()),
        sustainable=draw(st.booleans()),
        local_integration=draw(st.booleans()),
        agreed_rate=draw(st.none() | SHARE),
    )


ALL_SCHEMES = [*SCHEMES.values(), scheme_from_mapping("test", TEST_SCHEME)]


def cap_of(rate: Decimal, base: Decimal) -> Decimal:
    return (rate * base).quantize(D("0.01"), rounding=ROUND_HALF_UP)


@settings(max_examples=300)
@given(project=any_facts())
def test_a_grant_is_never_above_the_cap(project):
    for scheme in ALL_SCHEMES:
        evaluation = evaluate(project, scheme)
        assert 0 <= evaluation.total_grant <= cap_of(scheme.caps.total_rate.value, evaluation.eligible_investment)
        if scheme.caps.amount is not None:
            assert evaluation.total_grant <= scheme.caps.amount.value
        assert evaluation.total_grant <= sum((p.amount for p in evaluation.primes), D(0))
        assert evaluation.eligible_investment <= project.total_investment
        assert all(c.after <= c.before and c.after <= c.limit for c in evaluation.caps)


@settings(max_examples=300)
@given(project=any_facts(), jobs=st.lists(JOBS, min_size=2, max_size=2).map(sorted))
def test_the_grant_never_falls_when_stable_jobs_rise_at_fixed_investment(project, jobs):
    fewer, more = (dataclasses.replace(project, stable_jobs=j) for j in jobs)
    for scheme in ALL_SCHEMES:
        assert evaluate(fewer, scheme).total_grant <= evaluate(more, scheme).total_grant


@given(
    invested=st.decimals(1_000_000, 49_999_999, places=2, allow_nan=False, allow_infinity=False),
    jobs=st.lists(st.integers(0, 1000), min_size=2, max_size=2).map(sorted),
)
def test_the_sme_grant_never_falls_when_stable_jobs_rise_across_its_job_tiers(invested, jobs):
    fewer, more = (evaluate(facts(invested, j, turnover=10 * MMAD), SME) for j in jobs)
    assert fewer.total_grant <= more.total_grant
    if more.eligible:
        assert more.total_grant == cap_of(more.primes[0].rate, invested)


@given(
    granted=MONEY,
    paid=MONEY,
    committed=st.integers(0, 5000),
    verified=st.integers(0, 6000),
    committed_investment=MONEY,
    proven=MONEY,
    tolerance=SHARE,
)
def test_a_clawback_is_between_nothing_and_the_amount_paid(
    granted, paid, committed, verified, committed_investment, proven, tolerance
):
    result = clawback(
        granted, committed_jobs=committed, verified_jobs=verified, committed_investment=committed_investment,
        proven_investment=proven, paid=paid, rule=ClawbackRule(tolerance),
    )  # fmt: skip
    assert 0 <= result.amount <= paid
    assert 0 <= result.achievement <= 1


@given(project=any_facts(), new_cap=SHARE, new_rate=SHARE)
def test_a_new_scheme_version_does_not_change_a_stored_evaluation(project, new_cap, new_rate):
    mapping = copy.deepcopy(TEST_SCHEME)
    old_version = scheme_from_mapping("test", mapping)
    stored = evaluate(project, old_version)
    snapshot = repr(stored)
    mapping["caps"]["total_rate"] = str(new_cap)
    mapping["primes"][0]["rate"] = str(new_rate)  # the mapping the old version was read from changes too
    new_version: Scheme = scheme_from_mapping("test", mapping)
    evaluate(project, new_version)
    assert repr(stored) == snapshot
    assert stored == evaluate(project, old_version)
    with pytest.raises(dataclasses.FrozenInstanceError):
        stored.total_grant = D(0)  # type: ignore[misc]
    held = stored.reasons[0].params if stored.reasons else stored.primes[0].rule.params
    with pytest.raises(TypeError):
        held["code"] = "changed"  # type: ignore[index]
