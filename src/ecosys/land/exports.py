"""Excel downloads of the land domain: zones with their occupancy, parcels, land requests, an optimiser proposal.

Headers are in the active language; areas stay numbers (m², hectares), prices and rents stay numbers
(MAD), dates stay dates, so the land office can sum and filter them without reading text back into
numbers. ``zone_figures`` gives the occupancy figures the API shows, from the same sums.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum, prefetch_related_objects
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ecosys.core.spreadsheets import xlsx_bytes
from ecosys.land.models import Holding, LandRequest, Parcel, Proposal, Zone
from ecosys.land.optimiser import UNSERVED_REASONS

HECTARE = Decimal(10_000)


def _rtl() -> bool:
    return (translation.get_language() or "fr").startswith("ar")


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("yes") if value else _("no")


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    """A timezone-aware moment as the local wall-clock time (Excel has no time zones)."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment is not None else None


def _hectares(area_m2: Decimal) -> Decimal:
    return (area_m2 / HECTARE).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class ZoneFigures:
    """A zone's occupancy: its area, the zone's allocated counter, its parcels' area by status (m²)."""

    area_m2: Decimal
    allocated_m2: Decimal
    parcels: int
    by_status: dict[str, Decimal] = field(default_factory=dict)

    @property
    def parcelled_m2(self) -> Decimal:
        return sum(self.by_status.values(), Decimal(0))

    @property
    def available_m2(self) -> Decimal:
        return self.by_status.get(Parcel.Status.AVAILABLE, Decimal(0))

    @property
    def reserved_m2(self) -> Decimal:
        return self.by_status.get(Parcel.Status.RESERVED, Decimal(0))

    @property
    def allocated_percent(self) -> Decimal | None:
        return (100 * self.allocated_m2 / self.area_m2).quantize(Decimal("0.1")) if self.area_m2 else None


def zone_figures(zones: Iterable[Zone]) -> dict[int, ZoneFigures]:
    """Return each zone's occupancy figures by zone id, from one query over the parcels of every zone."""
    items = list(zones)
    counts: dict[int, int] = {}
    by_status: dict[int, dict[str, Decimal]] = {}
    rows = (
        Parcel.objects.filter(zone_id__in=[z.pk for z in items])
        .values("zone_id", "status")
        .annotate(area=Sum("area_m2"), n=Count("pk"))
        .order_by()
    )
    for row in rows:
        by_status.setdefault(row["zone_id"], {})[row["status"]] = row["area"]
        counts[row["zone_id"]] = counts.get(row["zone_id"], 0) + row["n"]
    return {z.pk: ZoneFigures(z.area_m2, z.allocated_m2, counts.get(z.pk, 0), by_status.get(z.pk, {})) for z in items}


def zones_xlsx(zones: Iterable[Zone]) -> bytes:
    """Return one row per zone: where it is, its kind, its area and how much of it is available, reserved,
    allocated (the zone's own counter, which every allocation moves) and the share allocated."""
    items = list(zones)
    prefetch_related_objects(items, "programme", "region", "province")
    figures = zone_figures(items)
    headers = [
        _("Code"), _("Zone"), _("Programme"), _("Region"), _("Province"), _("Kind"), _("Area (m²)"),
        _("Area (ha)"), _("Declared area (m²)"), _("Parcels"), _("Available (m²)"), _("Reserved (m²)"),
        _("Allocated (m²)"), _("Allocated (%)"), _("Generated demo data"),
    ]  # fmt: skip
    rows: list[list[Any]] = [headers]
    for zone in items:
        f = figures[zone.pk]
        rows.append(
            [
                zone.code,
                zone.name,
                zone.programme.name,
                zone.region.name,
                zone.province.name,
                zone.get_kind_display(),
                zone.area_m2,
                _hectares(zone.area_m2),
                zone.declared_area_m2,
                f.parcels,
                f.available_m2,
                f.reserved_m2,
                zone.allocated_m2,
                f.allocated_percent,
                _yes_no(zone.is_generated),
            ]
        )
    return xlsx_bytes(_("Industrial zones"), rows, bold_row=1, right_to_left=_rtl())


def parcels_xlsx(parcels: Iterable[Parcel]) -> bytes:
    """Return one row per parcel: its zone, area, price or rent, services, neighbours and status."""
    items = list(parcels)
    prefetch_related_objects(items, "zone")
    headers = [
        _("Zone"), _("Parcel"), _("Area (m²)"), _("Declared area (m²)"), _("Price (MAD/m²)"),
        _("Rent (MAD/m²/month)"), _("Services"), _("Adjacent parcels"), _("Status"), _("Generated demo data"),
    ]  # fmt: skip
    rows: list[list[Any]] = [headers]
    for parcel in items:
        rows.append(
            [
                parcel.zone.code,
                parcel.code,
                parcel.area_m2,
                parcel.declared_area_m2,
                parcel.price_mad_per_m2,
                parcel.rent_mad_per_m2_month,
                ", ".join(parcel.services),
                ", ".join(parcel.neighbours),
                parcel.get_status_display(),
                _yes_no(parcel.is_generated),
            ]
        )
    return xlsx_bytes(_("Parcels"), rows, bold_row=1, right_to_left=_rtl())


def _live(request: LandRequest) -> list[Holding]:
    return [h for h in request.holdings.all() if h.live]


def requests_xlsx(requests: Iterable[LandRequest]) -> bytes:
    """Return one row per land request: the company and project, what it asks for, where it stands and the
    parcels it holds (with their area and the reservation's expiry)."""
    items = list(requests)
    prefetch_related_objects(
        items, "company", "project__ecosystem", "preferred_zones", "holdings__parcel__zone", "created_by"
    )
    headers = [
        _("Reference"), _("Company"), _("Project"), _("Ecosystem"), _("Area requested (m²)"),
        _("Largest acceptable area (m²)"), _("Parcels at most"), _("Services needed"), _("Preferred zones"),
        _("Status"), _("Parcels held"), _("Area held (m²)"), _("Reservation expires at"), _("Allocated at"),
        _("Agreement"), _("Agreement signed on"), _("Reason"), _("Submitted at"), _("Generated demo data"),
    ]  # fmt: skip
    rows: list[list[Any]] = [headers]
    for r in items:
        held = _live(r)
        rows.append(
            [
                r.reference,
                r.company.name,
                f"{r.project.code} · {r.project.name}",
                r.project.ecosystem.name,
                r.area_m2,
                r.max_area_m2,
                r.max_parcels,
                ", ".join(r.services_needed),
                ", ".join(sorted(z.code for z in r.preferred_zones.all())),
                r.get_status_display(),
                ", ".join(sorted(str(h.parcel) for h in held)),
                sum((h.parcel.area_m2 for h in held), Decimal(0)) if held else None,
                _local(min((h.reserved_until for h in held if h.allocated_at is None), default=None)),
                _local(min((h.allocated_at for h in held if h.allocated_at is not None), default=None)),
                r.get_agreement_display() if r.agreement else "",
                r.agreement_signed_on,
                r.reason,
                _local(r.created_at),
                _yes_no(r.is_generated),
            ]
        )
    return xlsx_bytes(_("Land requests"), rows, bold_row=1, right_to_left=_rtl())


def _parameter_rows(parameters: Mapping[str, Any]) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [_("Objective"), str(parameters.get("objective", "jobs"))],
        [_("Weight of a job"), float(parameters.get("jobs_weight", 1))],
        [_("Weight of a million MAD of value added"), float(parameters.get("value_added_weight", 0))],
    ]
    for ecosystem, weight in sorted((parameters.get("priorities") or {}).items()):
        rows.append([_("Priority of %(ecosystem)s") % {"ecosystem": ecosystem}, float(weight)])
    for ecosystem, limits in sorted((parameters.get("quotas") or {}).items()):
        for key, label in (
            ("min_hectares", _("Minimum hectares of %(ecosystem)s")),
            ("max_hectares", _("Maximum hectares of %(ecosystem)s")),
            ("max_requests", _("Maximum requests of %(ecosystem)s")),
        ):
            if (limits or {}).get(key) not in (None, ""):
                rows.append([label % {"ecosystem": ecosystem}, float(limits[key])])
    return rows


def proposal_xlsx(proposal: Proposal) -> bytes:
    """Return the proposal on one sheet: the run (its settings and the solver's figures), then each assignment
    (request, parcels, area, value), then each request left unserved with the reason, blocks separated by an
    empty row. An accepted proposal lists the assignments as accepted (the person may have edited them)."""
    plan = proposal.plan or {}
    accepted: dict[str, list[str]] | None = plan.get("accepted")
    assignments: list[dict[str, Any]] = list(plan.get("assignments", []))
    if accepted is not None:  # as accepted: an edited assignment has no value computed by the solver
        computed = {a["request"]: a for a in assignments}
        assignments = [
            computed[ref]
            if ref in computed and list(computed[ref]["parcels"]) == list(keys)
            else {"request": ref, "parcels": list(keys), "area_m2": None, "value": None}
            for ref, keys in sorted(accepted.items())
        ]
    unserved = [u for u in plan.get("unserved", []) if accepted is None or u["request"] not in accepted]
    references = {a["request"] for a in assignments} | {u["request"] for u in unserved}
    requests = {
        r.reference: r
        for r in LandRequest.objects.filter(reference__in=references).select_related("company", "project__ecosystem")
    }
    keys = {key for a in assignments for key in a["parcels"]}
    areas = {
        str(p): p.area_m2
        for p in Parcel.objects.filter(zone__code__in={k.split("/", 1)[0] for k in keys}).select_related("zone")
        if str(p) in keys
    }
    rows: list[list[Any]] = [
        [f"{proposal.programme.name} · {_local(proposal.created_at):%Y-%m-%d %H:%M}"],
        [_("Run by"), proposal.created_by.get_username()],
        *_parameter_rows(proposal.parameters or {}),
        [_("Objective value"), proposal.objective_value],
        [_("Optimality gap"), proposal.mip_gap],
        [_("Proven optimal"), _yes_no(proposal.proven_optimal)],
        [_("Solve time (s)"), proposal.solve_seconds],
        [_("Accepted by"), proposal.accepted_by.get_username() if proposal.accepted_by else ""],
        [_("Accepted at"), _local(proposal.accepted_at)],
        [],
        [
            _("Request"), _("Company"), _("Project"), _("Ecosystem"), _("Area requested (m²)"), _("Parcels"),
            _("Area assigned (m²)"), _("Value"),
        ],
    ]  # fmt: skip
    for a in assignments:
        request = requests.get(a["request"])
        area = a.get("area_m2")
        if area is None:
            area = sum((areas.get(k, Decimal(0)) for k in a["parcels"]), Decimal(0))
        rows.append(
            [
                a["request"],
                request.company.name if request else "",
                f"{request.project.code} · {request.project.name}" if request else "",
                request.project.ecosystem.name if request else "",
                request.area_m2 if request else None,
                ", ".join(a["parcels"]),
                area,
                a.get("value"),
            ]
        )
    rows += [[], [_("Request left unserved"), _("Company"), _("Area requested (m²)"), _("Reason")]]
    for u in unserved:
        request = requests.get(u["request"])
        rows.append(
            [
                u["request"],
                request.company.name if request else "",
                request.area_m2 if request else None,
                str(UNSERVED_REASONS.get(u["reason"], u["reason"])),
            ]
        )
    return xlsx_bytes(_("Optimiser proposal"), rows, right_to_left=_rtl())
