"""Base classes for our Django admin pages (superusers only: the operator's escape hatch).

Configuration that has no page of its own (caps, standards, policies, calendars, earmarks)
is edited here, so these edits must reach the audit trail like any other change: every
add, change and delete made through an `AuditedAdmin` records an audit event with the
values before and after, in the admin's own transaction. Inlines are read-only (roles, for
one, change only through `orgs.services.set_roles` and its rules).
`tests/test_admin_audited.py` checks that every admin of ours is audited and every inline
read-only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from .actors import actor_of
from .audit import diff, record_event
from .cache import bump


def _saved_values(form: forms.ModelForm[Any], obj: Model) -> dict[str, Any]:
    """The changed fields' values as stored (a foreign key as its id, like the form's initial)."""
    values: dict[str, Any] = {}
    model_fields = {field.name: field for field in obj._meta.concrete_fields}
    for name in form.changed_data:
        field = model_fields.get(name)
        values[name] = field.value_from_object(obj) if field else form.cleaned_data.get(name)
    return values


def _changes(form: forms.ModelForm[Any], obj: Model, change: bool) -> dict[str, list[Any]]:
    before = {name: form.initial.get(name) for name in form.changed_data} if change else {}
    return diff(before, _saved_values(form, obj))


class AuditedAdmin(admin.ModelAdmin[Any]):
    """Every save and delete is audited and bumps the table's cache version (core.cache),
    so what server processes cached from it is dropped everywhere within seconds."""

    def save_model(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm[Any], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        action = "admin.changed" if change else "admin.added"
        record_event(obj, action, by=actor_of(request), changes=_changes(form, obj, change))
        bump(obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        record_event(obj, "admin.deleted", by=actor_of(request))
        super().delete_model(request, obj)
        bump(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            record_event(obj, "admin.deleted", by=actor_of(request))
        super().delete_queryset(request, queryset)
        bump(queryset.model)


class ReadOnlyInline(admin.TabularInline[Any, Any]):
    """Related rows shown on an admin page, never edited there."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(AuditedAdmin):
    """Rows written only through services: the admin shows them and changes nothing."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
