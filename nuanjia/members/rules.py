"""Who may do what in the member portal, for staff."""

from nuanjia.orgs.rules import Role

# Union staff who register partners, their outlets and their people (合作机构管理).
PARTNER_ROLES = frozenset({Role.CASEWORKER, Role.APPROVER})
