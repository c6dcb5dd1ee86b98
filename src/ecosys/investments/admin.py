"""Admin for the investments domain. Workflow records (projects' status, events, declarations,
imports) are read-only here: they change through the services, which check roles and invariants."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ecosys.core.admin import ReadOnlyHistoryAdmin
from ecosys.investments import models as m


class ProvinceInline(admin.TabularInline):
    model = m.Province
    extra = 0


@admin.register(m.Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_en", "name_ar"]
    inlines = [ProvinceInline]


@admin.register(m.Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "kind", "region"]
    list_filter = ["region", "kind"]


@admin.register(m.OpportunitySheet)
class OpportunitySheetAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_fr", "ecosystem", "status", "indicative_jobs", "is_generated"]
    list_filter = ["status", "ecosystem", "is_generated"]


class PlanInline(admin.TabularInline):
    model = m.ProjectPlanYear
    extra = 0
    can_delete = False


class MilestoneInline(admin.TabularInline):
    model = m.ProjectMilestone
    extra = 0
    can_delete = False


class EventInline(admin.TabularInline):
    model = m.ProjectEvent
    extra = 0
    can_delete = False
    readonly_fields = ["source", "target", "at", "by", "reason"]


@admin.register(m.InvestmentProject)
class InvestmentProjectAdmin(ReadOnlyHistoryAdmin):
    list_display = [
        "code",
        "name",
        "company",
        "ecosystem",
        "status",
        "investment_mad",
        "agreement_date",
        "is_generated",
    ]
    list_filter = ["status", "ecosystem", "region", "is_generated"]
    search_fields = ["code", "name", "company__name", "company__ice"]
    inlines = [PlanInline, MilestoneInline, EventInline]


@admin.register(m.ProjectPlanYear)
class ProjectPlanYearAdmin(ReadOnlyHistoryAdmin):
    list_display = ["project", "year", "jobs", "turnover_mad"]


@admin.register(m.ProjectMilestone)
class ProjectMilestoneAdmin(ReadOnlyHistoryAdmin):
    list_display = ["project", "kind", "planned_date", "actual_date"]


@admin.register(m.ProjectEvent)
class ProjectEventAdmin(ReadOnlyHistoryAdmin):
    list_display = ["project", "source", "target", "at", "by"]


@admin.register(m.Declaration)
class DeclarationAdmin(ReadOnlyHistoryAdmin):
    list_display = ["company", "project", "month", "source", "headcount", "gross_hires", "verification"]
    list_filter = ["source", "verification"]
    search_fields = ["company__name", "company__ice"]
    date_hierarchy = "month"


@admin.register(m.ImportBatch)
class ImportBatchAdmin(ReadOnlyHistoryAdmin):
    list_display = ["filename", "kind", "status", "rows_total", "created_by", "created_at"]
    list_filter = ["kind", "status"]


@admin.register(m.VerificationPolicy)
class VerificationPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["tolerance_jobs", "tolerance_percent"]
