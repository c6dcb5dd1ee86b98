"""Admin for the opportunities domain: names and descriptions may be corrected; what the worker computed
(a dataset's years, rows and version, an import's outcome, a study's parameters and result) is read-only."""

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from ecosys.opportunities import models as m


@admin.register(m.TradeDataset)
class TradeDatasetAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "classification", "rows", "version", "is_generated"]
    search_fields = ["code", "name"]
    readonly_fields = ["code", "classification", "years", "rows", "version", "is_generated", "created_by"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # created from the pages, the API or the CLI, with its folder


@admin.register(m.TradeImport)
class TradeImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "dataset", "format", "status", "outcome", "rows_written", "created_at"]
    list_filter = ["status", "format"]
    readonly_fields = [f.name for f in m.TradeImport._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(m.OpportunityStudy)
class OpportunityStudyAdmin(SimpleHistoryAdmin):
    list_display = ["title", "country", "dataset", "status", "seconds", "requested_by", "created_at"]
    list_filter = ["status", "country"]
    search_fields = ["title", "country"]
    readonly_fields = [
        "dataset", "dataset_version", "country", "parameters", "status", "progress", "stage", "error", "seconds",
        "requested_by", "finished_at",
    ]  # fmt: skip
    exclude = ["result"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
