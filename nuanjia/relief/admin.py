"""Relief configuration in the Django admin (superusers only): grant types and the cap table.

Grants and batches are changed only through services; they are not in the admin.
"""

from django.contrib import admin

from nuanjia.core.adminkit import AuditedAdmin

from .models import GrantCap, GrantType


@admin.register(GrantType)
class GrantTypeAdmin(AuditedAdmin):
    list_display = ["code", "name", "default_earmark", "needs_hardship_file", "is_active"]
    search_fields = ["code", "name"]
    filter_horizontal = ["earmarks"]


@admin.register(GrantCap)
class GrantCapAdmin(AuditedAdmin):
    list_display = [
        "grant_type",
        "category",
        "school_stage",
        "region_code",
        "effective_on",
        "per_occasion_fen",
        "per_year_fen",
        "dibao_months",
        "year_scope",
        "approval_limit_fen",
    ]
    list_filter = ["grant_type", "category", "effective_on"]
    search_fields = ["region_code", "note"]
