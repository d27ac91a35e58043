"""A bench-only view for bench/partners.py, mounted by config/urls.py only when the server's
environment has NUANJIA_BENCH=1 (never otherwise): the partner API's device look-up (the same
bearer-token check as `PartnerTokenAuth`, which every breakfast scan runs first) answered
with a tiny JSON, so the bench can set the scan against the cost of the look-up and the
middleware."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from nuanjia.members.auth import PartnerTokenAuth

_auth = PartnerTokenAuth()


@csrf_exempt
@login_not_required
def partner_device_view(request: HttpRequest) -> JsonResponse:
    header = request.headers.get("Authorization", "")
    token = header.removeprefix("Bearer ").strip()
    device = _auth.authenticate(request, token) if token else None
    if device is None:
        return JsonResponse({"partner": None}, status=401)
    return JsonResponse({"partner": device.user.partner_id})
