"""Idle logout and the two-factor gate, applied to every page."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from nuanjia.core.audit import record_event

# Paths reachable before the second factor is given.
OPEN_PREFIXES = ("/static/", "/accounts/login/", "/accounts/logout/", "/accounts/2fa/", "/i18n/", "/api/", "/healthz")


def _redirect(request, url: str):
    if getattr(request, "htmx", False):
        response = redirect(url)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class IdleTimeoutMiddleware:
    """Sign out a session that has been idle longer than NUANJIA_IDLE_TIMEOUT (30 min)."""

    SESSION_KEY = "nuanjia_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(self.SESSION_KEY)
            if last_seen is not None and now - last_seen > settings.NUANJIA_IDLE_TIMEOUT.total_seconds():
                record_event(user, "logout.idle", by=user, org=user.org)
                logout(request)
                messages.info(request, _("You were signed out after 30 minutes without activity."))
                return _redirect(request, reverse(settings.LOGIN_URL))
            request.session[self.SESSION_KEY] = now
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Roles that need two factors see nothing until the session is verified (or enrolled)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.needs_two_factor
            and not user.is_verified()
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            return _redirect(request, reverse("accounts:two_factor"))
        return self.get_response(request)
