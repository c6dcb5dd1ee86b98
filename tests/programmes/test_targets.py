from decimal import Decimal

import pytest

from ecosys.core.errors import PermissionDenied, ValidationFailed
from ecosys.core.roles import Role
from ecosys.programmes.models import Milestone, Target
from ecosys.programmes.services.targets import (
    BASELINE_YEAR_REQUIRED,
    MILESTONE_BEYOND_HORIZON,
    REASON_REQUIRED,
    milestone_override,
    target_create,
)
from tests.factories import ContractFactory, IndicatorFactory

pytestmark = pytest.mark.django_db


def test_a_target_gets_yearly_milestones_from_baseline_to_horizon(make_user):
    target = target_create(
        actor=make_user(Role.MINISTRY_ADMIN),
        contract=ContractFactory(),
        indicator=IndicatorFactory(),
        baseline_value=0,
        baseline_year=2016,
        horizon_value="1 000",
        shape="linear",
    )
    assert [(m.year, m.value) for m in target.milestones.all()] == [
        (2017, Decimal("250.00")),
        (2018, Decimal("500.00")),
        (2019, Decimal("750.00")),
        (2020, Decimal("1000.00")),
    ]


def test_a_target_with_no_baseline_year_is_refused_and_nothing_is_written(make_user):
    with pytest.raises(ValidationFailed) as excinfo:
        target_create(
            actor=make_user(Role.MINISTRY_ADMIN),
            contract=ContractFactory(),
            indicator=IndicatorFactory(),
            baseline_value=0,
            baseline_year=None,
            horizon_value=100,
        )
    assert excinfo.value.fields == {"baseline_year": BASELINE_YEAR_REQUIRED}
    assert Target.objects.count() == 0 and Milestone.objects.count() == 0


def test_only_the_ministry_sets_targets(make_user):
    with pytest.raises(PermissionDenied):
        target_create(
            actor=make_user(Role.FEDERATION_OFFICER),
            contract=ContractFactory(),
            indicator=IndicatorFactory(),
            baseline_value=0,
            baseline_year=2016,
            horizon_value=100,
        )


def test_overriding_a_milestone_keeps_it_and_bends_the_others_through_it(imm, make_user):
    officer = make_user(Role.FEDERATION_OFFICER)
    target = imm.targets.get(indicator__code="JOBS_CREATED")
    milestone_override(actor=officer, target=target, year=2018, value="6000", reason="revised with FIMME")
    values = dict(target.milestones.values_list("year", "override_value"))
    assert values[2018] == Decimal("6000.00")
    path = [m.value for m in target.milestones.order_by("year")]
    assert path == sorted(path) and path[-1] == Decimal("13340.00")
    record = target.milestones.get(year=2018).history.first()
    assert record.history_change_reason == "revised with FIMME"


def test_a_milestone_beyond_the_horizon_is_refused_and_nothing_changes(imm, make_user):
    target = imm.targets.get(indicator__code="JOBS_CREATED")
    before = list(target.milestones.values_list("year", "derived_value", "override_value"))
    with pytest.raises(ValidationFailed) as excinfo:
        milestone_override(actor=make_user(Role.MINISTRY_ADMIN), target=target, year=2021, value=1, reason="x")
    assert excinfo.value.fields == {"year": MILESTONE_BEYOND_HORIZON}
    assert list(target.milestones.values_list("year", "derived_value", "override_value")) == before


def test_an_override_needs_a_reason(imm, make_user):
    target = imm.targets.get(indicator__code="JOBS_CREATED")
    with pytest.raises(ValidationFailed) as excinfo:
        milestone_override(actor=make_user(Role.MINISTRY_ADMIN), target=target, year=2018, value=1, reason=" ")
    assert excinfo.value.message == REASON_REQUIRED
