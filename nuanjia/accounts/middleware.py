"""Idle logout, the two-factor and password-change gates, no-store and the body size cap."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.messages.storage import default_storage
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from nuanjia.core.audit import record_event

# Paths reachable before the second factor is given. The API is listed because it answers
# 401 on its own to a session that has not given the second factor (nuanjia.api).
OPEN_PREFIXES = (
    "/static/",
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/2fa/",
    "/i18n/",
    "/api/",
    "/healthz",
    "/readyz",
    "/metrics",
)

LAST_SEEN_KEY = "nuanjia_last_seen"


def mark_active(request) -> None:
    """Record now as the session's last activity (called on every request and at sign-in)."""
    request.session[LAST_SEEN_KEY] = time.time()


def _signed_in_user(request):
    """The request's user when signed in (with the password at least), else None."""
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _is_htmx(request) -> bool:
    # Read the header itself: HtmxMiddleware runs after this module's middleware.
    return request.headers.get("HX-Request") == "true"


def _is_open(request) -> bool:
    return request.path.startswith(OPEN_PREFIXES)


def _redirect(request, url: str):
    """A redirect a browser follows, also from an htmx request.

    The browser follows a 302 inside htmx's XMLHttpRequest and htmx would swap the target
    page into a fragment; HX-Redirect on a plain 200 makes htmx load the page instead.
    """
    if _is_htmx(request):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class IdleTimeoutMiddleware:
    """Sign out a session that has been idle longer than NUANJIA_IDLE_TIMEOUT (30 min).

    A session without a recorded activity time is treated as just active: `sign_in`
    records the time, so this only concerns sessions opened by other means (tests).
    """

    SESSION_KEY = LAST_SEEN_KEY

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            last_seen = request.session.get(LAST_SEEN_KEY)
            idle_limit = settings.NUANJIA_IDLE_TIMEOUT.total_seconds()
            if last_seen is not None and time.time() - last_seen > idle_limit:
                record_event(user, "logout.idle", by=user, org=user.org)
                logout(request)
                if request.path.startswith("/api/"):
                    # An API client gets the API's own 401 rather than a login page.
                    return self.get_response(request)
                return self._to_login_page(request)
            mark_active(request)
        return self.get_response(request)

    def _to_login_page(self, request):
        message = _("You were signed out after %(minutes)d minutes without activity.") % {
            "minutes": int(settings.NUANJIA_IDLE_TIMEOUT.total_seconds() // 60)
        }
        response = _redirect(request, reverse(settings.LOGIN_URL))
        # This middleware may run before MessageMiddleware, which then has not attached its
        # storage yet and, since we answer early, would not save it either: do both here.
        storage = getattr(request, "_messages", None)
        if storage is None:
            storage = default_storage(request)
            storage.add(messages.INFO, message)
            storage.update(response)
        else:
            storage.add(messages.INFO, message)
        return response


class TwoFactorRequiredMiddleware:
    """Roles that need two factors see nothing until the session is verified (or enrolled)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = _signed_in_user(request)
        if user and user.needs_two_factor and not user.is_verified() and not _is_open(request):
            url = reverse("accounts:two_factor")
            if request.method == "GET" and not _is_htmx(request):
                url += "?" + urlencode({"next": request.get_full_path()})
            return _redirect(request, url)
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """An account whose password an administrator set sees only the change-password page.

    The temporary password is known to the administrator who typed it: it must open nothing
    else. The API refuses such an account on its own (nuanjia.api, `staff_for_token`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = _signed_in_user(request)
        if user and user.must_change_password and not _is_open(request):
            target = reverse("accounts:password_change")
            if request.path != target:
                return _redirect(request, target)
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every page a signed-in user gets, and on the whole API.

    They show personal data (names, ID and phone numbers, money): no browser, proxy or shared
    computer may keep a copy once the user has gone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _signed_in_user(request) or request.path.startswith("/api/"):
            add_never_cache_headers(response)
        return response


class RequestBodyLimitMiddleware:
    """Refuse an oversized request body with 413 before anything reads it.

    Django reads a multipart body whole (spooling files to disk) before a form can check a
    file's size, so a 200 MB post to a public page was read in full. Here the declared
    Content-Length is checked first: a caller who is not signed in (the public 12351 and
    station pages) may send NUANJIA_PUBLIC_BODY_MAX_BYTES, staff (session or API token)
    NUANJIA_STAFF_BODY_MAX_BYTES. A body without a Content-Length is not read at all by Django.
    Runs after the session and authentication middleware and before CSRF reads the form.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.NUANJIA_PUBLIC_BODY_MAX_BYTES:
            limit = self._limit_for(request)
            if length > limit:
                return self._too_large(request, limit)
        return self.get_response(request)

    def _limit_for(self, request) -> int:
        if _signed_in_user(request):
            return settings.NUANJIA_STAFF_BODY_MAX_BYTES
        scheme, _space, raw = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and raw:
            from .services import staff_for_token

            if staff_for_token(raw.strip()) is not None:
                return settings.NUANJIA_STAFF_BODY_MAX_BYTES
        return settings.NUANJIA_PUBLIC_BODY_MAX_BYTES

    def _too_large(self, request, limit: int):
        message = _("The request is too large: at most %(size)d MB can be sent at once.") % {
            "size": limit // (1024 * 1024)
        }
        if request.path.startswith("/api/"):
            body = {"code": "too_large", "message": message, "field": None}
            return JsonResponse(body, status=413)
        return render(request, "413.html", {"message": message}, status=413)
