"""Request-scoped context for the audit trail."""

from django.contrib.auth.middleware import LoginRequiredMiddleware

from .audit import current_ip


def client_ip(request) -> str | None:
    """The client's address; X-Forwarded-For is trusted only behind a declared proxy."""
    from django.conf import settings

    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    """Makes the client IP available to `record_event` without threading `request` through."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class PagesLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a signed-in user, except the API, which authenticates on its own
    (bearer token or verified session) and answers 401 in JSON instead of redirecting."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
