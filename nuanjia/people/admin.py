"""The occupation tag list is configured in the Django admin (superusers only)."""

from django.contrib import admin

from .models import OccupationTag


@admin.register(OccupationTag)
class OccupationTagAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
