"""Assign land requests to lots with a mixed-integer programme solved by HiGHS (``scipy.optimize.milp``).

With a binary ``x_{r,l}`` for each request ``r`` and each minimal lot ``l`` fitting it (:mod:`.lots`),
a binary ``y_r`` for "``r`` is served", ``a_r`` the area ``r`` asks for and ``v_r`` its value
(:mod:`.model`)::

    maximise    Σ_r v_r · y_r
    subject to  Σ_l x_{r,l} = y_r                            a request is served at most once
                Σ_{(r,l): p ∈ l} x_{r,l} <= 1                a parcel is in at most one lot
                min_e <= Σ_{r ∈ e} y_r · a_r / 10⁴ <= max_e  hectares of ecosystem e
                Σ_{r ∈ e} y_r <= n_e                         requests served in ecosystem e

**Quotas count the hectares requests ask for, not their lots'.** Then neither a value nor a quota
depends on which lot a request gets: lots only compete for parcels, dropping a lot that contains
another fitting lot loses nothing, and a quota is a plain knapsack on the ``y_r``. Counting lot areas
instead ties the knapsack to every lot choice: on the benchmark's instances proofs of 5-12 s became
runs unfinished after 30 s. Allocated land exceeds a hectare quota by at most the requests' slack.

**Branching on ``y_r``.** Deciding whether a request is served splits the objective; deciding one
of its lots barely moves it, so ``y_r`` are declared integer. Values go to HiGHS unscaled (jobs,
millions of MAD): whole jobs let it detect an integral objective and prune nodes that cannot gain a
whole unit. The matrix is sparse: per lot variable one entry for its request and one per parcel.

HiGHS runs to a zero relative gap, so a plan it calls optimal is proven optimal (up to its absolute
gap tolerance, 1e-6). A request worth nothing may be left out by an optimal solve even when land is
free: afterwards, in input order, each unserved request takes its smallest lot whose parcels are all
free if its quotas allow, which only adds value.

An unserved request gets the first reason that applies: no lot of at most ``k_r`` parcels reaches
its minimum area (``no_parcel_large_enough``); every such lot exceeds its maximum
(``no_parcel_small_enough``); none in its window has its services (``no_parcel_with_services``); none
of those is in a preferred zone (``no_parcel_in_preferred_zones``); its ecosystem's request count or
hectares leave no room for it (``quota``); otherwise other requests hold a parcel of each of its lots
(``outcompeted``, ``by`` naming them).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from time import perf_counter

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from ecosys.analytics.landopt.lots import (
    BoolArray,
    IntArray,
    LotTable,
    by_area,
    filter_stages,
    lot_table,
    minimal_lots,
)
from ecosys.analytics.landopt.model import (
    HECTARE_TOLERANCE,
    M2_PER_HECTARE,
    Assignment,
    LandOptError,
    LandPlan,
    Objective,
    Parcel,
    Quota,
    Request,
    Unserved,
    request_value,
)

DEFAULT_TIME_LIMIT_S = 30.0


def optimise_land(
    parcels: Sequence[Parcel],
    requests: Sequence[Request],
    objective: Objective | None = None,
    *,
    quotas: Sequence[Quota] = (),
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
) -> LandPlan:
    """Return the plan maximising the objective (module docstring; default: jobs, no priorities).

    Raises ``LandOptError`` with ``quotas_infeasible`` when minimum quotas cannot all be met, and
    ``no_solution_within_time_limit`` when HiGHS found no plan in time.
    """
    _require_unique("parcel_id_duplicate", [p.id for p in parcels])
    _require_unique("request_id_duplicate", [r.id for r in requests])
    _require_unique("quota_duplicate", [q.ecosystem for q in quotas])
    if not time_limit_s > 0:
        raise LandOptError("time_limit_invalid")
    limits = {q.ecosystem: q for q in quotas}
    table = lot_table(
        parcels,
        max_parcels=max((r.max_parcels for r in requests), default=1),
        cap_m2=max((r.area_window[1] for r in requests), default=0.0),
        services={s for r in requests for s in r.services_needed},
    )
    stages = [filter_stages(table, r) for r in requests]
    candidates = [by_area(table, minimal_lots(table, np.flatnonzero(masks[-1]))) for masks in stages]
    values = np.array([request_value(r, objective or Objective()) for r in requests], dtype=np.float64)
    solution = _solve(table, requests, candidates, values, limits, time_limit_s)
    chosen = _fill_free_land(table, requests, candidates, limits, dict(solution.chosen))

    hectares, served = _usage(requests, chosen)
    holder = {int(p): r for r, lot in chosen.items() for p in table.parcel_indexes(lot)}
    assignments, unserved = [], []
    for r, request in enumerate(requests):
        if r in chosen:
            lot = table.lot(chosen[r])
            assignments.append(Assignment(request.id, lot.parcel_ids, lot.area_m2, float(values[r])))
        else:
            reason = _explain(table, request, stages[r], limits, hectares, served)
            if reason is None:
                parts = {int(p) for lot in candidates[r] for p in table.parcel_indexes(lot)}
                taken_by = {requests[holder[p]].id for p in parts if p in holder}
                reason = Unserved(request.id, "outcompeted", {"by": tuple(sorted(taken_by))})
            unserved.append(reason)
    return LandPlan(
        assignments=tuple(assignments),
        unserved=tuple(unserved),
        objective=float(sum(a.value for a in assignments)),
        dual_bound=solution.dual_bound,
        mip_gap=solution.mip_gap,
        proven_optimal=solution.proven_optimal,
        solve_seconds=solution.seconds,
        variables=solution.variables,
    )


def _require_unique(code: str, ids: Sequence[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise LandOptError(code, id=i)
        seen.add(i)


@dataclass(frozen=True)
class _Solution:
    chosen: Mapping[int, int]  # request index -> lot index
    dual_bound: float
    mip_gap: float
    proven_optimal: bool
    seconds: float
    variables: int


def _solve(
    table: LotTable,
    requests: Sequence[Request],
    candidates: Sequence[IntArray],
    values: NDArray[np.float64],
    limits: Mapping[str, Quota],
    time_limit_s: float,
) -> _Solution:
    """Build the sparse programme of the module docstring (columns: the ``x_{r,l}``, then the ``y_r``) and solve it."""
    var_request = np.repeat(np.arange(len(requests)), [len(c) for c in candidates])
    var_lot = np.concatenate([np.empty(0, dtype=np.intp), *candidates])
    n, m = len(var_lot), len(requests)
    if n == 0:
        if any((q.min_hectares or 0) > HECTARE_TOLERANCE for q in limits.values()):
            raise LandOptError("quotas_infeasible")
        return _Solution({}, 0.0, 0.0, True, 0.0, 0)
    rows = _Rows()
    served = n + np.arange(m)
    rows.add(
        np.concatenate((var_request, np.arange(m))),
        np.concatenate((np.arange(n), served)),
        np.concatenate((np.ones(n), -np.ones(m))),
        np.zeros(m),
        np.zeros(m),
    )
    size = table.size[var_lot]
    first = np.repeat(table.start[var_lot], size)
    offset = np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size, size)
    parcels = len(table.parcels)
    rows.add(
        table.members[first + offset],
        np.repeat(np.arange(n), size),
        np.ones(len(first)),
        np.full(parcels, -np.inf),
        np.ones(parcels),
    )
    for quota in limits.values():
        mine = np.array([i for i, r in enumerate(requests) if r.ecosystem == quota.ecosystem], dtype=np.intp)
        one_row = np.zeros(len(mine), dtype=np.intp)
        if quota.max_hectares is not None or quota.min_hectares is not None:
            hectares = np.array([requests[i].area_m2 for i in mine]) / M2_PER_HECTARE
            low = -np.inf if quota.min_hectares is None else quota.min_hectares
            high = np.inf if quota.max_hectares is None else quota.max_hectares
            rows.add(one_row, served[mine], hectares, [low], [high])
        if quota.max_requests is not None:
            rows.add(one_row, served[mine], np.ones(len(mine)), [-np.inf], [float(quota.max_requests)])
    started = perf_counter()
    result = milp(
        np.concatenate((np.zeros(n), -values)),
        integrality=np.ones(n + m),
        bounds=Bounds(0, 1),
        constraints=rows.constraint(n + m),
        options={"mip_rel_gap": 0, "time_limit": time_limit_s},
    )
    seconds = perf_counter() - started
    if result.status == 2:
        raise LandOptError("quotas_infeasible")
    if result.x is None:
        raise LandOptError("no_solution_within_time_limit" if result.status == 1 else "solver_failed")
    primal = -float(result.fun)
    bound = primal if result.mip_dual_bound is None else -float(result.mip_dual_bound)
    gap = 0.0 if result.mip_gap is None else float(result.mip_gap)
    chosen = {int(var_request[j]): int(var_lot[j]) for j in np.flatnonzero(result.x[:n] > 0.5)}
    return _Solution(chosen, bound, gap, result.status == 0, seconds, n)


class _Rows:
    """Constraint rows ``lower <= A·z <= upper`` gathered block by block, ``A`` in sparse form."""

    def __init__(self) -> None:
        self.count = 0
        self.rows: list[IntArray] = []
        self.cols: list[IntArray] = []
        self.data: list[NDArray[np.float64]] = []
        self.lower: list[NDArray[np.float64]] = []
        self.upper: list[NDArray[np.float64]] = []

    def add(self, rows: IntArray, cols: IntArray, data: ArrayLike, lower: ArrayLike, upper: ArrayLike) -> None:
        """Append a block of ``len(lower)`` rows; ``rows`` numbers each entry's row within the block."""
        self.rows.append(self.count + np.asarray(rows, dtype=np.intp))
        self.cols.append(np.asarray(cols, dtype=np.intp))
        self.data.append(np.asarray(data, dtype=np.float64))
        self.lower.append(np.asarray(lower, dtype=np.float64))
        self.upper.append(np.asarray(upper, dtype=np.float64))
        self.count += len(self.lower[-1])

    def constraint(self, columns: int) -> LinearConstraint:
        entries = (np.concatenate(self.data), (np.concatenate(self.rows), np.concatenate(self.cols)))
        matrix = coo_array(entries, shape=(self.count, columns)).tocsr()
        return LinearConstraint(matrix, np.concatenate(self.lower), np.concatenate(self.upper))


def _usage(requests: Sequence[Request], chosen: Mapping[int, int]) -> tuple[dict[str, float], dict[str, int]]:
    """Return the hectares requested and the requests served, per ecosystem, of the served requests."""
    hectares: dict[str, float] = {r.ecosystem: 0.0 for r in requests}
    served: dict[str, int] = {r.ecosystem: 0 for r in requests}
    for r in chosen:
        hectares[requests[r].ecosystem] += requests[r].area_m2 / M2_PER_HECTARE
        served[requests[r].ecosystem] += 1
    return hectares, served


def _quota_blocks(request: Request, quota: Quota | None, hectares: float, served: int) -> str | None:
    """Return which maximum (``max_requests``, ``max_hectares``) serving ``request`` too would break."""
    if quota is None:
        return None
    if quota.max_requests is not None and served + 1 > quota.max_requests:
        return "max_requests"
    after = hectares + request.area_m2 / M2_PER_HECTARE
    if quota.max_hectares is not None and after > quota.max_hectares + HECTARE_TOLERANCE:
        return "max_hectares"
    return None


def _fill_free_land(
    table: LotTable,
    requests: Sequence[Request],
    candidates: Sequence[IntArray],
    limits: Mapping[str, Quota],
    chosen: dict[int, int],
) -> dict[int, int]:
    """Give unserved requests, in input order, their smallest all-free lot within quotas (module docstring)."""
    used: set[int] = {int(p) for lot in chosen.values() for p in table.parcel_indexes(lot)}
    hectares, served = _usage(requests, chosen)
    for r, request in enumerate(requests):
        e = request.ecosystem
        if r in chosen or _quota_blocks(request, limits.get(e), hectares[e], served[e]) is not None:
            continue
        free = (lot for lot in candidates[r].tolist() if used.isdisjoint(table.parcel_indexes(lot).tolist()))
        lot = next(free, None)
        if lot is not None:
            chosen[r] = lot
            used.update(table.parcel_indexes(lot).tolist())
            hectares[e] += request.area_m2 / M2_PER_HECTARE
            served[e] += 1
    return chosen


def _explain(
    table: LotTable,
    request: Request,
    masks: tuple[BoolArray, BoolArray, BoolArray, BoolArray],
    limits: Mapping[str, Quota],
    hectares: Mapping[str, float],
    served: Mapping[str, int],
) -> Unserved | None:
    """Return why ``request`` got no land, or None when other requests hold its lots (module docstring)."""
    large, window, serviced, zoned = masks
    low, high = request.area_window
    if not large.any():
        largest = float(table.area[table.size <= request.max_parcels].max(initial=0.0))
        params = {"min_area_m2": float(low), "max_parcels": request.max_parcels, "largest_lot_m2": largest}
        return Unserved(request.id, "no_parcel_large_enough", params)
    if not window.any():
        smallest = float(table.area[large].min())
        return Unserved(request.id, "no_parcel_small_enough", {"max_area_m2": float(high), "smallest_lot_m2": smallest})
    if not serviced.any():
        return Unserved(request.id, "no_parcel_with_services", {"services": _sorted(request.services_needed)})
    if not zoned.any():
        return Unserved(request.id, "no_parcel_in_preferred_zones", {"zones": _sorted(request.preferred_zones)})
    e = request.ecosystem
    quota = limits.get(e)
    limit = _quota_blocks(request, quota, hectares[e], served[e])
    if quota is not None and limit is not None:
        value = quota.max_requests if limit == "max_requests" else quota.max_hectares
        return Unserved(request.id, "quota", {"ecosystem": e, "limit": limit, "value": value or 0})
    return None


def _sorted(items: Collection[str]) -> tuple[str, ...]:
    return tuple(sorted(items))
