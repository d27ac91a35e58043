"""Reversing a use (撤销核销): the merchant's person gives a use back on its own day, until
23:59 Asia/Shanghai (setting BENEFITS_REVERSAL_UNTIL). The uses return to the member's
counters and the offer's budget; a coupon becomes usable again. The redemption stays, marked
reversed, with its `Reversal` row: the month's statement takes the reversals off."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.text import one_line
from nuanjia.members.models import PartnerUser

from ..audit import REVERSED
from ..models import Coupon, Redemption, Reversal
from ..rules import CouponStatus
from . import counters
from .periods import reversal_deadline


@transaction.atomic
def reverse(
    user: PartnerUser, redemption: Any, *, reason: str, at: datetime.datetime | None = None
) -> Reversal:
    """Give back one use of the user's merchant, before its day's deadline, with the reason."""
    pk = redemption.pk if isinstance(redemption, Redemption) else redemption
    found = (
        Redemption.objects.select_for_update(of=("self",))
        .filter(pk=pk if str(pk).isdigit() else 0, partner_id=user.partner_id)
        .select_related("offer", "org")
        .first()
    )
    if found is None:
        raise RuleViolation(_("This is not a use recorded by your merchant."), field="redemption")
    reason = one_line(reason, "reason", 200)
    if not reason:
        raise RuleViolation(_("Say why the use is reversed."), field="reason")
    if found.reversed:
        raise RuleViolation(_("This use is already reversed."), field="redemption")
    moment = at or timezone.now()
    if moment > reversal_deadline(found.day):
        raise RuleViolation(
            _("A use can only be reversed on its own day (until %(time)s).")
            % {"time": reversal_deadline(found.day).strftime("%H:%M")},
            field="redemption",
            code="too_late",
        )
    if found.offer is not None:
        counters.give_back(found.offer, found.worker_id, found.day)
    if found.coupon_id is not None:
        Coupon.objects.filter(pk=found.coupon_id).update(status=CouponStatus.ISSUED, used_at=None)
        found.coupon = None
    found.reversed = True
    found.save(update_fields=["reversed", "coupon"])
    reversal = Reversal.objects.create(
        redemption=found, partner_id=found.partner_id, subsidy_fen=found.subsidy_fen,
        day=found.day, by=user, reason=reason, at=moment,
    )  # fmt: skip
    record_event(
        found, REVERSED, org=found.org, actor_label=user.actor_label,
        changes={"worker": found.worker_id, "subsidy_fen": found.subsidy_fen, "reason": reason},
    )  # fmt: skip
    return reversal
