"""Role-based permission checks for views and API operations."""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, Concatenate, NoReturn, ParamSpec, TypeVar, overload

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event

from .models import Org, Staff
from .rules import Perm, actor_can

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)


class StaffRequest(HttpRequest):
    """A request behind the login check: its user is a signed-in staff account."""

    user: Staff


def roles_of(user: Any) -> frozenset[str]:
    """The roles an active account holds; none for a missing or inactive one."""
    if user is None or not getattr(user, "is_active", False):
        return frozenset()
    return frozenset(getattr(user, "roles", frozenset()))


@overload
def staff_of(by: Actor) -> Staff: ...
@overload
def staff_of(by: None) -> None: ...
@overload
def staff_of(by: Actor | None) -> Staff | None: ...


def staff_of(by: Actor | None) -> Staff | None:
    """The staff account behind an `Actor` (None for nobody), for a record's `…_by` field:
    every actor is one (core's Protocol only cannot name the model)."""
    if by is not None and not isinstance(by, Staff):
        raise TypeError(f"{by!r} is not a staff account")
    return by


def in_scope(user: Any, org: Any) -> bool:
    """Whether `org` lies in the subtree of the user's own union."""
    return user is not None and getattr(user, "org", None) is not None and org.is_within(user.org)


def acts_for(user: Actor | None, org: Org, roles: Iterable[str]) -> bool:
    """Whether `user` may act on business of `org` in one of `roles`: an active account with
    business access holding such a role, `org` in the subtree of its own union."""
    return bool(
        user is not None
        and in_scope(user, org)
        and actor_can(user, Perm.VIEW_BUSINESS)
        and roles_of(user) & set(roles)
    )


def own_org(request: StaffRequest) -> Org:
    """The signed-in account's union; 403 for an account bound to none (it owns nothing)."""
    org = request.user.org
    if org is None:
        raise PermissionDenied
    return org


def deny(user: Actor | None, permission: str, where: str = "") -> NoReturn:
    """Record a denied access and refuse it (also core.workflow's DenyHook)."""
    record_event(
        None,
        "access.denied",
        by=user,
        success=False,
        org=getattr(user, "org", None),
        changes={"permission": str(permission), "where": where},
    )
    raise PermissionDenied


def check_permission(user: Any, perm: str, where: str = "") -> None:
    """Refuse (audited) unless `user` is a signed-in account whose roles grant `perm`.

    `user` is whatever the request holds, an anonymous user included."""
    if not (getattr(user, "is_authenticated", False) and actor_can(user, perm)):
        deny(user, perm, where)


def requires(
    perm: str,
) -> Callable[
    [Callable[Concatenate[StaffRequest, P], R]], Callable[Concatenate[StaffRequest, P], R]
]:
    """View decorator: only users whose roles grant `perm` get in (403 otherwise).

    The permission is kept on the view as `required_permission`, which the scoping and
    admin-role tests read to know what each URL needs.
    """

    def decorator(
        view: Callable[Concatenate[StaffRequest, P], R],
    ) -> Callable[Concatenate[StaffRequest, P], R]:
        @wraps(view)
        def wrapper(request: StaffRequest, /, *args: P.args, **kwargs: P.kwargs) -> R:
            check_permission(request.user, perm, request.path)
            return view(request, *args, **kwargs)

        wrapper.required_permission = perm  # type: ignore[attr-defined]  # read by the URL-walking tests
        return wrapper

    return decorator
