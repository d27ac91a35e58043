"""The audit trail in the Django admin: readable, never changeable."""

from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["id", "at", "actor_label", "action", "object_label", "success", "ip"]
    list_filter = ["success", "action"]
    search_fields = ["actor_label", "object_label", "action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
