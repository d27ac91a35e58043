"""Dining coupons (餐饮消费券): a batch with a face value off a bill of at least the
threshold, at one merchant, valid until its expiry, issued to the members a rule chooses
(people.eligibility, within the union subtree) — one coupon per member and batch. The member
sees them on the phone; the merchant scans the card, picks the coupon and the bill, and the
coupon is used once (a conditional UPDATE … WHERE status = issued), never after its expiry."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.text import one_line
from nuanjia.members.models import PartnerUser
from nuanjia.members.services.scanning import CardStatus
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of
from nuanjia.orgs.queries import within
from nuanjia.people.models import Worker

from ..audit import COUPONS_ISSUED, REDEEMED
from ..models import Attempt, Coupon, CouponBatch, MerchantTerms, Redemption
from ..rules import CouponStatus, RedemptionSource
from . import flags
from .offers import describe_rule, require_manager
from .periods import local_day
from .redemptions import (
    Answer,
    _scan,
    attempt_once,
    card_message,
    earlier_answer,
    outlet_of,
    parse_key,
)


class CouponStatusAnswer:
    USED = "coupon_used"
    EXPIRED = "coupon_expired"
    NOT_YOURS = "coupon_not_usable"
    BELOW_THRESHOLD = "below_threshold"


@transaction.atomic
def create_batch(
    terms: MerchantTerms, *, name: str, face_value_fen: int, threshold_fen: int,
    valid_from: datetime.date, expires_on: datetime.date, org: Org,
    rule: dict[str, Any] | None, by: Actor,
) -> CouponBatch:  # fmt: skip
    """A coupon batch of the merchant, then issued to every member the rule chooses in
    `org`'s subtree (members of a union, not merged away)."""
    require_manager(by, terms.org)
    name = one_line(name, "name", 60, required_message=_("Name the coupon batch."))
    if face_value_fen <= 0:
        raise RuleViolation(_("The face value must be more than 0."), field="face_value_fen")
    if threshold_fen < 0:
        raise RuleViolation(_("The minimum bill cannot be negative."), field="threshold_fen")
    if expires_on < valid_from:
        raise RuleViolation(_("The expiry is before the first day."), field="expires_on")
    text, rule = describe_rule(rule or {})
    batch = CouponBatch.objects.create(
        partner_id=terms.partner_id, terms=terms, org=org, name=name,
        face_value_fen=face_value_fen, threshold_fen=threshold_fen, valid_from=valid_from,
        expires_on=expires_on, rule=rule, rule_text=text, created_by=staff_of(by),
    )  # fmt: skip
    workers = Worker.objects.filter(
        within(org.path, "union__path"), merged_into__isnull=True, union__isnull=False
    )
    if rule:
        from nuanjia.people import eligibility

        parsed = eligibility.parse_rule(rule)
        workers = workers.filter(
            eligibility.compile_rule(parsed, eligibility.Context(on=valid_from))
        )
    Coupon.objects.bulk_create(
        (Coupon(batch=batch, worker_id=pk) for pk in workers.values_list("pk", flat=True).iterator()),
        batch_size=2000,
    )  # fmt: skip
    batch.issued = Coupon.objects.filter(batch=batch).count()
    batch.save(update_fields=["issued"])
    record_event(batch, COUPONS_ISSUED, by=by, org=terms.org,
                 changes={"batch": name, "issued": batch.issued, "rule": text})  # fmt: skip
    return batch


def usable_coupons(worker_id: int, partner_id: int | None, day: datetime.date) -> Any:
    """The member's unused coupons valid on `day` (of one merchant, when given)."""
    found = Coupon.objects.filter(
        worker_id=worker_id, status=CouponStatus.ISSUED,
        batch__valid_from__lte=day, batch__expires_on__gte=day,
    ).select_related("batch")  # fmt: skip
    if partner_id is not None:
        found = found.filter(batch__partner_id=partner_id)
    return found.order_by("batch__expires_on", "pk")


def redeem_coupon(
    user: PartnerUser, *, coupon: Any, key: Any, bill_fen: int, code: str = "",
    number: str = "", id_last4: str = "", outlet: Any = None,
    at: datetime.datetime | None = None,
) -> Answer:  # fmt: skip
    """Use the scanned member's coupon on a bill; resends with the same key answer the same."""
    key = parse_key(key)
    earlier = earlier_answer(key, user)
    if earlier is not None:
        return earlier
    place = outlet_of(user, outlet)
    moment = at or timezone.now()
    found = _scan(user, code, number, id_last4)
    if found.status != CardStatus.VALID or found.worker_id is None:
        refusal = Answer(found.status, card_message(found.status))
        return attempt_once(user, key, moment, lambda _attempt: refusal)
    worker_id = found.worker_id
    shown: dict[str, Any] = {"name": found.name, "member_number": found.member_number}
    pk = int(coupon) if str(coupon).isdigit() else 0

    def work(attempt: Attempt) -> Answer:
        return _use(user, pk, worker_id, bill_fen, moment, place, attempt, shown)

    return attempt_once(user, key, moment, work)


def _use(
    user: PartnerUser, pk: int, worker_id: int, bill_fen: int, moment: datetime.datetime,
    place: Any, attempt: Attempt, shown: dict[str, Any],
) -> Answer:  # fmt: skip
    day = local_day(moment)
    ticket = Coupon.objects.select_related("batch").filter(
        pk=pk, worker_id=worker_id, batch__partner_id=user.partner_id
    ).first()  # fmt: skip
    if ticket is None:
        return Answer(CouponStatusAnswer.NOT_YOURS, _("Not a coupon of this member here."), **shown)
    batch = ticket.batch
    if day > batch.expires_on or day < batch.valid_from:
        message = _("This coupon expired on %(day)s.") % {"day": batch.expires_on.isoformat()}
        if day < batch.valid_from:
            message = _("This coupon is valid from %(day)s.") % {
                "day": batch.valid_from.isoformat()
            }
        return Answer(CouponStatusAnswer.EXPIRED, message, offer=batch.name, **shown)
    if bill_fen < batch.threshold_fen or bill_fen < batch.face_value_fen:
        message = _("The bill is below the coupon's minimum.")
        return Answer(CouponStatusAnswer.BELOW_THRESHOLD, message, offer=batch.name, **shown)
    taken = Coupon.objects.filter(pk=pk, status=CouponStatus.ISSUED).update(
        status=CouponStatus.USED, used_at=moment
    )
    if not taken:
        return Answer(CouponStatusAnswer.USED, _("This coupon is already used."),
                      offer=batch.name, **shown)  # fmt: skip
    union = Worker.objects.filter(pk=worker_id).values_list("union_id", flat=True).first()
    redemption = Redemption.objects.create(
        coupon=ticket, partner_id=user.partner_id, outlet=place, worker_id=worker_id,
        org_id=union or batch.org_id, member_price_fen=bill_fen - batch.face_value_fen,
        subsidy_fen=batch.face_value_fen, day=day, at=moment, source=RedemptionSource.SCAN,
        recorded_by=user,
    )  # fmt: skip
    record_event(redemption, REDEEMED, org=redemption.org, actor_label=user.actor_label,
                 changes={"worker": worker_id, "coupon": ticket.pk, "day": day.isoformat(),
                          "subsidy_fen": batch.face_value_fen, "bill_fen": bill_fen})  # fmt: skip
    flags.check(redemption)
    attempt.redemption = redemption
    return Answer("redeemed", _("Coupon used: the member pays the rest of the bill."),
                  offer=batch.name, member_price_fen=bill_fen - batch.face_value_fen,
                  redemption_id=redemption.pk, **shown)  # fmt: skip
