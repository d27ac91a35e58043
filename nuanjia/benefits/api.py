"""Member benefits in the API. `partner_router`, mounted at /api/v1/partner/benefits/ with a
partner token: read a card (the offers and uses left), confirm a use or a coupon under the
device's attempt key, reverse a use, today's uses. `router`, at /api/v1/benefits/, scoped
like the pages: offers (list, add, change), uses, flags with their steps."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from nuanjia.core.errors import RuleViolation
from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import parse_day
from nuanjia.core.workflow_api import ERROR_RESPONSES, add_step_operations
from nuanjia.members.auth import PartnerTokenAuth
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.queries import get_scoped_or_404, visible_orgs
from nuanjia.orgs.rules import Perm

from . import queries
from .rules import FlagStep
from .services import confirm, coupons, offers, redemptions, reversals
from .services.periods import local_day
from .workflow import FLAG_FLOW

partner_router = Router(tags=["partner"])
router = Router(tags=["benefits"])


def guard(request: Any) -> None:
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)


# ---- the merchant ------------------------------------------------------------------------------


class CardIn(Schema):
    code: str = Field("", max_length=200, description="The card QR's text.")
    number: str = Field("", max_length=20, description="A typed member number, with id_last4.")
    id_last4: str = Field("", max_length=4)
    outlet: int | None = Field(None, description="The merchant's outlet.")


class OfferLeftOut(Schema):
    offer_id: int
    name: str
    member_price_fen: int
    subsidy_fen: int
    left: int | None = Field(None, description="Uses the member has left (null: no limit).")


class CouponOut(Schema):
    id: int
    batch: str = Field(..., alias="batch.name")
    face_value_fen: int = Field(..., alias="batch.face_value_fen")
    threshold_fen: int = Field(..., alias="batch.threshold_fen")
    expires_on: datetime.date = Field(..., alias="batch.expires_on")


class BenefitCardOut(Schema):
    status: str = Field(..., description="valid, or the card's invalid, expired, not_member")
    message: str
    name: str = Field("", description="Masked.")
    member_number: str = ""
    offers: list[OfferLeftOut] = []
    coupons: list[CouponOut] = []


@partner_router.post("/card", auth=PartnerTokenAuth(), response={200: BenefitCardOut, **ERROR_RESPONSES},
                     summary="Read a member card: the offers here and the uses left")  # fmt: skip
def card(request, payload: CardIn):
    found = redemptions.look_up(request.partner_user, **payload.dict())
    return {"status": found.status, "message": found.message, "name": found.name,
            "member_number": found.member_number, "offers": list(found.offers),
            "coupons": list(found.coupons)}  # fmt: skip


class RedeemIn(CardIn):
    offer: int
    key: uuid.UUID = Field(..., description="Made by the device for this attempt.")


class CouponIn(CardIn):
    coupon: int
    bill_fen: int = Field(..., ge=0)
    key: uuid.UUID = Field(..., description="Made by the device for this attempt.")


class AnswerOut(Schema):
    ok: bool
    status: str = Field(..., description="redeemed, limit, budget, not_eligible, no_offer, "
                        "coupon_used, coupon_expired, below_threshold, or a card status")  # fmt: skip
    message: str
    name: str = ""
    member_number: str = ""
    offer: str = ""
    member_price_fen: int = 0
    redemption_id: int | None = None
    left: int | None = None
    resent: bool = Field(False, description="True: the answer first given under this key.")


def _answer(answer: redemptions.Answer) -> dict[str, Any]:
    return {**answer.as_json(), "ok": answer.ok, "resent": answer.resent}


@partner_router.post("/redeem", auth=PartnerTokenAuth(),
                     response={200: AnswerOut, **ERROR_RESPONSES},
                     summary="Confirm one use of an offer (a resent key answers the same)")  # fmt: skip
def redeem(request, payload: RedeemIn):
    return _answer(confirm.confirm(request.partner_user, **payload.dict()))


@partner_router.post("/coupon", auth=PartnerTokenAuth(),
                     response={200: AnswerOut, **ERROR_RESPONSES},
                     summary="Use a member's coupon on a bill (a resent key answers the same)")  # fmt: skip
def use_coupon(request, payload: CouponIn):
    return _answer(coupons.redeem_coupon(request.partner_user, **payload.dict()))


class ReverseIn(Schema):
    redemption: int
    reason: str = Field(..., max_length=200)


class UseOut(Schema):
    id: int
    at: datetime.datetime
    day: datetime.date
    offer_id: int | None = None
    coupon_id: int | None = None
    outlet_id: int | None = None
    member_price_fen: int
    subsidy_fen: int
    reversed: bool


@partner_router.post("/reverse", auth=PartnerTokenAuth(), response={200: UseOut, **ERROR_RESPONSES},
                     summary="Reverse one of today's uses, with the reason (until 23:59)")  # fmt: skip
def reverse(request, payload: ReverseIn):
    reversal = reversals.reverse(request.partner_user, payload.redemption, reason=payload.reason)
    return reversal.redemption


@partner_router.get("/uses", auth=PartnerTokenAuth(), response={200: list[UseOut], **ERROR_RESPONSES},
                    summary="The merchant's uses of a day (default today)")  # fmt: skip
def merchant_uses(request, day: str = ""):
    on = parse_day(day, "day", required=False) or local_day()
    return list(queries.merchant_uses(request.partner_user.partner_id, on)[:1000])


class RefusalOut(Schema):
    row: int
    reason: str


class UsageFileOut(Schema):
    id: int | None = None
    rows: int = 0
    recorded: int = 0
    refused: int = 0
    refusals: list[RefusalOut] = []


NO_FILE = File(None)  # a missing file is answered in Chinese, not by a 422


@partner_router.post("/usage", auth=PartnerTokenAuth(),
                     response={**ERROR_RESPONSES, 201: UsageFileOut},
                     summary="Upload a monthly usage file (multipart: offer and file)")  # fmt: skip
def usage_upload(request, offer: int = Form(...), file: UploadedFile | None = NO_FILE):
    from .imports_usage import import_usage_file

    if file is None:
        raise RuleViolation(_("Choose the file to upload."), field="file")
    outcome = import_usage_file(file, request.partner_user, offer=offer, file_name=file.name or "")
    if outcome.usage is None:  # the whole file refused, nothing written: every error named
        raise RuleViolation("；".join(outcome.errors), field="file")
    usage = outcome.usage
    return Status(201, {"id": usage.pk, "rows": usage.rows, "recorded": usage.recorded,
                        "refused": usage.refused, "refusals": usage.refusals})  # fmt: skip


# ---- staff -------------------------------------------------------------------------------------


class OfferOut(Schema):
    id: int
    partner_id: int
    partner: str = Field(..., alias="partner.name")
    terms_id: int
    org: str = Field(..., alias="org.code")
    name: str
    member_price_fen: int
    subsidy_fen: int
    per_day: int | None
    per_week: int | None
    per_month: int | None
    per_year: int | None
    budget_uses: int | None
    budget_period: str
    starts_on: datetime.date
    ends_on: datetime.date
    rule: dict[str, Any]
    rule_text: str
    is_active: bool


class OfferIn(Schema):
    terms_id: int
    name: str = Field(..., max_length=60)
    member_price_fen: int
    subsidy_fen: int
    starts_on: str = Field(..., description="YYYY-MM-DD")
    ends_on: str = Field(..., description="YYYY-MM-DD")
    org: str = Field("", description="The union (code) whose members it serves; default the payer.")
    limits: dict[str, int | None] = Field({}, description="{day, week, month, year: uses}")
    budget_uses: int | None = None
    budget_period: str = "month"
    rule: dict[str, Any] = Field({}, description="A people.eligibility rule; {}: all members.")
    is_active: bool = True


@router.get("/offers", response=list[OfferOut], summary="The subtree's offers")
@paginate(Pages, page_size=200)
def offer_list(request):
    guard(request)
    return queries.visible_offers(request.user).order_by("partner__name", "name")


def _offer_fields(request: Any, payload: OfferIn) -> dict[str, Any]:
    data = payload.dict()
    data.pop("terms_id")
    data["starts_on"] = parse_day(data["starts_on"], "starts_on")
    data["ends_on"] = parse_day(data["ends_on"], "ends_on")
    code = data.pop("org")
    data["org"] = None
    if code:
        data["org"] = visible_orgs(request.user).filter(code=code).first()
        if data["org"] is None:
            raise RuleViolation(_("No such union in your area."), field="org")
    return data


@router.post("/offers", response={201: OfferOut, **ERROR_RESPONSES}, summary="Add an offer")
def offer_add(request, payload: OfferIn):
    guard(request)
    terms = get_scoped_or_404(queries.visible_terms(request.user), request.user, write=True,
                              pk=payload.terms_id)  # fmt: skip
    return Status(201, offers.save_offer(terms, by=request.user, **_offer_fields(request, payload)))


@router.get("/offers/{offer_id}", response={200: OfferOut, **ERROR_RESPONSES},
            summary="One offer")  # fmt: skip
def offer_get(request, offer_id: int):
    guard(request)
    return queries.get_offer_for(request.user, offer_id)


@router.put("/offers/{offer_id}", response={200: OfferOut, **ERROR_RESPONSES},
            summary="Change an offer (counters already taken stay)")  # fmt: skip
def offer_put(request, offer_id: int, payload: OfferIn):
    guard(request)
    offer = queries.get_offer_for(request.user, offer_id, write=True)
    terms = get_scoped_or_404(queries.visible_terms(request.user), request.user, write=True,
                              pk=payload.terms_id)  # fmt: skip
    return offers.save_offer(terms, offer=offer, by=request.user,
                             **_offer_fields(request, payload))  # fmt: skip


class RedemptionOut(UseOut):
    partner_id: int
    worker_id: int
    org: str = Field(..., alias="org.code")
    source: str


@router.get("/redemptions", response=list[RedemptionOut],
            summary="The uses of the subtree's members (filters: offer, partner, since, until)")  # fmt: skip
@paginate(Pages, page_size=500)
def redemption_list(request, offer: int | None = None, partner: int | None = None,
                    since: str = "", until: str = ""):  # fmt: skip
    guard(request)
    return queries.filter_redemptions(
        queries.visible_redemptions(request.user), offer=offer, partner=partner,
        start=parse_day(since, "since", required=False),
        end=parse_day(until, "until", required=False),
    )  # fmt: skip


class FlagOut(Schema):
    id: int
    kind: str
    detail: str
    status: str
    org: str = Field(..., alias="org.code")
    redemption_id: int
    created_at: datetime.datetime
    steps: list[str] = []


def _flag(request: Any, flag: Any) -> Any:
    flag.steps = FLAG_FLOW.steps_for(flag, request.user)
    return flag


@router.get("/flags", response=list[FlagOut], summary="Suspicious-use flags (status=open…)")
@paginate(Pages, page_size=200)
def flag_list(request, status: str = "open"):
    guard(request)
    found = queries.visible_flags(request.user)
    return found.filter(status=status) if status else found


@router.get("/flags/{flag_id}", response={200: FlagOut, **ERROR_RESPONSES}, summary="One flag")
def flag_get(request, flag_id: int):
    guard(request)
    return _flag(request, queries.get_flag_for(request.user, flag_id))


add_step_operations(
    router,
    FLAG_FLOW,
    path="/flags/{flag_id}",
    fetch=lambda request, pk: queries.get_flag_for(request.user, pk, write=True),
    response=FlagOut,
    present=_flag,
    summaries={
        FlagStep.CLEAR: "Clear a flag (note: why the uses are in order)",
        FlagStep.CONFIRM: "Confirm misuse (note: what was done)",
    },
)
