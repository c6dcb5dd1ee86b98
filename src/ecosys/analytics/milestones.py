"""Yearly milestone paths from a baseline to a horizon target.

A target moves an indicator from ``v0`` in the baseline year ``y0`` to ``v1`` in the horizon year
``y1``. The path between them follows a *shape* ``S`` on normalised time ``t = (y - y0) / (y1 - y0)``:

* linear:   ``S(t) = t``
* s_curve:  the logistic ``σ(k (t - 1/2))`` rescaled so that ``S(0) = 0`` and ``S(1) = 1``
  (slow start, fast middle, slow finish: how investment programmes usually ramp up).

Overridden milestones are anchors. Between two consecutive anchors ``(a, v_a)`` and ``(b, v_b)`` a
year ``y`` gets ``v_a + (v_b - v_a) · (S(t_y) - S(t_a)) / (S(t_b) - S(t_a))``: the same shape, cut to
the segment. Without overrides this is exactly ``v0 + (v1 - v0) · S(t)``; because ``S`` is strictly
increasing, the path is monotone whenever the anchors are.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

Shape = Literal["linear", "s_curve"]
SHAPES: tuple[Shape, ...] = ("linear", "s_curve")
S_CURVE_STEEPNESS = 8.0


class MilestoneError(ValueError):
    """A path cannot be derived; ``code`` says why, ``year`` names the offending year if any."""

    def __init__(self, code: str, year: int | None = None) -> None:
        super().__init__(code if year is None else f"{code}: {year}")
        self.code = code
        self.year = year


@dataclass(frozen=True)
class Milestone:
    year: int
    value: float
    overridden: bool


def shape_fraction(t: float, shape: Shape, steepness: float = S_CURVE_STEEPNESS) -> float:
    """Return ``S(t)`` for ``t`` in [0, 1]: the share of the way covered at normalised time ``t``."""
    if shape == "linear":
        return t
    if shape == "s_curve":

        def sigma(x: float) -> float:
            return 1.0 / (1.0 + math.exp(-x))

        low, high = sigma(-steepness / 2), sigma(steepness / 2)
        return (sigma(steepness * (t - 0.5)) - low) / (high - low)
    raise MilestoneError("unknown_shape")


def milestone_path(
    *,
    baseline_value: float,
    baseline_year: int,
    horizon_value: float,
    horizon_year: int,
    shape: Shape = "linear",
    overrides: Mapping[int, float] | None = None,
) -> list[Milestone]:
    """Return one milestone per year from ``baseline_year + 1`` to ``horizon_year`` inclusive.

    Overrides may fall on any year strictly between the baseline and the horizon years; the horizon
    value itself is the target and changes only by amending the contract.
    """
    if horizon_year <= baseline_year:
        raise MilestoneError("horizon_not_after_baseline")
    if shape not in SHAPES:
        raise MilestoneError("unknown_shape")
    overrides = dict(overrides or {})
    for year in overrides:
        if year > horizon_year:
            raise MilestoneError("override_beyond_horizon", year)
        if year <= baseline_year:
            raise MilestoneError("override_before_baseline", year)
        if year == horizon_year:
            raise MilestoneError("override_of_horizon", year)
    span = horizon_year - baseline_year

    def s(year: int) -> float:
        return shape_fraction((year - baseline_year) / span, shape)

    anchors = sorted({baseline_year: baseline_value, horizon_year: horizon_value, **overrides}.items())
    path: list[Milestone] = []
    for (a, v_a), (b, v_b) in pairwise(anchors):
        s_a, s_b = s(a), s(b)
        for year in range(a + 1, b + 1):
            value = v_b if year == b else v_a + (v_b - v_a) * (s(year) - s_a) / (s_b - s_a)
            path.append(Milestone(year=year, value=value, overridden=year in overrides))
    return path
