from django.contrib import admin

from .models import Org, RoleAssignment, Staff


@admin.register(Org)
class OrgAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "region_code", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "credit_code"]
    readonly_fields = ["path", "depth"]


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "staff"
    extra = 0


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["username", "full_name", "org", "is_active", "locked_until"]
    search_fields = ["username", "full_name"]
    exclude = ["password", "user_permissions", "groups"]
    inlines = [RoleInline]
