from django.contrib import admin

from bi18.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the admin offers neither change nor delete (SPEC §8)."""

    list_display = ("at", "actor_username", "action", "event", "case_number", "ip_address")
    list_filter = ("action",)
    search_fields = ("actor_username", "case_number", "event")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
