"""The occupation tag list is configured in the Django admin (superusers only)."""

from django.contrib import admin

from nuanjia.core.adminkit import AuditedAdmin

from .models import OccupationTag


@admin.register(OccupationTag)
class OccupationTagAdmin(AuditedAdmin):
    list_display = ["name", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
