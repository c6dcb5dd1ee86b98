"""Check a proposal (request id -> parcel ids) against the invariants the optimiser keeps.

A person editing a plan may break them; each broken invariant is a :class:`Violation` with a code
the app translates: ``request_unknown``, ``lot_empty``, ``parcel_unknown``, ``parcel_unavailable``,
``parcel_used_twice``, ``too_many_parcels``, ``zones_mixed``, ``zone_not_preferred``,
``parcels_not_adjacent``, ``area_too_small``, ``area_too_large``, ``services_missing`` (a lot has a
service only if every parcel has it), and per ecosystem ``quota_max_hectares``,
``quota_min_hectares``, ``quota_max_requests`` (hectares requested, as in :class:`.model.Quota`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ecosys.analytics.landopt.lots import adjacency
from ecosys.analytics.landopt.model import HECTARE_TOLERANCE, M2_PER_HECTARE, Parcel, Quota, Request, Violation


def check_proposal(
    parcels: Sequence[Parcel],
    requests: Sequence[Request],
    proposal: Mapping[str, Sequence[str]],
    *,
    quotas: Sequence[Quota] = (),
) -> tuple[Violation, ...]:
    """Return every invariant ``proposal`` breaks, in proposal order then quota order; empty if valid."""
    parcel_of = {p.id: p for p in parcels}
    request_of = {r.id: r for r in requests}
    links = adjacency(parcels)
    holder: dict[str, str] = {}
    hectares: dict[str, float] = {}
    served: dict[str, int] = {}
    found: list[Violation] = []
    for request_id, parcel_ids in proposal.items():
        request = request_of.get(request_id)
        if request is None:
            found.append(Violation("request_unknown", request_id, {}))
            continue
        unknown = tuple(p for p in parcel_ids if p not in parcel_of)
        if not parcel_ids or unknown:
            found.append(
                Violation("parcel_unknown", request_id, {"parcels": unknown}) if unknown else _empty(request_id)
            )
            continue
        for p in parcel_ids:
            if p in holder:
                found.append(
                    Violation("parcel_used_twice", request_id, {"parcel": p, "requests": (holder[p], request_id)})
                )
            holder[p] = request_id
        lot = [parcel_of[p] for p in dict.fromkeys(parcel_ids)]
        found.extend(_check_lot(request, lot, links))
        hectares[request.ecosystem] = hectares.get(request.ecosystem, 0.0) + request.area_m2 / M2_PER_HECTARE
        served[request.ecosystem] = served.get(request.ecosystem, 0) + 1
    for quota in quotas:
        found.extend(_check_quota(quota, hectares.get(quota.ecosystem, 0.0), served.get(quota.ecosystem, 0)))
    return tuple(found)


def _empty(request_id: str) -> Violation:
    return Violation("lot_empty", request_id, {})


def _check_lot(request: Request, lot: Sequence[Parcel], links: Mapping[str, frozenset[str]]) -> list[Violation]:
    """Return the invariants one request's lot breaks on its own."""
    found = []
    r = request.id
    unavailable = tuple(p.id for p in lot if not p.available)
    if unavailable:
        found.append(Violation("parcel_unavailable", r, {"parcels": unavailable}))
    if len(lot) > request.max_parcels:
        found.append(Violation("too_many_parcels", r, {"parcels": len(lot), "max_parcels": request.max_parcels}))
    zones = tuple(sorted({p.zone for p in lot}))
    if len(zones) > 1:
        found.append(Violation("zones_mixed", r, {"zones": zones}))
    elif request.preferred_zones and zones[0] not in request.preferred_zones:
        found.append(
            Violation("zone_not_preferred", r, {"zone": zones[0], "zones": tuple(sorted(request.preferred_zones))})
        )
    if not _connected([p.id for p in lot], links):
        found.append(Violation("parcels_not_adjacent", r, {"parcels": tuple(p.id for p in lot)}))
    area = sum(p.area_m2 for p in lot)
    low, high = request.area_window
    if not request.fits_area(area):
        code, params = (
            ("area_too_small", {"min_area_m2": low}) if area < low else ("area_too_large", {"max_area_m2": high})
        )
        found.append(Violation(code, r, {"area_m2": area, **params}))
    missing = request.services_needed - frozenset.intersection(*(p.services for p in lot))
    if missing:
        found.append(Violation("services_missing", r, {"services": tuple(sorted(missing))}))
    return found


def _connected(ids: Sequence[str], links: Mapping[str, frozenset[str]]) -> bool:
    """Return whether ``ids`` form one connected piece through ``links`` (a depth-first walk)."""
    inside, reached, stack = set(ids), {ids[0]}, [ids[0]]
    while stack:
        for q in links[stack.pop()] & (inside - reached):
            reached.add(q)
            stack.append(q)
    return reached == inside


def _check_quota(quota: Quota, hectares: float, served: int) -> list[Violation]:
    e = quota.ecosystem
    found = []
    if quota.max_hectares is not None and hectares > quota.max_hectares + HECTARE_TOLERANCE:
        found.append(
            Violation("quota_max_hectares", None, {"ecosystem": e, "hectares": hectares, "limit": quota.max_hectares})
        )
    if quota.min_hectares is not None and hectares < quota.min_hectares - HECTARE_TOLERANCE:
        found.append(
            Violation("quota_min_hectares", None, {"ecosystem": e, "hectares": hectares, "limit": quota.min_hectares})
        )
    if quota.max_requests is not None and served > quota.max_requests:
        found.append(
            Violation("quota_max_requests", None, {"ecosystem": e, "requests": served, "limit": quota.max_requests})
        )
    return found
