from django.contrib import admin

from nuanjia.core.adminkit import AuditedAdmin, ReadOnlyInline

from .models import Org, RoleAssignment, Staff


@admin.register(Org)
class OrgAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "region_code", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "credit_code"]
    readonly_fields = ["path", "depth"]


class RoleInline(ReadOnlyInline):
    """Roles are given on the accounts pages (orgs.services.set_roles and its rules)."""

    model = RoleAssignment
    fk_name = "staff"
    fields = ["role", "granted_by", "granted_at"]


@admin.register(Staff)
class StaffAdmin(AuditedAdmin):
    list_display = ["username", "full_name", "org", "is_active", "locked_until"]
    search_fields = ["username", "full_name"]
    exclude = ["password", "user_permissions", "groups"]
    inlines = [RoleInline]
