"""Hardship configuration in the Django admin (superusers only): the regional policies.

Files and their history are changed only through services; the admin shows them read-only.
"""

from django.contrib import admin

from nuanjia.core.adminkit import AuditedAdmin, ReadOnlyAdmin

from .models import FileEvent, HardshipFile, HardshipPolicy


@admin.register(HardshipPolicy)
class HardshipPolicyAdmin(AuditedAdmin):
    list_display = [
        "region_code",
        "effective_on",
        "relative_multiple",
        "publicity_days",
        "gradual_exit_max_months",
        "gradual_exit_max_percent",
        "spot_check_percent",
    ]
    search_fields = ["region_code"]


@admin.register(HardshipFile)
class HardshipFileAdmin(ReadOnlyAdmin):
    list_display = ["id", "region_code", "status", "category", "filed_on", "next_review_on"]
    list_filter = ["status", "category"]
    search_fields = ["region_code"]


@admin.register(FileEvent)
class FileEventAdmin(ReadOnlyAdmin):
    list_display = ["file", "action", "from_status", "to_status", "by", "at"]
    list_filter = ["action"]
