"""Redemption at the merchant (核销): the merchant's person scans the member card → the
offers the member may use here with the uses left → confirms one. Each confirm carries a key
the device generated for that attempt (UUID): the answer is kept under it (`Attempt`), and a
resend with the same key gets the first answer back and creates nothing — even when the card's
QR has expired since.

In one transaction: the attempt's row (its unique key queues a concurrent resend until the
first commits), then in a savepoint the counters (`counters.take`: one conditional upsert per
limit and the budget), the redemption, its audit event and the suspicious-pattern checks. A
refused counter rolls the savepoint back; the attempt keeps the refusal as its answer.

A merchant that cannot scan records the same rows from its monthly usage file
(`usage.record_usage_file`) through `take_use`, checked against the same limits.

`redeem` is the ordinary path (demo, tests); the partner page and the API confirm through
`confirm.confirm`, the fast path writing the same rows in fewer statements (ADR 0018)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, fields
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import bulk
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.members.models import CardScan, Outlet, PartnerUser
from nuanjia.members.services.scanning import CardStatus, ScanResult, Use, scan
from nuanjia.orgs.queries import within
from nuanjia.people.models import Worker

from ..audit import REDEEMED
from ..models import Attempt, Offer, Redemption, UsageFile
from ..rules import Period, RedemptionSource
from . import counters, flags
from .periods import local_day

BENEFIT_USE = "benefit"


class Status:
    """A confirm's outcome: REDEEMED is the one green answer."""

    REDEEMED = "redeemed"
    LIMIT = "limit"  # the member used up a limit of the offer
    BUDGET = "budget"  # the offer's budget of the period is used up
    NOT_ELIGIBLE = "not_eligible"  # not in the offer's member group or union
    NO_OFFER = "no_offer"  # not an offer of this merchant today
    # …and the card statuses of members.scanning: invalid, expired, not_member


def benefit_use() -> Use:
    """The scan use "benefit": a member card of a union member (each offer's rule decides)."""
    return Use(
        BENEFIT_USE,
        gettext_lazy("Member benefit"),
        lambda _worker_id, is_member: CardStatus.VALID if is_member else CardStatus.NOT_MEMBER,
    )


@dataclass(frozen=True)
class Answer:
    """What the merchant's phone shows after a confirm; kept as the attempt's answer."""

    status: str
    message: str
    name: str = ""
    member_number: str = ""
    offer: str = ""
    member_price_fen: int = 0
    redemption_id: int | None = None
    left: int | None = None  # uses the member has left after this one (None: no limit)
    resent: bool = False

    @property
    def ok(self) -> bool:
        return self.status == Status.REDEEMED

    def as_json(self) -> dict[str, Any]:
        """The fields but `resent` (as `asdict`, whose deep copies of these plain values
        cost more than the rest of an answer)."""
        return {name: getattr(self, name) for name in _ANSWER_FIELDS}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Answer:
        return cls(**data, resent=True)


_ANSWER_FIELDS = tuple(f.name for f in fields(Answer) if f.name != "resent")

LIMIT_MESSAGES: dict[str, Any] = {
    Period.DAY: gettext_lazy("Used up for today."),
    Period.WEEK: gettext_lazy("Used up for this week."),
    Period.MONTH: gettext_lazy("Used up for this month."),
    Period.YEAR: gettext_lazy("Used up for this year."),
}


def card_message(status: str) -> str:
    return {
        CardStatus.EXPIRED: _("The code is too old: ask for the card again"),
        CardStatus.NOT_MEMBER: _("Not a union member"),
    }.get(status, _("Not a valid card"))


def parse_key(value: Any) -> uuid.UUID:
    """The device's attempt key, or a refusal naming the field."""
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise RuleViolation(_("The attempt key must be a UUID."), field="key") from None


# ---- who may use what -------------------------------------------------------------------------


def live_offers(partner_id: int, day: datetime.date) -> Any:
    """The merchant's offers members may use on `day`."""
    return (
        Offer.objects.filter(partner_id=partner_id, is_active=True, terms__is_active=True)
        .filter(starts_on__lte=day, ends_on__gte=day)
        .filter(terms__starts_on__lte=day, terms__ends_on__gte=day)
        .select_related("org")
    )


def eligible_union(offer: Offer, worker_id: int, day: datetime.date) -> int | None:
    """The member's union id when the offer's union subtree and member group hold them."""
    found = Worker.objects.filter(
        within(offer.org.path, "union__path"), pk=worker_id, merged_into__isnull=True
    )
    if offer.rule:
        from nuanjia.people import eligibility

        rule = eligibility.parse_rule(offer.rule)
        found = found.filter(eligibility.compile_rule(rule, eligibility.Context(on=day)))
    union = found.values_list("union_id", flat=True).first()
    return int(union) if union is not None else None


def outlet_of(user: PartnerUser, outlet: Any) -> Outlet | None:
    """The merchant's active outlet chosen (None when none was), or a refusal."""
    if outlet in (None, ""):
        return None
    pk = outlet if isinstance(outlet, int) else int(outlet) if str(outlet).isdigit() else 0
    found = Outlet.objects.filter(pk=pk, partner_id=user.partner_id, is_active=True).first()
    if found is None:
        raise RuleViolation(_("Choose one of your outlets."), field="outlet")
    return found


# ---- taking one use (both paths) --------------------------------------------------------------


class Refused(Exception):
    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def limit_message(period: str) -> str:
    if period == "budget":
        return _("This offer's budget is used up for now.")
    return str(LIMIT_MESSAGES.get(period, LIMIT_MESSAGES[Period.MONTH]))


def take_use(
    offer: Offer,
    *,
    worker_id: int,
    org_id: int,
    at: datetime.datetime,
    user: PartnerUser | None,
    outlet: Outlet | None,
    source: str = RedemptionSource.SCAN,
    usage_file: UsageFile | None = None,
) -> tuple[Redemption, int | None]:
    """One use of the offer, counted, recorded and audited, in a savepoint: (the redemption,
    uses left); `Refused` (nothing written) when a limit or the budget is used up."""
    day = local_day(at)
    with transaction.atomic():
        taken = counters.take(offer, worker_id, day)
        if taken.refused:
            status = Status.BUDGET if taken.refused == "budget" else Status.LIMIT
            raise Refused(status, limit_message(taken.refused))
        redemption = Redemption.objects.create(
            offer=offer, partner_id=offer.partner_id, outlet=outlet, worker_id=worker_id,
            org_id=org_id, member_price_fen=offer.member_price_fen,
            subsidy_fen=offer.subsidy_fen, day=day, at=at, source=source, recorded_by=user,
            usage_file=usage_file,
        )  # fmt: skip
        record_event(
            redemption, REDEEMED, org=redemption.org, actor_label=user.actor_label if user else "",
            changes={"worker": worker_id, "offer": offer.pk, "day": day.isoformat(),
                     "subsidy_fen": offer.subsidy_fen, "outlet": outlet.name if outlet else "",
                     "source": source},
        )  # fmt: skip
        flags.check(redemption)
    return redemption, taken.left


# ---- the merchant's scan ----------------------------------------------------------------------


@dataclass(frozen=True)
class OfferLeft:
    offer_id: int
    name: str
    member_price_fen: int
    subsidy_fen: int
    left: int | None  # None: no limit


@dataclass(frozen=True)
class Card:
    """A scanned card at a merchant: the card's status, the masked name, the offers the
    member may use here today with the uses left."""

    status: str
    message: str
    name: str = ""
    member_number: str = ""
    offers: tuple[OfferLeft, ...] = ()
    coupons: tuple[Any, ...] = ()


def _scan(user: PartnerUser, code: str, number: str, id_last4: str) -> ScanResult:
    if not code and not number:
        raise RuleViolation(_("Scan the card or type the member number."), field="code")
    return scan(use=BENEFIT_USE, code=code, number=number, id_last4=id_last4)


def look_up(
    user: PartnerUser, *, code: str = "", number: str = "", id_last4: str = "",
    outlet: Any = None, at: datetime.datetime | None = None,
) -> Card:  # fmt: skip
    """Step one at the merchant: the card read, the offers and the uses the member has left.
    Leaves a `CardScan` row."""
    place = outlet_of(user, outlet)
    moment = at or timezone.now()
    found = _scan(user, code, number, id_last4)
    CardScan.objects.create(partner_id=user.partner_id, outlet=place, user=user,
                            worker_id=found.worker_id, use=BENEFIT_USE, status=found.status,
                            at=moment)  # fmt: skip
    if found.status != CardStatus.VALID or found.worker_id is None:
        return Card(found.status, card_message(found.status))
    day = local_day(moment)
    offers = []
    for offer in live_offers(user.partner_id, day):
        if eligible_union(offer, found.worker_id, day) is None:
            continue
        left = counters.member_left(offer, found.worker_id, day)
        offers.append(OfferLeft(offer.pk, offer.name, offer.member_price_fen,
                                offer.subsidy_fen, left))  # fmt: skip
    from .coupons import usable_coupons

    coupons = tuple(usable_coupons(found.worker_id, user.partner_id, day))
    message = "" if offers or coupons else _("No offer of yours is open to this member today.")
    return Card(found.status, message, found.name, found.member_number, tuple(offers), coupons)


def writers_queue() -> AbstractContextManager[None]:
    return bulk.sqlite_writers_queue("benefits-writers.lock", unless_in_transaction=True)


def earlier_answer(key: uuid.UUID, user: PartnerUser) -> Answer | None:
    row = Attempt.objects.filter(key=key).values_list("partner_id", "answer").first()
    if row is None:
        return None
    if row[0] != user.partner_id:
        raise RuleViolation(_("This attempt key was used by another merchant."), field="key")
    return Answer.from_json(row[1])


def redeem(
    user: PartnerUser, *, offer: Any, key: Any, code: str = "", number: str = "",
    id_last4: str = "", outlet: Any = None, at: datetime.datetime | None = None,
) -> Answer:  # fmt: skip
    """Step two: confirm one use of `offer` for the scanned member, under the device's `key`.
    A key seen before answers as the first time and writes nothing."""
    key = parse_key(key)
    earlier = earlier_answer(key, user)
    if earlier is not None:
        return earlier
    place = outlet_of(user, outlet)
    moment = at or timezone.now()
    found = _scan(user, code, number, id_last4)
    answer, chosen, union = _check(user, offer, found, moment)

    def work(attempt: Attempt) -> Answer:
        if answer is not None:
            return answer
        assert chosen is not None and union is not None
        return _confirm(chosen, found, union, moment, user, place, attempt)

    return attempt_once(user, key, moment, work)


def attempt_once(
    user: PartnerUser, key: uuid.UUID, moment: datetime.datetime,
    work: Callable[[Attempt], Answer],
) -> Answer:  # fmt: skip
    """Run `work` under the attempt's row, in one transaction, and keep its answer. A
    concurrent resend of the key waits on the unique key and gets the first answer. On SQLite
    the merchants' confirms queue on a file lock first (core.bulk.sqlite_writers_queue)."""
    with writers_queue(), transaction.atomic():
        try:
            with transaction.atomic():
                attempt = Attempt.objects.create(key=key, partner_id=user.partner_id, at=moment)
        except IntegrityError:  # the same key, sent twice at once: the first one answers
            again = earlier_answer(key, user)
            assert again is not None
            return again
        answer = work(attempt)
        attempt.answer = answer.as_json()
        attempt.save(update_fields=["answer", "redemption"])
    return answer


def _check(
    user: PartnerUser, offer: Any, found: ScanResult, moment: datetime.datetime
) -> tuple[Answer | None, Offer | None, int | None]:
    """(a refusal, or None with the offer and the member's union) before any write."""
    if found.status != CardStatus.VALID or found.worker_id is None:
        return Answer(found.status, card_message(found.status)), None, None
    shown: dict[str, Any] = {"name": found.name, "member_number": found.member_number}
    day = local_day(moment)
    pk = offer if isinstance(offer, int) else int(offer) if str(offer).isdigit() else 0
    chosen = live_offers(user.partner_id, day).filter(pk=pk).first()
    if chosen is None:
        return Answer(Status.NO_OFFER, _("This offer is not open today."), **shown), None, None
    union = eligible_union(chosen, found.worker_id, day)
    if union is None:
        message = _("This member is not in the offer's member group.")
        return Answer(Status.NOT_ELIGIBLE, message, offer=chosen.name, **shown), None, None
    return None, chosen, union


def _confirm(
    offer: Offer, found: ScanResult, union: int, moment: datetime.datetime,
    user: PartnerUser, place: Outlet | None, attempt: Attempt,
) -> Answer:  # fmt: skip
    assert found.worker_id is not None
    shown: dict[str, Any] = {"name": found.name, "member_number": found.member_number, "offer": offer.name,
             "member_price_fen": offer.member_price_fen}  # fmt: skip
    try:
        redemption, left = take_use(offer, worker_id=found.worker_id, org_id=union, at=moment,
                                    user=user, outlet=place)  # fmt: skip
    except Refused as refused:
        return Answer(refused.status, refused.message, **shown)
    attempt.redemption = redemption
    return Answer(Status.REDEEMED, _("Done: the member pays the member price."),
                  redemption_id=redemption.pk, left=left, **shown)  # fmt: skip
