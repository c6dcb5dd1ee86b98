"""Candidate lots: connected sets of available parcels of one zone, and the ones that fit a request.

Two parcels are adjacent if either lists the other and both are in the same zone, so a lot never
spans zones. Every connected set of at most ``k`` parcels is enumerated once with ESU (Wernicke,
"Efficient detection of network motifs", IEEE/ACM TCBB 3(4), 2006): a set grows only from its
smallest parcel, by parcels larger than it that neighbour the newest parcel and nothing before it.
A set larger than every request's maximum area is recorded (diagnosis needs it) but not grown, since
supersets are larger still. A lot has a service if *every* parcel has it (intersection): a parcel
without the connection would need works across a parcel line that the zone does not promise.

A lot fits request ``r`` if ``|lot| <= k_r``, ``min_r <= area <= max_r``, it has every service ``r``
needs and its zone is preferred (when ``r`` names zones). Since a request's value does not depend on
its lot, a fitting lot containing another fitting lot is never needed (swap it for the smaller one);
:func:`minimal_lots` drops them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

from ecosys.analytics.landopt.model import AREA_TOLERANCE_M2, Lot, Parcel, Request

IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]


def adjacency(parcels: Sequence[Parcel]) -> dict[str, frozenset[str]]:
    """Return each parcel's neighbours among ``parcels`` in its own zone, either declaration counting."""
    zone = {p.id: p.zone for p in parcels}
    links: dict[str, set[str]] = {p.id: set() for p in parcels}
    for p in parcels:
        for q in p.neighbours:
            if q != p.id and zone.get(q) == p.zone:
                links[p.id].add(q)
                links[q].add(p.id)
    return {p: frozenset(n) for p, n in links.items()}


@dataclass(frozen=True)
class LotTable:
    """Every connected set of at most ``k`` available parcels of one zone (module docstring), as arrays.

    ``members[start[l]:start[l + 1]]`` are lot ``l``'s indexes into ``parcels`` (ascending);
    ``has[l, s]`` says lot ``l`` has service ``services[s]``; ``zone[l]`` indexes ``zones``.
    """

    parcels: tuple[Parcel, ...]
    members: IntArray
    start: IntArray
    size: IntArray
    area: NDArray[np.float64]
    zone: IntArray
    zones: tuple[str, ...]
    has: BoolArray
    services: tuple[str, ...]

    def parcel_indexes(self, lot: int) -> IntArray:
        return self.members[self.start[lot] : self.start[lot + 1]]

    def lot(self, index: int) -> Lot:
        chosen = [self.parcels[i] for i in self.parcel_indexes(index)]
        services = frozenset(s for s, on in zip(self.services, self.has[index], strict=True) if on)
        return Lot(tuple(p.id for p in chosen), chosen[0].zone, float(self.area[index]), services)


def lot_table(parcels: Sequence[Parcel], *, max_parcels: int, cap_m2: float, services: Iterable[str] = ()) -> LotTable:
    """Enumerate the connected sets of available parcels (module docstring); ``services`` adds columns."""
    free = tuple(p for p in parcels if p.available)
    index = {p.id: i for i, p in enumerate(free)}
    links = adjacency(free)
    neighbours = [sorted(index[q] for q in links[p.id]) for p in free]
    areas = [p.area_m2 for p in free]
    found: list[tuple[tuple[int, ...], float]] = []

    def grow(chosen: tuple[int, ...], area: float, extension: list[int], root: int, reached: frozenset[int]) -> None:
        found.append((chosen, area))
        if len(chosen) == max_parcels or area > cap_m2:
            return
        pending = list(extension)
        while pending:
            w = pending.pop()
            fresh = [u for u in neighbours[w] if u > root and u not in reached]
            grow((*chosen, w), area + areas[w], pending + fresh, root, reached | set(neighbours[w]))

    for v in range(len(free)):
        grow((v,), areas[v], [u for u in neighbours[v] if u > v], v, frozenset((v, *neighbours[v])))

    sets = [tuple(sorted(chosen)) for chosen, _ in found]
    zones = tuple(sorted({p.zone for p in free}))
    vocabulary = tuple(sorted({s for p in free for s in p.services} | set(services)))
    parcel_has = np.array([[s in p.services for s in vocabulary] for p in free], dtype=bool).reshape(
        len(free), len(vocabulary)
    )
    size = np.array([len(s) for s in sets], dtype=np.intp)
    members = np.array([i for s in sets for i in s], dtype=np.intp)
    start = np.concatenate(([0], np.cumsum(size))).astype(np.intp)
    has = np.ones((len(sets), len(vocabulary)), dtype=bool)
    for offset in range(int(size.max(initial=0))):
        rows = np.flatnonzero(size > offset)
        has[rows] &= parcel_has[members[start[rows] + offset]]
    zone_of = {z: i for i, z in enumerate(zones)}
    zone = np.array([zone_of[free[s[0]].zone] for s in sets], dtype=np.intp)
    area = np.array([a for _, a in found], dtype=np.float64)
    return LotTable(free, members, start, size, area, zone, zones, has, vocabulary)


def filter_stages(table: LotTable, request: Request) -> tuple[BoolArray, BoolArray, BoolArray, BoolArray]:
    """Return the lots passing, cumulatively: size and minimum area, maximum area, services, zones.

    The last mask is the fitting lots; the first empty one says why a request has none.
    """
    low, high = request.area_window
    large = (table.size <= request.max_parcels) & (table.area >= low - AREA_TOLERANCE_M2)
    window = large & (table.area <= high + AREA_TOLERANCE_M2)
    serviced = window.copy()
    for service in request.services_needed:
        if service in table.services:
            serviced &= table.has[:, table.services.index(service)]
        else:
            serviced[:] = False
    zoned = serviced
    if request.preferred_zones:
        codes = [i for i, z in enumerate(table.zones) if z in request.preferred_zones]
        zoned = serviced & np.isin(table.zone, codes)
    return large, window, serviced, zoned


def minimal_lots(table: LotTable, lots: IntArray) -> IntArray:
    """Return ``lots`` without those containing another of ``lots`` (dominated: module docstring)."""
    keys = {tuple(table.parcel_indexes(int(lot)).tolist()) for lot in lots}
    keep = []
    for lot in lots:
        chosen = tuple(table.parcel_indexes(int(lot)).tolist())
        subsets = (part for size in range(1, len(chosen)) for part in combinations(chosen, size))
        if not any(part in keys for part in subsets):
            keep.append(int(lot))
    return np.array(keep, dtype=np.intp)


def by_area(table: LotTable, lots: IntArray) -> IntArray:
    """Return ``lots`` from the smallest area, ties by enumeration order: the least land first."""
    return lots[np.lexsort((lots, table.area[lots]))]


def candidate_lots(parcels: Sequence[Parcel], requests: Sequence[Request]) -> dict[str, tuple[Lot, ...]]:
    """Return every lot fitting each request (dominated ones included), smallest first."""
    table = lot_table(
        parcels,
        max_parcels=max((r.max_parcels for r in requests), default=1),
        cap_m2=max((r.area_window[1] for r in requests), default=0.0),
    )
    fitting = {r.id: by_area(table, np.flatnonzero(filter_stages(table, r)[-1])) for r in requests}
    return {r: tuple(table.lot(int(lot)) for lot in lots) for r, lots in fitting.items()}
