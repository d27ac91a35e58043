"""Who acts: the `by=` of every service and step, as core sees it, without importing `orgs`.

`core` imports nothing of ours, so it cannot name the staff model (`orgs.Staff`). `Actor` is
the shape a service needs from whoever acts; `orgs.Staff` satisfies it, and core only reads
these attributes. Services take `by: Actor` (or `Actor | None` where nobody may be acting,
such as an unattended job). The role and scope checks themselves are hooks that `orgs`
registers at start-up (see `core.workflow`).
"""

from __future__ import annotations

from typing import Any, Protocol, cast, runtime_checkable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


@runtime_checkable
class Actor(Protocol):
    """A signed-in person (or an API token's owner) acting on a record (read-only here)."""

    @property
    def pk(self) -> Any: ...

    @property
    def is_active(self) -> bool: ...

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def roles(self) -> frozenset[str]: ...

    # The account's union (orgs.Org, or None for an account bound to none); core cannot name
    # the model, so it is Any here and each app reads the attributes it needs.
    @property
    def org(self) -> Any: ...

    def get_username(self) -> str: ...


def actor_of(request: HttpRequest) -> Actor:
    """The signed-in account of a request; PermissionDenied for an anonymous one.

    For views behind a login check, where this never refuses: it turns Django's
    `User | AnonymousUser` into the `Actor` the services take.
    """
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return cast(Actor, user)
