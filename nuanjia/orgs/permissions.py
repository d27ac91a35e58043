"""Role-based permission checks for views and API operations."""

from functools import wraps
from typing import Any, NoReturn

from django.core.exceptions import PermissionDenied

from nuanjia.core.audit import record_event


def roles_of(user: Any) -> frozenset[str]:
    """The roles an active account holds; none for a missing or inactive one."""
    if user is None or not getattr(user, "is_active", False):
        return frozenset()
    return frozenset(getattr(user, "roles", frozenset()))


def in_scope(user: Any, org: Any) -> bool:
    """Whether `org` lies in the subtree of the user's own union."""
    return user is not None and getattr(user, "org", None) is not None and org.is_within(user.org)


def deny(user: Any, perm: str, where: str = "") -> NoReturn:
    """Record a denied access and refuse it."""
    record_event(
        None,
        "access.denied",
        by=user,
        success=False,
        org=getattr(user, "org", None),
        changes={"permission": str(perm), "where": where},
    )
    raise PermissionDenied


def check_permission(user, perm: str, where: str = "") -> None:
    if not (getattr(user, "is_authenticated", False) and user.has_perm_code(perm)):
        deny(user, perm, where)


def requires(perm: str):
    """View decorator: only users whose roles grant `perm` get in (403 otherwise).

    The permission is kept on the view as `required_permission`, which the scoping and
    admin-role tests read to know what each URL needs.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            check_permission(request.user, perm, request.path)
            return view(request, *args, **kwargs)

        wrapper.required_permission = perm
        return wrapper

    return decorator
