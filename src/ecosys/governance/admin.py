"""Admin for the governance domain. Meetings, decisions and initiatives are read-only here: they
change through the services, which check membership, approvals and allowed transitions."""

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from ecosys.core.admin import ReadOnlyHistoryAdmin
from ecosys.governance import models as m


class CommitteeMemberInline(admin.TabularInline):
    model = m.CommitteeMember
    extra = 0
    autocomplete_fields = ["organisation", "user"]


@admin.register(m.Committee)
class CommitteeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "programme", "ecosystem", "chair"]
    list_filter = ["kind", "programme", "ecosystem"]
    search_fields = ["name"]
    inlines = [CommitteeMemberInline]


@admin.register(m.CommitteeMember)
class CommitteeMemberAdmin(SimpleHistoryAdmin):
    list_display = ["committee", "organisation", "user"]
    list_filter = ["committee"]


class AgendaItemInline(admin.TabularInline):
    model = m.AgendaItem
    extra = 0
    can_delete = False
    readonly_fields = ["position", "title", "contract", "target", "project", "application", "land_request"]


class DecisionInline(admin.TabularInline):
    model = m.Decision
    extra = 0
    can_delete = False
    readonly_fields = ["position", "text"]


@admin.register(m.Meeting)
class MeetingAdmin(ReadOnlyHistoryAdmin):
    list_display = ["held_on", "title", "committee", "minutes_status", "kpi_as_of"]
    list_filter = ["committee", "minutes_status"]
    date_hierarchy = "held_on"
    inlines = [AgendaItemInline, DecisionInline]


@admin.register(m.AgendaItem)
class AgendaItemAdmin(ReadOnlyHistoryAdmin):
    list_display = ["meeting", "position", "title", "land_request"]


@admin.register(m.Attendance)
class AttendanceAdmin(ReadOnlyHistoryAdmin):
    list_display = ["meeting", "member", "present"]
    list_filter = ["present"]


@admin.register(m.Decision)
class DecisionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["meeting", "position", "text"]


class ProgressNoteInline(admin.TabularInline):
    model = m.ProgressNote
    extra = 0
    can_delete = False
    readonly_fields = ["text", "author", "at"]


@admin.register(m.Initiative)
class InitiativeAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "committee", "owner_organisation", "owner_person", "due_date", "status"]
    list_filter = ["status", "committee"]
    search_fields = ["title"]
    inlines = [ProgressNoteInline]


@admin.register(m.ProgressNote)
class ProgressNoteAdmin(ReadOnlyHistoryAdmin):
    list_display = ["initiative", "author", "at"]


@admin.register(m.Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "initiative", "kind", "due_date", "created_at", "read_at"]
    list_filter = ["kind"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
