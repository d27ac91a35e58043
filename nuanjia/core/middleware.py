"""Request-scoped context for the audit trail; the CSP header built once."""

import ipaddress
from collections.abc import Callable
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponseBase

from .audit import current_ip


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, for the audit trail, rate limits and the sign-in throttle.

    Without proxies (NUANJIA_TRUSTED_PROXIES=0, the default) it is REMOTE_ADDR. Behind N
    trusted proxies each appends the address it saw to X-Forwarded-For, so the client is the
    N-th entry from the right; whatever the client wrote into the header itself sits further
    left and is ignored. A shorter chain (a request that did not come through the proxies), a
    peer that is not one of NUANJIA_TRUSTED_PROXY_ADDRESSES (when set) or a malformed entry
    falls back to REMOTE_ADDR.
    """
    from django.conf import settings

    remote = request.META.get("REMOTE_ADDR") or None
    hops = int(getattr(settings, "NUANJIA_TRUSTED_PROXIES", 0) or 0)
    if hops <= 0:
        return remote
    chain = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [hop for hop in chain if hop]
    if len(chain) < hops or not _from_trusted_proxy(remote):
        return remote
    return _valid_address(chain[-hops]) or remote


def _from_trusted_proxy(remote: str | None) -> bool:
    """Whether the peer is one of NUANJIA_TRUSTED_PROXY_ADDRESSES (any peer when none is set)."""
    from django.conf import settings

    networks = getattr(settings, "NUANJIA_TRUSTED_PROXY_ADDRESSES", None) or []
    if not networks:
        return True
    try:
        peer = ipaddress.ip_address(remote or "")
    except ValueError:
        return False
    return any(peer in ipaddress.ip_network(network, strict=False) for network in networks)


def _valid_address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


class AuditContextMiddleware:
    """Makes the client IP available to `record_event` without threading `request` through."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class PagesLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a signed-in user, except the API, which authenticates on its own
    (bearer token or verified session) and answers 401 in JSON instead of redirecting."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


# (report only?, the header, the response attribute exempting it, the setting) as django-csp.
_HEADERS = (
    (False, HEADER, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
    (True, HEADER_REPORT_ONLY, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
)
_OWN_POLICY = tuple(
    f"_csp_{part}{suffix}" for part in ("config", "update", "replace") for suffix in ("", "_ro")
)
_built: dict[bool, str] = {}


def _forget_policy(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _built.clear()


setting_changed.connect(_forget_policy)


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's, with the policy of a response that carries no nonce and no policy of
    its own (`csp_update`, `csp_replace`…) built once per process from the settings rather
    than on every response (two dataclass copies and every directive each time): the same
    headers, set on the same conditions."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _OWN_POLICY
        ):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        for report_only, header, exempt, setting in _HEADERS:
            if report_only not in _built:
                _built[report_only] = build_policy(report_only=report_only)
            policy = _built[report_only]
            excluded = tuple(
                (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            )
            if (
                policy
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(excluded)
            ):
                response[header] = policy
        # As django-csp: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
