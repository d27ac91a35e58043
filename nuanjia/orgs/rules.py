"""Roles, what each may do, and which roles need two factors. Pure rules, no database.

等保 三权分立: the system, security and audit administrators are three separate roles;
none of them holds a business role, so none of them sees business data by default.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")  # 经办人: registers, proposes
    REVIEWER = "reviewer", _("Reviewer")  # 审核人: checks what caseworkers propose
    APPROVER = "approver", _("Approver")  # 审批人: approves files and grants (never their own)
    FINANCE = "finance", _("Finance")  # 财务: allocations, payment batches
    HOTLINE_AGENT = "hotline_agent", _("Hotline agent")  # 话务员: 12351 tickets
    STATION_KEEPER = "station_keeper", _("Station keeper")  # 驿站管理员
    LEADER = "leader", _("Leader")  # 领导: read-only dashboards and reports
    SYSTEM_ADMIN = "system_admin", _("System administrator")  # 系统管理员: accounts, settings
    SECURITY_ADMIN = "security_admin", _("Security administrator")  # 安全管理员: roles
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")  # 审计管理员: reads the audit trail


ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
BUSINESS_ROLES = frozenset(set(Role) - ADMIN_ROLES)
TWO_FACTOR_ROLES = ADMIN_ROLES | {Role.APPROVER, Role.FINANCE}


class Perm(models.TextChoices):
    """Capabilities checked by views and services; each maps to the roles that hold it."""

    VIEW_BUSINESS = "business.view", _("See business data")
    MANAGE_ORGS = "orgs.manage", _("Manage grassroots unions")
    VIEW_STAFF = "staff.view", _("See staff accounts")
    MANAGE_STAFF = "staff.manage", _("Manage staff accounts")
    ASSIGN_ROLES = "roles.assign", _("Assign roles")
    VIEW_AUDIT = "audit.view", _("Read the audit trail")
    REVEAL_PERSONAL_DATA = "personal_data.reveal", _("See full ID and bank numbers")
    VIEW_FUNDS = "funds.view", _("See fund balances and transactions")
    MOVE_FUNDS = "funds.move", _("Receive, allocate, return and reverse funds")
    EXPORT_BANK_FILE = "relief.bank_file", _("Export bank files with full account numbers")
    MANAGE_CALENDAR = "calendar.manage", _("Enter the holiday calendar")


PERMISSION_ROLES: dict[str, frozenset[str]] = {
    Perm.VIEW_BUSINESS: BUSINESS_ROLES,
    Perm.MANAGE_ORGS: frozenset({Role.CASEWORKER}),
    Perm.VIEW_STAFF: frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN}),
    Perm.MANAGE_STAFF: frozenset({Role.SYSTEM_ADMIN}),
    Perm.ASSIGN_ROLES: frozenset({Role.SECURITY_ADMIN}),
    Perm.VIEW_AUDIT: frozenset({Role.AUDIT_ADMIN}),
    Perm.REVEAL_PERSONAL_DATA: frozenset({Role.CASEWORKER, Role.REVIEWER, Role.APPROVER}),
    Perm.VIEW_FUNDS: frozenset({Role.FINANCE, Role.LEADER, Role.APPROVER}),
    Perm.MOVE_FUNDS: frozenset({Role.FINANCE}),
    Perm.EXPORT_BANK_FILE: frozenset({Role.FINANCE}),
    Perm.MANAGE_CALENDAR: frozenset({Role.SYSTEM_ADMIN}),
}
# Business permissions: never granted to any admin role (checked by a test).
BUSINESS_PERMISSIONS = frozenset(
    {
        Perm.VIEW_BUSINESS,
        Perm.MANAGE_ORGS,
        Perm.REVEAL_PERSONAL_DATA,
        Perm.VIEW_FUNDS,
        Perm.MOVE_FUNDS,
        Perm.EXPORT_BANK_FILE,
    }
)


def roles_grant(roles: set[str] | frozenset[str], perm: str) -> bool:
    return bool(PERMISSION_ROLES.get(perm, frozenset()) & set(roles))


def role_conflict(roles: set[str] | frozenset[str]) -> str | None:
    """Why a set of roles cannot be held by one account, or None when it can.

    An admin role stands alone: no two admin roles together and no business role beside one.
    """
    admin = set(roles) & ADMIN_ROLES
    if len(admin) > 1:
        return str(
            _(
                "The system, security and audit administrator roles must be held by different accounts."
            )
        )
    if admin and set(roles) - admin:
        return str(_("An administrator role cannot be combined with business roles."))
    return None


def needs_two_factor(roles: set[str] | frozenset[str]) -> bool:
    return bool(set(roles) & TWO_FACTOR_ROLES)
