"""The member's offers on the phone (/m/benefits/): each merchant's offers open to them today
with the uses they have left, and their coupons with value, minimum bill and expiry. One page,
no ids in its address."""

from __future__ import annotations

from typing import Any

from django.shortcuts import render

from nuanjia.members.auth import member_page

from .. import queries
from ..services.periods import local_day


def offer_count(member: Any) -> int:
    """The badge of the member's tile: unused coupons valid today."""
    if getattr(member, "worker_id", None) is None:
        return 0
    return int(queries.member_coupons(member.worker_id, local_day()).count())


@member_page
def my_benefits_view(request: Any) -> Any:
    member = request.member
    today = local_day()
    bound = member.worker_id is not None
    return render(
        request,
        "benefits/member/my_benefits.html",
        {
            "bound": bound,
            "offers": queries.member_offers(member.worker_id, today) if bound else [],
            "coupons": queries.member_coupons(member.worker_id, today) if bound else [],
            "today": today,
        },
    )
