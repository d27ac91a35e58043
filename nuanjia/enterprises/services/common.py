"""What the enterprises services share: who may act for a union."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied

from nuanjia.core.actors import Actor
from nuanjia.orgs.models import Org
from nuanjia.orgs.queries import within
from nuanjia.orgs.rules import Role

CASEWORKERS = frozenset({Role.CASEWORKER})
APPROVERS = frozenset({Role.APPROVER})
FINANCE = frozenset({Role.FINANCE})


def may_act_for(by: Actor | None, org: Org, roles: Iterable[str]) -> bool:
    """`by` holds one of `roles` and `org` is in its subtree."""
    if by is None or not getattr(by, "is_active", False):
        return False
    home = getattr(by, "org", None)
    if home is None or not set(by.roles) & {str(role) for role in roles}:
        return False
    return bool(org.path.startswith(home.path))


def require_role(by: Actor | None, org: Org, roles: Iterable[str]) -> None:
    if not may_act_for(by, org, roles):
        raise PermissionDenied


__all__ = ["may_act_for", "require_role", "within"]
