"""Admin for monitoring. Thresholds are data the ministry edits (with history); validated quarters,
unlock requests, snapshots and reports change only through the services (four eyes, the worker)."""

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from ecosys.core.admin import ReadOnlyHistoryAdmin
from ecosys.monitoring import models as m


@admin.register(m.StatusThresholds)
class StatusThresholdsAdmin(SimpleHistoryAdmin):
    list_display = ["programme", "on_track_percent", "at_risk_percent", "updated_at"]


@admin.register(m.Period)
class PeriodAdmin(ReadOnlyHistoryAdmin):
    list_display = ["programme", "year", "quarter", "status", "locked_by", "locked_at"]
    list_filter = ["programme", "status", "year"]


@admin.register(m.UnlockRequest)
class UnlockRequestAdmin(ReadOnlyHistoryAdmin):
    list_display = ["period", "status", "requested_by", "decided_by", "created_at"]
    list_filter = ["status"]


class ServiceOnlyAdmin(admin.ModelAdmin):
    """Readable, never written by hand."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(m.Snapshot)
class SnapshotAdmin(ServiceOnlyAdmin):
    list_display = ["programme", "as_of", "basis", "period", "computed_at", "seconds", "stale"]
    list_filter = ["programme", "basis", "stale"]
    exclude = ["figures"]


@admin.register(m.Report)
class ReportAdmin(ServiceOnlyAdmin):
    list_display = ["kind", "programme", "ecosystem", "as_of", "language", "status", "requested_by", "created_at"]
    list_filter = ["kind", "status", "language"]
