"""Navigation entries by role, for the base layout."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .rules import Perm

# (label, url name, permission needed or None for every signed-in staff member)
NAVIGATION = [
    (_("My to-do"), "desk:home", None),
    (_("Reports"), "reports:dashboard", Perm.VIEW_BUSINESS),
    (_("Union tree"), "orgs:tree", None),
    (_("Workers"), "people:worker_list", Perm.VIEW_BUSINESS),
    (_("Hardship files"), "hardship:list", Perm.VIEW_BUSINESS),
    (_("Dibao standards"), "hardship:standards", Perm.VIEW_BUSINESS),
    (_("Rest stations"), "stations:list", Perm.VIEW_BUSINESS),
    (_("Relief grants"), "relief:grants", Perm.VIEW_BUSINESS),
    (_("Campaigns"), "campaigns:list", Perm.VIEW_BUSINESS),
    (_("Mutual aid"), "mutualaid:plans", Perm.VIEW_BUSINESS),
    (_("Member benefits"), "benefits:offers", Perm.VIEW_BUSINESS),
    (_("Consumption help"), "produce:producers", Perm.VIEW_BUSINESS),
    (_("Enterprises"), "enterprises:firms", Perm.VIEW_BUSINESS),
    (_("Psychological help"), "counselling:lines", Perm.VIEW_BUSINESS),
    (_("Skills and certificates"), "skills:courses", Perm.VIEW_BUSINESS),
    (_("Model workers"), "modelworkers:register", Perm.VIEW_BUSINESS),
    (_("Worker Pioneer titles"), "pioneers:titles", Perm.VIEW_BUSINESS),
    (_("Gig-job corners"), "gigjobs:corners", Perm.VIEW_BUSINESS),
    (_("Funds"), "funds:ledger", Perm.VIEW_FUNDS),
    (_("12351 hotline"), "hotline:desk", Perm.VIEW_BUSINESS),
    (_("Import unions"), "orgs:import", Perm.MANAGE_ORGS),
    (_("Staff accounts"), "orgs:staff_list", Perm.VIEW_STAFF),
    (_("Holiday calendar"), "orgs:calendar", Perm.MANAGE_CALENDAR),
    (_("Map outline"), "reports:map_outline", Perm.MANAGE_CALENDAR),
    (_("Audit trail"), "desk:audit_list", Perm.VIEW_AUDIT),
    (_("API"), "api-1.0.0:openapi-view", None),
]


def _verified(user: Any) -> bool:
    """The session's second factor; a user set by an API token has no such method (the
    token itself was issued after two factors), and an error page must not fail on it."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified()) if callable(is_verified) else False


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or (user.needs_two_factor and not _verified(user)):
        return {"nav_items": []}
    items = [
        {"label": label, "url": reverse(url_name), "active": request.path == reverse(url_name)}
        for label, url_name, perm in NAVIGATION
        if perm is None or user.has_perm_code(perm)
    ]
    return {"nav_items": items}
