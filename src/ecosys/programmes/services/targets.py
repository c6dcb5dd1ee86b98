"""Targets and their yearly milestones."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ecosys.accounts.models import User
from ecosys.analytics.milestones import MilestoneError, milestone_path
from ecosys.core.errors import NotFound, ValidationFailed
from ecosys.core.numbers import NOT_A_NUMBER, to_decimal
from ecosys.core.permissions import require
from ecosys.programmes.models import Ecosystem, Indicator, Milestone, PerformanceContract, Target

BASELINE_YEAR_REQUIRED = _("The baseline year is required.")
BASELINE_VALUE_REQUIRED = _("The baseline value is required.")
HORIZON_NOT_AFTER_BASELINE = _("The horizon year must come after the baseline year.")
MILESTONE_BEYOND_HORIZON = _("A milestone cannot lie beyond the horizon year of its target.")
MILESTONE_BEFORE_BASELINE = _("A milestone must come after the baseline year.")
MILESTONE_IS_HORIZON = _("The horizon year's value is the target itself: change it by amending the contract.")
MILESTONE_NOT_FOUND = _("This target has no milestone for that year.")
REASON_REQUIRED = _("Say why: a reason is required.")
TARGET_EXISTS = _("This contract already has a target for this indicator and breakdown.")
ECOSYSTEM_NOT_IN_CONTRACT = _("This ecosystem is not covered by the contract.")

_MILESTONE_MESSAGES = {
    "horizon_not_after_baseline": (HORIZON_NOT_AFTER_BASELINE, "horizon_year"),
    "override_beyond_horizon": (MILESTONE_BEYOND_HORIZON, "year"),
    "override_before_baseline": (MILESTONE_BEFORE_BASELINE, "year"),
    "override_of_horizon": (MILESTONE_IS_HORIZON, "year"),
}
CENT = Decimal("0.01")


def _milestone_error(exc: MilestoneError) -> ValidationFailed:
    message, field = _MILESTONE_MESSAGES.get(exc.code, (_("Invalid milestones."), "year"))
    return ValidationFailed(message, field=field, code=exc.code)


def target_milestones_derive(*, target: Target, reason: str = "") -> list[Milestone]:
    """(Re)compute the derived milestones of a target, keeping overrides that still fit its years."""
    existing = {m.year: m for m in target.milestones.all()}
    overrides = {
        year: float(m.override_value)
        for year, m in existing.items()
        if m.override_value is not None and target.baseline_year < year < target.horizon_year
    }
    spec = {
        "baseline_value": float(target.baseline_value),
        "baseline_year": target.baseline_year,
        "horizon_value": float(target.horizon_value),
        "horizon_year": target.horizon_year,
        "shape": target.shape,
    }
    try:
        path = milestone_path(**spec, overrides=overrides)  # type: ignore[arg-type]
        # What the rule alone gives, kept beside an override so both can be shown.
        rule = {m.year: m.value for m in milestone_path(**spec)} if overrides else {}  # type: ignore[arg-type]
    except MilestoneError as exc:
        raise _milestone_error(exc) from exc
    wanted_years = {point.year for point in path}
    for year, milestone in existing.items():
        if year not in wanted_years:
            milestone.delete()
    result = []
    for point in path:
        value = rule[point.year] if point.overridden else point.value
        derived = Decimal(repr(value)).quantize(CENT, rounding=ROUND_HALF_UP)
        found = existing.get(point.year)
        if found is None:
            milestone = Milestone(target=target, year=point.year, derived_value=derived)
            milestone._change_reason = reason  # type: ignore[attr-defined]
            milestone.save()
            result.append(milestone)
            continue
        milestone = found
        if milestone.derived_value != derived or (milestone.override_value is not None and not point.overridden):
            milestone.derived_value = derived
            if not point.overridden:
                milestone.override_value = None
                milestone.override_reason = ""
            milestone._change_reason = reason  # type: ignore[attr-defined]
            milestone.save()
        result.append(milestone)
    return result


def target_validate(
    *, baseline_value: Any, baseline_year: Any, horizon_value: Any, horizon_year: Any
) -> tuple[Decimal, int, Decimal, int]:
    """Check the four numbers that define a target and return them parsed."""
    if baseline_year in (None, ""):
        raise ValidationFailed(BASELINE_YEAR_REQUIRED, field="baseline_year", code="baseline_year_required")
    if baseline_value in (None, ""):
        raise ValidationFailed(BASELINE_VALUE_REQUIRED, field="baseline_value", code="baseline_value_required")
    try:
        b_year, h_year = int(baseline_year), int(horizon_year)
    except (TypeError, ValueError):
        raise ValidationFailed(NOT_A_NUMBER, field="baseline_year") from None
    if h_year <= b_year:
        raise ValidationFailed(HORIZON_NOT_AFTER_BASELINE, field="horizon_year", code="horizon_not_after_baseline")
    return (
        to_decimal(baseline_value, field="baseline_value"),
        b_year,
        to_decimal(horizon_value, field="horizon_value"),
        h_year,
    )


@transaction.atomic
def target_create(
    *,
    actor: User | None,
    contract: PerformanceContract,
    indicator: Indicator,
    baseline_value: Any,
    baseline_year: Any,
    horizon_value: Any,
    horizon_year: Any = None,
    shape: str = Target.Shape.LINEAR,
    ecosystem: Ecosystem | None = None,
    region: str = "",
    gender: str = "",
    source: str = "",
) -> Target:
    """Create a target with its derived milestones; ``actor=None`` is the programme loader."""
    if actor is not None:
        require(actor, "programme.manage")
    values = target_validate(
        baseline_value=baseline_value,
        baseline_year=baseline_year,
        horizon_value=horizon_value,
        horizon_year=horizon_year if horizon_year not in (None, "") else contract.horizon_year,
    )
    if shape not in Target.Shape.values:
        raise ValidationFailed(_("Unknown milestone shape."), field="shape")
    if ecosystem is not None and not contract.ecosystems.filter(pk=ecosystem.pk).exists():
        raise ValidationFailed(ECOSYSTEM_NOT_IN_CONTRACT, field="ecosystem")
    if Target.objects.filter(
        contract=contract, indicator=indicator, ecosystem=ecosystem, region=region, gender=gender
    ).exists():
        raise ValidationFailed(TARGET_EXISTS, field="indicator", code="target_exists")
    target = Target.objects.create(
        contract=contract,
        indicator=indicator,
        ecosystem=ecosystem,
        region=region,
        gender=gender,
        baseline_value=values[0],
        baseline_year=values[1],
        horizon_value=values[2],
        horizon_year=values[3],
        shape=shape,
        source=source,
    )
    target_milestones_derive(target=target)
    return target


@transaction.atomic
def milestone_override(*, actor: User, target: Target, year: int, value: Any | None, reason: str) -> Milestone:
    """Set (or, with ``value=None``, clear) the value of one yearly milestone, with a reason."""
    require(actor, "target.edit")
    if not reason or not reason.strip():
        raise ValidationFailed(REASON_REQUIRED, field="reason", code="reason_required")
    if year > target.horizon_year:
        raise ValidationFailed(MILESTONE_BEYOND_HORIZON, field="year", code="override_beyond_horizon")
    if year <= target.baseline_year:
        raise ValidationFailed(MILESTONE_BEFORE_BASELINE, field="year", code="override_before_baseline")
    if year == target.horizon_year:
        raise ValidationFailed(MILESTONE_IS_HORIZON, field="year", code="override_of_horizon")
    milestone = target.milestones.select_for_update().filter(year=year).first()
    if milestone is None:
        raise NotFound(MILESTONE_NOT_FOUND)
    new_value = None if value is None else to_decimal(value, field="value").quantize(CENT)
    if milestone.override_value != new_value:
        milestone.override_value = new_value
        milestone.override_reason = reason.strip() if new_value is not None else ""
        milestone._change_reason = reason.strip()  # type: ignore[attr-defined]
        milestone.save()
    # The other derived milestones bend to pass through the new anchor.
    target_milestones_derive(target=target, reason=reason.strip())
    milestone.refresh_from_db()
    return milestone
