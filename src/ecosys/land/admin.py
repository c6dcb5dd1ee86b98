"""Admin for the land domain, with the history of every record.

A zone's name, region and kind, and a parcel's price, rent and services, may be corrected here. What
allocation moves is read-only: a zone's allocated area, a parcel's status, its outline and area (measured
at import), the holdings, the requests' progress and the optimiser's proposals. These change through
``ecosys.land.services`` only, which keep a parcel held once and a zone within its area.
"""

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from ecosys.core.admin import ReadOnlyHistoryAdmin
from ecosys.land import models as m


class ParcelInline(admin.TabularInline):
    model = m.Parcel
    extra = 0
    can_delete = False
    fields = ("code", "area_m2", "status", "price_mad_per_m2", "rent_mad_per_m2_month", "services")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(m.Zone)
class ZoneAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "programme", "region", "kind", "area_m2", "allocated_m2", "is_generated"]
    list_filter = ["programme", "kind", "region", "is_generated"]
    search_fields = ["code", "name"]
    readonly_fields = [
        "programme", "code", "geometry", "area_m2", "declared_area_m2", "grid", "allocated_m2", "is_generated",
    ]  # fmt: skip
    inlines = [ParcelInline]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # zones come from a GeoJSON file, whose outline is checked and measured

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(m.Parcel)
class ParcelAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "zone", "area_m2", "status", "price_mad_per_m2", "rent_mad_per_m2_month"]
    list_filter = ["status", "zone", "is_generated"]
    search_fields = ["code", "zone__code"]
    readonly_fields = [
        "zone", "code", "geometry", "area_m2", "declared_area_m2", "neighbours", "status", "is_generated",
    ]  # fmt: skip

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # parcels come from a GeoJSON file, checked against their zone and neighbours

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class HoldingInline(admin.TabularInline):
    model = m.Holding
    extra = 0
    can_delete = False
    fields = ("parcel", "live", "reserved_at", "reserved_until", "allocated_at", "ended_at", "reserved_by")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(m.LandRequest)
class LandRequestAdmin(ReadOnlyHistoryAdmin):
    list_display = ["reference", "company", "project", "area_m2", "status", "agreement", "created_at"]
    list_filter = ["status", "agreement", "is_generated"]
    search_fields = ["reference", "company__name", "project__code"]
    date_hierarchy = "created_at"
    inlines = [HoldingInline]


@admin.register(m.Holding)
class HoldingAdmin(ReadOnlyHistoryAdmin):
    list_display = ["request", "parcel", "live", "reserved_until", "allocated_at", "ended_at"]
    list_filter = ["live"]
    search_fields = ["request__reference", "parcel__code", "parcel__zone__code"]


@admin.register(m.Proposal)
class ProposalAdmin(ReadOnlyHistoryAdmin):
    list_display = ["__str__", "programme", "objective_value", "proven_optimal", "created_by", "accepted_at"]
    list_filter = ["programme", "proven_optimal"]
