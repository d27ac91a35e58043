"""Who sets regional standards: reviewers and approvers of a city union or the province's."""

from nuanjia.orgs.rules import Role

STANDARD_ROLES = frozenset({Role.REVIEWER, Role.APPROVER})
