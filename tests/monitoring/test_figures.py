"""The KPI engine on the IMM demo data: actuals by measure kind, roll-ups, achievement, forecast."""

from __future__ import annotations

import math
from datetime import date
from types import SimpleNamespace

import pytest

from ecosys.investments.demo import demo_generate
from ecosys.investments.jobs import jobs_report
from ecosys.investments.services.declarations import headcount_reconcile
from ecosys.monitoring import figures, forecasting, measures
from ecosys.monitoring.models import StatusThresholds
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
END_2018 = date(2018, 12, 1)


@pytest.fixture
def demo(imm):
    demo_generate()
    headcount_reconcile(actor=None)  # as `ecosys demo` does
    return imm


def _ecosystems(contract) -> list[str]:
    return sorted(e.code for e in contract.ecosystems.all())


def test_verified_jobs_created_equal_the_jobs_page_at_every_year_end(demo):
    units = measures.units_in(_ecosystems(demo), END_2018)
    verified = measures.yearly(measures.load(units, as_of=END_2018, basis="verified"), "JOBS_CREATED")
    declared = measures.yearly(measures.load(units, as_of=END_2018, basis="declared"), "JOBS_CREATED")
    gross = measures.yearly(measures.load(units, as_of=END_2018, basis="verified"), "JOBS_CREATED", jobs="gross")
    superuser = UserFactory(is_superuser=True)

    for year in (2016, 2017, 2018):
        report = jobs_report(actor=superuser, as_of=date(year, 12, 31))
        assert verified["*"][year] == report.total.net_verified
        assert declared["*"][year] == report.total.net_declared
        assert gross["*"][year] == report.total.gross_hires
        for code, total in report.by_ecosystem.items():
            assert verified[code][year] == total.net_verified
    assert verified["*"][2018] == 5_878  # the published figure the demo is calibrated on


@pytest.mark.parametrize("basis", ["verified", "declared"])
def test_the_programme_equals_the_sum_of_its_groups_for_every_period_wherever_the_kind_allows(demo, basis):
    units = measures.units_in(_ecosystems(demo), END_2018)
    data = measures.load(units, as_of=END_2018, basis=basis)
    checked = 0
    for code in measures.MEASURES:
        if code == "EXPORT_SHARE":  # a ratio is recomputed, never summed (next test)
            continue
        for granularity in ("month", "quarter", "year"):
            for group in ("ecosystem", "region", "company"):
                table = measures.series(data, code, granularity=granularity, group=group)
                total, parts = table["*"], [periods for label, periods in table.items() if label != "*"]
                assert total, (code, granularity, group)
                for period, value in total.items():
                    expected = sum(p.get(period, 0.0) for p in parts)
                    assert math.isclose(value, expected, rel_tol=1e-9, abs_tol=1e-6), (code, granularity, group, period)
                    checked += 1
    assert checked > 1000


def test_a_quarter_and_a_month_agree_with_the_year_they_end(demo):
    units = measures.units_in(_ecosystems(demo), END_2018)
    data = measures.load(units, as_of=END_2018, basis="verified")
    for code in ("JOBS_CREATED", "HEADCOUNT"):  # levels at the end of the period
        year = measures.series(data, code, granularity="year")["*"][2018]
        assert measures.series(data, code, granularity="quarter")["*"][20184] == year
        assert measures.series(data, code, granularity="month")["*"][201812] == year
    for code in ("TURNOVER", "TURNOVER_ADD"):  # flows add up over the year
        year = measures.series(data, code, granularity="year")["*"][2018]
        quarters = measures.series(data, code, granularity="quarter")["*"]
        assert sum(quarters[20180 + q] for q in range(1, 5)) == pytest.approx(year, rel=1e-12)


def test_a_ratio_is_the_quotient_of_the_sums_never_the_mean_of_the_ratios(demo):
    units = measures.units_in(_ecosystems(demo), END_2018)
    data = measures.load(units, as_of=END_2018, basis="declared")
    share = measures.yearly(data, "EXPORT_SHARE")["*"][2018]
    exports = measures.yearly(data, "EXPORTS")["*"][2018]
    turnover = measures.yearly(data, "TURNOVER")["*"][2018]
    assert share == pytest.approx(100 * exports / turnover, rel=1e-12)


def test_a_stock_takes_the_last_month_of_the_year_and_a_flow_adds_the_months(demo):
    units = measures.units_in(_ecosystems(demo), END_2018)
    data = measures.load(units, as_of=END_2018, basis="declared")
    december = sum(v for (_c, m), v in data.values["headcount"].items() if m == date(2018, 12, 1))
    year_turnover = sum(v for (_c, m), v in data.values["turnover_mad"].items() if m.year == 2018)
    assert measures.yearly(data, "HEADCOUNT")["*"][2018] == pytest.approx(december)
    assert measures.yearly(data, "TURNOVER")["*"][2018] == pytest.approx(year_turnover)


def test_the_milestone_of_a_month_lies_between_the_milestones_of_the_year_before_and_of_its_year():
    target = SimpleNamespace(baseline_year=2015, baseline_value=0, horizon_year=2020, horizon_value=12000)
    milestones = [SimpleNamespace(year=y, value=v) for y, v in [(2016, 1000), (2017, 3000), (2018, 6000)]]

    assert figures.milestone_at(target, milestones, date(2018, 12, 1)) == 6000
    assert figures.milestone_at(target, milestones, date(2018, 6, 1)) == 3000 + 6 / 12 * 3000
    assert figures.milestone_at(target, milestones, date(2016, 1, 1)) == 1000 / 12


def test_the_status_follows_the_thresholds_and_the_direction():
    thresholds = StatusThresholds(on_track_percent=95, at_risk_percent=75)
    assert figures.status_of(96, 100, "increase", thresholds) == figures.ON_TRACK
    assert figures.status_of(80, 100, "increase", thresholds) == figures.AT_RISK
    assert figures.status_of(50, 100, "increase", thresholds) == figures.OFF_TRACK
    assert figures.status_of(None, 100, "increase", thresholds) == figures.NO_DATA
    # Lower is better: 120 against a ceiling of 100 is 83 % achieved.
    assert figures.status_of(120, 100, "decrease", thresholds) == figures.AT_RISK


def test_the_snapshot_shows_each_contract_kpi_with_its_status_and_a_seeded_forecast(demo):
    first = figures.compute(demo.sector.programme, as_of=END_2018, basis="verified")
    again = figures.compute(demo.sector.programme, as_of=END_2018, basis="verified")

    (contract,) = first["contracts"]
    jobs = next(k for k in contract["kpis"] if k["indicator"] == "JOBS_CREATED")
    assert jobs["actual"] == 5_878 and jobs["target"] == 13_340
    assert jobs["achieved_target"] == pytest.approx(100 * 5_878 / 13_340)
    assert jobs["status"] in {figures.ON_TRACK, figures.AT_RISK, figures.OFF_TRACK}
    band = jobs["forecast"]
    assert band["p10"] <= band["p50"] <= band["p90"] and band["p10"] >= 5_878
    assert 0 <= band["probability"] <= 1
    assert again["contracts"][0]["kpis"] == contract["kpis"]  # seeded: the same figures every time
    assert {row["code"] for row in contract["table"]} == {"IMM-NAV", "IMM-NM", "IMM-TM", "IMM-VAL"}


def test_after_the_horizon_the_forecast_is_the_actual(demo):
    result = forecasting.pipeline_forecast(
        ecosystems=_ecosystems(demo),
        as_of=date(2020, 12, 1),
        horizon_year=2020,
        actuals={"JOBS_CREATED": 9000.0},
        targets={"JOBS_CREATED": 13340.0},
    )
    jobs = result.kpis["JOBS_CREATED"]
    assert jobs.p10 == jobs.p50 == jobs.p90 == 9000.0
    assert jobs.probability == 0.0 and jobs.weights == []


def test_women_and_men_add_up_to_the_headcount_they_cover_in_every_ecosystem(demo):
    units = measures.units_in(_ecosystems(demo), END_2018)
    data = measures.load(units, as_of=END_2018, basis="declared")
    by_sex = measures.gender(data, group="ecosystem")
    headcount = measures.yearly(data, "HEADCOUNT")

    for code in _ecosystems(demo):
        women, men = by_sex["women"][code][2018], by_sex["men"][code][2018]
        assert women + men == headcount[code][2018]  # every demo declaration gives its women
        assert 0.07 < women / (women + men) < 0.25
    total = measures.series(data, "HEADCOUNT", group="gender")
    assert total["women"][2018] + total["men"][2018] == total["*"][2018] == headcount["*"][2018]
    with pytest.raises(KeyError):
        measures.series(data, "TURNOVER", group="gender")


def test_a_project_is_set_beside_its_plan_with_its_company_s_jobs_since_the_agreement(demo, client_for):
    from ecosys.investments.models import InvestmentProject
    from ecosys.monitoring.projects import project_progress

    project = InvestmentProject.objects.filter(is_generated=True, agreement_date__isnull=False).order_by("pk").first()
    superuser = UserFactory(is_superuser=True)
    report = jobs_report(actor=superuser, as_of=date(2018, 12, 31), company=project.company)

    rows = {row.year: row for row in project_progress(project, as_of=END_2018)}
    assert set(rows) == {2017, 2018, 2019, 2020}  # the planned years
    assert rows[2018].jobs_verified == report.total.net_verified
    assert rows[2019].jobs_verified is None  # not yet realised at the end of 2018
    assert rows[2018].planned_jobs == project.plan.get(year=2018).jobs
    html = client_for(superuser).get(f"/projects/{project.code}/").content.decode()
    assert 'class="plan progress"' in html
