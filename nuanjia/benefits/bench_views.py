"""A bench-only view for bench/benefits.py, mounted by config/urls.py only when the server's
environment has NUANJIA_BENCH=1 (never otherwise): the partner API's token check (as
`PartnerTokenAuth`, which every redemption runs first) and ONE bare INSERT of a redemption
row — no card, no counters, no audit — so the bench sets a redemption against the cost of
the look-up, one write and the middleware."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from nuanjia.members.auth import PartnerTokenAuth

from .models import Offer, Redemption
from .rules import RedemptionSource
from .services.periods import local_day

_auth = PartnerTokenAuth()


@csrf_exempt
@login_not_required
def insert_view(request: HttpRequest) -> JsonResponse:
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    device = _auth.authenticate(request, token) if token else None
    if device is None:
        return JsonResponse({"ok": False}, status=401)
    body = json.loads(request.body or b"{}")
    offer = Offer.objects.only("pk", "partner_id", "org_id").get(pk=body["offer"])
    moment = timezone.now()
    row = Redemption.objects.create(
        offer_id=offer.pk, partner_id=offer.partner_id, outlet_id=body.get("outlet"),
        worker_id=int(body["worker"]), org_id=offer.org_id, member_price_fen=0, subsidy_fen=0,
        day=local_day(moment), at=moment, source=RedemptionSource.SCAN,
    )  # fmt: skip
    return JsonResponse({"ok": True, "id": row.pk})
