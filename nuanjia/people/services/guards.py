"""Guards every registry service uses: the actor's roles and scope, and the refusals."""

from django.core.exceptions import PermissionDenied

from nuanjia.core.actors import Actor
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import deny, roles_of
from nuanjia.orgs.rules import Perm, actor_can

from ..models import (
    Worker,
)


def in_scope(by: Actor | None, org: Org | None) -> bool:
    """Whether `org` is the actor's own union or below it."""
    return (
        by is not None
        and getattr(by, "org", None) is not None
        and org is not None
        and org.is_within(by.org)
    )


def may(by: Actor | None, roles: frozenset[str], org: Org | None = None) -> bool:
    """Whether `by` holds one of `roles` (and, given an org, has it in scope)."""
    if not (roles_of(by) & roles):
        return False
    return org is None or in_scope(by, org)


def authorize(
    user: Actor | None, roles: frozenset[str], name: str, where: str = "", org: Org | None = None
) -> None:
    """For pages and the API, before calling a service: refuse (403) and audit the denial
    outside the service's transaction, so the denial record is kept."""
    if not may(user, roles, org):
        deny(user, f"people.{name}", where)


def may_reveal(user: Actor | None, worker: Worker) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and actor_can(user, Perm.REVEAL_PERSONAL_DATA)
        and in_scope(user, worker.org)
    )


def _require(by: Actor, roles: frozenset[str], org: Org | None = None) -> None:
    if not may(by, roles, org):
        raise PermissionDenied
