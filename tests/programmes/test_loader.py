from decimal import Decimal
from pathlib import Path

import yaml

from ecosys.accounts.models import Organisation
from ecosys.programmes.models import Commitment, Ecosystem, Milestone, PerformanceContract, Target
from ecosys.programmes.services.loader import BUNDLED_IMM, programme_file_read, programme_load


def _history_rows() -> int:
    return sum(
        model.history.count()  # type: ignore[attr-defined]
        for model in (PerformanceContract, Target, Milestone, Commitment, Ecosystem, Organisation)
    )


def test_the_imm_programme_loads_with_the_published_targets_and_commitments(imm):
    targets = {t.indicator.code: t for t in imm.targets.select_related("indicator")}
    assert targets["JOBS_CREATED"].horizon_value == Decimal("13340")
    assert targets["VALUE_ADDED_ADD"].horizon_value == Decimal("1700000000")
    assert targets["TRADE_BALANCE_GAIN"].horizon_value == Decimal("2300000000")
    assert targets["TURNOVER_ADD"].horizon_value == Decimal("11000000000")
    assert all(t.horizon_year == 2020 for t in targets.values())
    commitments = {c.kind: c.amount for c in imm.commitments.all()}
    assert commitments["fund_envelope"] == Decimal("630000000")
    assert commitments["land_hectares"] == Decimal("57")
    assert sorted(str(s.signed_on) for s in imm.signings.all()) == ["2016-05-02", "2017-06-13"]
    assert sorted(e.code for e in imm.ecosystems.all()) == ["IMM-NAV", "IMM-NM", "IMM-TM", "IMM-VAL"]
    baselines = {b.indicator.code: b.value for b in imm.sector.baselines.select_related("indicator")}
    assert baselines == {
        "FIRMS": Decimal("1340"),
        "HEADCOUNT": Decimal("62300"),
        "TURNOVER": Decimal("42000000000"),
        "EXPORTS": Decimal("2200000000"),
    }


def test_every_imm_target_has_a_source_and_yearly_milestones_up_to_the_horizon(imm):
    for target in imm.targets.all():
        assert target.source
        years = list(target.milestones.values_list("year", flat=True))
        assert years == list(range(target.baseline_year + 1, target.horizon_year + 1))
        assert target.milestones.get(year=target.horizon_year).value == target.horizon_value


def test_loading_the_programme_twice_changes_nothing(imm):
    before = _history_rows()
    report = programme_load(actor=None, data=programme_file_read(BUNDLED_IMM))
    assert not report.changed
    assert _history_rows() == before
    assert Target.objects.count() == 4


def test_the_imm_figures_match_the_shared_public_facts(imm):
    facts = yaml.safe_load((Path(__file__).parents[2].parent / "shared/data/imm/programme.yaml").read_text())
    targets = {t.indicator.code: t.horizon_value for t in imm.targets.select_related("indicator")}
    published = facts["performance_contracts"]["targets_2020"]
    assert targets["JOBS_CREATED"] == published["jobs"]
    assert targets["VALUE_ADDED_ADD"] == published["value_added_mad"]
    assert targets["TRADE_BALANCE_GAIN"] == published["trade_balance_improvement_mad"]
    assert targets["TURNOVER_ADD"] == published["turnover_mad"]
    state = facts["performance_contracts"]["state_commitments"]
    commitments = {c.kind: c.amount for c in imm.commitments.all()}
    assert commitments["fund_envelope"] == state["fdii_support_mad"]
    assert commitments["land_hectares"] == state["land_hectares"]
