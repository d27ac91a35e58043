"""The regional standards in the Django admin (superusers only), every change audited."""

from django.contrib import admin

from nuanjia.core.adminkit import AuditedAdmin

from .models import DibaoStandard, MinimumWage


@admin.register(DibaoStandard, MinimumWage)
class RegionalAmountAdmin(AuditedAdmin):
    list_display = ["region_code", "effective_on", "monthly_fen", "note"]
    list_filter = ["effective_on"]
    search_fields = ["region_code", "note"]
