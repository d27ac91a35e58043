"""The audit trail in the Django admin: readable, never changeable."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from .adminkit import AuditedAdmin, ReadOnlyAdmin
from .models import AuditEvent, CalendarDay, CalendarYear


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "at", "actor_label", "action", "object_label", "success", "ip"]
    list_filter = ["success", "action"]
    search_fields = ["actor_label", "object_label", "action"]


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ["day", "is_workday", "name", "updated_by", "updated_at"]
    list_filter = ["is_workday"]
    date_hierarchy = "day"

    def save_model(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm[Any], change: bool
    ) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdmin):
    list_display = ["year", "source", "confirmed_by", "confirmed_at"]

    def save_model(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm[Any], change: bool
    ) -> None:
        obj.confirmed_by = request.user
        super().save_model(request, obj, form, change)
