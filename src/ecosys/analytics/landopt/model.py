"""Inputs, results and error of the land optimiser, and the value of serving a request.

A request's value does not depend on the lot it gets (absolute objective, see the package
docstring): ``v_r = π_e(r) · (w_J · jobs_r + w_V · VA_r / 10⁶)``, with ``(w_J, w_V) = (1, 0)`` for
``jobs``, ``(0, 1)`` for ``value_added`` (value added in millions of MAD) and the caller's weights for
``mix``; ``π_e`` is the ecosystem's priority multiplier, 1 when not given.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

ObjectiveKind = Literal["jobs", "value_added", "mix"]
UnservedReason = Literal[
    "no_parcel_large_enough",
    "no_parcel_small_enough",
    "no_parcel_with_services",
    "no_parcel_in_preferred_zones",
    "quota",
    "outcompeted",
]
ParamValue = str | int | float | tuple[str, ...]
Params = Mapping[str, ParamValue]

# A judgement, not a published figure: a lot up to a quarter larger than asked is still a good fit;
# beyond it the investor pays for land it does not use and the zone loses it.
DEFAULT_AREA_SLACK = 0.25
# Above four parcels a "lot" is a redesign of the zone, and connected sets grow exponentially with size.
MAX_LOT_PARCELS = 4
AREA_TOLERANCE_M2 = 1e-6  # sums of parcel areas against a window: absorb floating-point rounding only
M2_PER_HECTARE = 10_000.0
# Quota sums against their limits: absorbs floating-point rounding (1e-6 ha is 0.01 m²).
HECTARE_TOLERANCE = 1e-6
MAD_PER_MILLION = 1e6


class LandOptError(ValueError):
    """Input the land optimiser refuses, or a model it cannot solve; ``code`` says why."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(f"{code} {params}" if params else code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Parcel:
    id: str
    zone: str
    area_m2: float
    services: frozenset[str] = frozenset()
    neighbours: frozenset[str] = frozenset()  # adjacency counts if either parcel lists the other
    available: bool = True

    def __post_init__(self) -> None:
        if not (math.isfinite(self.area_m2) and self.area_m2 > 0):
            raise LandOptError("parcel_area_invalid", parcel=self.id)


@dataclass(frozen=True)
class Request:
    """An investor's land request: a lot of ``[min_area_m2, max_area_m2]`` made of ``<= max_parcels`` parcels.

    The window defaults to ``[area_m2, area_m2 · (1 + DEFAULT_AREA_SLACK)]``.
    """

    id: str
    ecosystem: str
    area_m2: float
    jobs: float = 0.0
    value_added_mad: float = 0.0
    services_needed: frozenset[str] = frozenset()
    preferred_zones: frozenset[str] = frozenset()  # empty: any zone
    max_parcels: int = 1
    min_area_m2: float | None = None
    max_area_m2: float | None = None

    def __post_init__(self) -> None:
        low, high = self.area_window
        if not (math.isfinite(self.area_m2) and self.area_m2 > 0 and 0 < low <= high and math.isfinite(high)):
            raise LandOptError("request_area_invalid", request=self.id)
        if not 1 <= self.max_parcels <= MAX_LOT_PARCELS:
            raise LandOptError("request_max_parcels_invalid", request=self.id, maximum=MAX_LOT_PARCELS)
        if not (self.jobs >= 0 and self.value_added_mad >= 0):
            raise LandOptError("request_value_invalid", request=self.id)

    @property
    def area_window(self) -> tuple[float, float]:
        low = self.area_m2 if self.min_area_m2 is None else self.min_area_m2
        high = self.area_m2 * (1 + DEFAULT_AREA_SLACK) if self.max_area_m2 is None else self.max_area_m2
        return low, high

    def fits_area(self, area_m2: float) -> bool:
        low, high = self.area_window
        return low - AREA_TOLERANCE_M2 <= area_m2 <= high + AREA_TOLERANCE_M2


@dataclass(frozen=True)
class Objective:
    """What a served request is worth (module docstring); mix weights are per job and per million MAD."""

    kind: ObjectiveKind = "jobs"
    jobs_weight: float = 1.0
    value_added_weight: float = 0.0
    ecosystem_priority: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        weights = (self.jobs_weight, self.value_added_weight, *self.ecosystem_priority.values())
        if self.kind not in ("jobs", "value_added", "mix") or not all(w >= 0 and math.isfinite(w) for w in weights):
            raise LandOptError("objective_invalid")


@dataclass(frozen=True)
class Quota:
    """Limits on what one ecosystem receives; hectares are those its served requests ask for (``area_m2``).

    A lot may exceed its request by the request's slack; counting requested hectares keeps quotas
    independent of the lot chosen (see :mod:`.solve` for why that matters).
    """

    ecosystem: str
    max_hectares: float | None = None
    min_hectares: float | None = None
    max_requests: int | None = None

    def __post_init__(self) -> None:
        limits = (self.max_hectares, self.min_hectares, self.max_requests)
        if any(limit is not None and not limit >= 0 for limit in limits):
            raise LandOptError("quota_invalid", ecosystem=self.ecosystem)


@dataclass(frozen=True)
class Lot:
    """Connected available parcels of one zone; it has a service only if every parcel has it."""

    parcel_ids: tuple[str, ...]
    zone: str
    area_m2: float
    services: frozenset[str]


@dataclass(frozen=True)
class Assignment:
    request_id: str
    parcel_ids: tuple[str, ...]
    area_m2: float
    value: float


@dataclass(frozen=True)
class Unserved:
    """A request left without land; ``reason`` and ``params`` are for the app to translate."""

    request_id: str
    reason: UnservedReason
    params: Params


@dataclass(frozen=True)
class LandPlan:
    """An allocation, its value and how far from proven optimal the solver left it.

    ``mip_gap`` and ``dual_bound`` are HiGHS's (``(bound - primal) / primal``); filling free land
    after the solve can only raise ``objective``, so the true gap is at most ``mip_gap``.
    """

    assignments: tuple[Assignment, ...]
    unserved: tuple[Unserved, ...]
    objective: float
    dual_bound: float
    mip_gap: float
    proven_optimal: bool
    solve_seconds: float
    variables: int

    @property
    def proposal(self) -> dict[str, tuple[str, ...]]:
        """Return request id -> parcel ids, the form :func:`check_proposal` reads."""
        return {a.request_id: a.parcel_ids for a in self.assignments}


@dataclass(frozen=True)
class Violation:
    """A broken invariant in a proposal; ``request_id`` is None for an ecosystem quota."""

    code: str
    request_id: str | None
    params: Params


def request_value(request: Request, objective: Objective) -> float:
    """Return ``v_r`` (module docstring)."""
    weights = {
        "jobs": (1.0, 0.0),
        "value_added": (0.0, 1.0),
        "mix": (objective.jobs_weight, objective.value_added_weight),
    }
    w_jobs, w_value = weights[objective.kind]
    score = w_jobs * request.jobs + w_value * request.value_added_mad / MAD_PER_MILLION
    return objective.ecosystem_priority.get(request.ecosystem, 1.0) * score
