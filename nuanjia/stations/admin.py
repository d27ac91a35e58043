from django.contrib import admin

from nuanjia.core.adminkit import AuditedAdmin

from .models import Facility


@admin.register(Facility)
class FacilityAdmin(AuditedAdmin):
    """The facility checklist is configuration: add items here (bit = a free number 0–62)."""

    list_display = ("code", "name", "bit", "has_quantity", "sort_order", "is_active")
