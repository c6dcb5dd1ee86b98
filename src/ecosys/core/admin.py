"""Admin pieces shared by the domain apps."""

from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """Show records and their history, change nothing: these records change through the services,
    which check roles and invariants (four eyes, allowed transitions) that the admin would bypass."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
