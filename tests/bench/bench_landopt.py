"""Land optimiser: analytics.landopt on 300 parcels x 500 requests, proven optimal, against a greedy peer.

The budget is a proven optimal plan within 10 s. The instance is synthetic and seeded: six zones laid
out as 5 x 10 grids of parcels (adjacent when they share a side), parcel areas log-uniform on
2,000-40,000 m², a tenth already taken, services drawn per parcel; 500 requests of 2,000-60,000 m²
(demand is about two and a half times the free land), up to three parcels each, some needing rail or
gas, some naming preferred zones; jobs from a lognormal density per hectare, value added from a
lognormal per job; two ecosystems have priority multipliers. Quotas (on hectares requested): a
hectare cap, a request cap and a hectare floor on three ecosystems. Each objective (jobs, value
added, a mix) is solved once, with HiGHS's time limit at 30 s. The peer is the usual greedy rule:
requests by value per m² requested, each taking the smallest still-free lot that fits it, within the
maximum quotas (it cannot aim at a floor: the checker says whether it meets it).
"""

from __future__ import annotations

import os
import random
import time
from collections import Counter
from collections.abc import Sequence

from ecosys.analytics.landopt import (
    Objective,
    Parcel,
    Quota,
    Request,
    candidate_lots,
    check_proposal,
    optimise_land,
    request_value,
)

ZONES, ROWS, COLUMNS, REQUESTS = 6, 5, 10, 500
ECOSYSTEMS = ("automotive", "aeronautics", "textile", "agrifood", "pharma", "electrical")
PRIORITY = {"automotive": 1.2, "aeronautics": 1.5}
QUOTAS = (
    Quota("textile", max_hectares=30.0),
    Quota("agrifood", max_requests=12),
    Quota("pharma", min_hectares=8.0),
)
OBJECTIVES = {
    "jobs": Objective("jobs", ecosystem_priority=PRIORITY),
    "value added": Objective("value_added", ecosystem_priority=PRIORITY),
    "mix (1 job = 0.5 MMAD)": Objective("mix", jobs_weight=1.0, value_added_weight=2.0, ecosystem_priority=PRIORITY),
}


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return low * (high / low) ** rng.random()


def _parcels(rng: random.Random) -> list[Parcel]:
    parcels = []
    for z in range(ZONES):
        for row in range(ROWS):
            for column in range(COLUMNS):
                sides = [(row + dr, column + dc) for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1))]
                services = {
                    s for s, p in (("power", 0.95), ("water", 0.85), ("gas", 0.4), ("rail", 0.2)) if rng.random() < p
                }
                parcels.append(
                    Parcel(
                        id=f"Z{z}-{row}-{column}",
                        zone=f"Z{z}",
                        area_m2=round(_log_uniform(rng, 2_000, 40_000)),
                        services=frozenset(services),
                        neighbours=frozenset(f"Z{z}-{r}-{c}" for r, c in sides if 0 <= r < ROWS and 0 <= c < COLUMNS),
                        available=rng.random() >= 0.1,
                    )
                )
    return parcels


def _requests(rng: random.Random) -> list[Request]:
    requests = []
    for i in range(REQUESTS):
        area = round(_log_uniform(rng, 2_000, 60_000))
        jobs = round(area / 10_000 * rng.lognormvariate(3.7, 0.7))  # median ~40 jobs/ha
        needs = {s for s, p in (("power", 0.8), ("water", 0.5), ("gas", 0.15), ("rail", 0.08)) if rng.random() < p}
        zones = rng.sample(range(ZONES), rng.randint(1, 3)) if rng.random() < 0.3 else []
        requests.append(
            Request(
                id=f"R{i:03d}",
                ecosystem=rng.choice(ECOSYSTEMS),
                area_m2=area,
                jobs=jobs,
                value_added_mad=round(jobs * rng.lognormvariate(12.4, 0.5)),  # median ~240,000 MAD per job
                services_needed=frozenset(needs),
                preferred_zones=frozenset(f"Z{z}" for z in zones),
                max_parcels=rng.choice((1, 1, 1, 2, 2, 3)),
            )
        )
    return requests


def _greedy(
    parcels: Sequence[Parcel], requests: Sequence[Request], objective: Objective
) -> tuple[dict[str, tuple[str, ...]], float]:
    """Serve requests by value per m² requested, each with the smallest free lot, within the maximum quotas."""
    lots = candidate_lots(parcels, requests)
    limits = {q.ecosystem: q for q in QUOTAS}
    used: set[str] = set()
    hectares: Counter[str] = Counter()
    served: Counter[str] = Counter()
    proposal, total = {}, 0.0
    for request in sorted(requests, key=lambda r: (-request_value(r, objective) / r.area_m2, r.id)):
        e, quota = request.ecosystem, limits.get(request.ecosystem)
        max_requests = float("inf") if quota is None or quota.max_requests is None else quota.max_requests
        max_hectares = float("inf") if quota is None or quota.max_hectares is None else quota.max_hectares
        if served[e] + 1 > max_requests or hectares[e] + request.area_m2 / 1e4 > max_hectares:
            continue
        lot = next((lot for lot in lots[request.id] if used.isdisjoint(lot.parcel_ids)), None)
        if lot is not None:
            proposal[request.id] = lot.parcel_ids
            used.update(lot.parcel_ids)
            hectares[e] += request.area_m2 / 1e4
            served[e] += 1
            total += request_value(request, objective)
    return proposal, total


def run() -> None:
    print(f"   load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    rng = random.Random(57)
    parcels, requests = _parcels(rng), _requests(rng)
    free = [p for p in parcels if p.available]
    print(
        f"   {len(parcels)} parcels ({len(free)} free, {sum(p.area_m2 for p in free) / 1e4:.0f} ha) in {ZONES} zones; "
        f"{len(requests)} requests ({sum(r.area_m2 for r in requests) / 1e4:.0f} ha asked)",
        flush=True,
    )
    for label, objective in OBJECTIVES.items():
        started = time.perf_counter()
        plan = optimise_land(parcels, requests, objective, quotas=QUOTAS)
        seconds = time.perf_counter() - started
        violations = check_proposal(parcels, requests, plan.proposal, quotas=QUOTAS)
        print(f"   objective {label}: {plan.variables} variables", flush=True)
        print(
            f"      analytics.landopt: {seconds:.2f} s (HiGHS {plan.solve_seconds:.2f} s), "
            f"objective {plan.objective:,.1f}, bound {plan.dual_bound:,.1f}, gap {plan.mip_gap:.2e}, "
            f"proven optimal: {plan.proven_optimal}, invariants broken: {len(violations)}",
            flush=True,
        )
        reasons = Counter(u.reason for u in plan.unserved)
        served = f"{len(plan.assignments)} served ({sum(a.area_m2 for a in plan.assignments) / 1e4:.0f} ha)"
        print(f"      {served}; unserved: " + ", ".join(f"{k} {n}" for k, n in sorted(reasons.items())), flush=True)
        started = time.perf_counter()
        proposal, total = _greedy(parcels, requests, objective)
        seconds = time.perf_counter() - started
        broken = Counter(v.code for v in check_proposal(parcels, requests, proposal, quotas=QUOTAS))
        print(
            f"      greedy peer: {seconds:.2f} s, objective {total:,.1f}, {len(proposal)} served, "
            f"{1 - total / plan.objective:.1%} below the optimum; invariants broken: {dict(broken) or 'none'}",
            flush=True,
        )
    print(f"   load average after: {os.getloadavg()[0]:.1f}", flush=True)
