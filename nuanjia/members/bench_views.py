"""A bench-only view for bench/members.py, mounted by config/urls.py only when the server's
environment has NUANJIA_BENCH=1 (never otherwise): the /m/ pages' device-cookie look-up
(auth.device_of, the same query as every member page) answered with a tiny JSON, so the
bench can set the member home page against the cost of the look-up and the middleware."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse

from .auth import device_of


@login_not_required
def device_view(request: HttpRequest) -> JsonResponse:
    device = device_of(request)
    if device is None:
        return JsonResponse({"member": None}, status=401)
    return JsonResponse({"member": device.member_id})
