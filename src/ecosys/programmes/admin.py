"""Admin for every model of the programmes domain, with history on the audited ones.

Admin edits bypass the services' workflow rules (four eyes on amendments), so the amendment and
target screens are read-only here: those changes go through the pages and the API.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ecosys.core.admin import ReadOnlyHistoryAdmin
from ecosys.programmes import models as m


@admin.register(m.Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "start_year", "end_year"]


@admin.register(m.Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "programme", "federation"]


class TierInline(admin.TabularInline):
    model = m.ValueChainTier
    extra = 0


@admin.register(m.Ecosystem)
class EcosystemAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_fr", "name_en", "name_ar", "sector"]
    search_fields = ["code", "name_fr", "name_en"]
    inlines = [TierInline]


class ActivityInline(admin.TabularInline):
    model = m.Activity
    extra = 0


@admin.register(m.ValueChainTier)
class ValueChainTierAdmin(admin.ModelAdmin):
    list_display = ["name_fr", "ecosystem", "position"]
    list_filter = ["ecosystem"]
    inlines = [ActivityInline]


class ProductInline(admin.TabularInline):
    model = m.ActivityProduct
    extra = 0


@admin.register(m.Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["name_fr", "tier", "position"]
    list_filter = ["tier__ecosystem"]
    inlines = [ProductInline]


@admin.register(m.ActivityProduct)
class ActivityProductAdmin(admin.ModelAdmin):
    list_display = ["hs_code", "activity"]
    search_fields = ["hs_code"]


@admin.register(m.Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "unit", "measure_kind", "direction"]


@admin.register(m.SectorBaseline)
class SectorBaselineAdmin(admin.ModelAdmin):
    list_display = ["sector", "indicator", "value", "year", "source"]


class PartyInline(admin.TabularInline):
    model = m.ContractParty
    extra = 0


class SigningInline(admin.TabularInline):
    model = m.ContractSigning
    extra = 0


@admin.register(m.PerformanceContract)
class PerformanceContractAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_fr", "sector", "horizon_year", "status", "version"]
    readonly_fields = ["version"]
    inlines = [PartyInline, SigningInline]


@admin.register(m.ContractSigning)
class ContractSigningAdmin(SimpleHistoryAdmin):
    list_display = ["contract", "signed_on", "name_fr"]


@admin.register(m.ContractParty)
class ContractPartyAdmin(admin.ModelAdmin):
    list_display = ["contract", "organisation", "position"]


@admin.register(m.Target)
class TargetAdmin(ReadOnlyHistoryAdmin):
    list_display = [
        "contract",
        "indicator",
        "ecosystem",
        "baseline_value",
        "baseline_year",
        "horizon_value",
        "horizon_year",
    ]


@admin.register(m.Milestone)
class MilestoneAdmin(ReadOnlyHistoryAdmin):
    list_display = ["target", "year", "derived_value", "override_value"]


@admin.register(m.Commitment)
class CommitmentAdmin(ReadOnlyHistoryAdmin):
    list_display = ["contract", "party", "kind", "amount", "unit"]


@admin.register(m.ContractAmendment)
class ContractAmendmentAdmin(ReadOnlyHistoryAdmin):
    list_display = ["contract", "number", "status", "proposed_by", "decided_by", "resulting_version"]
