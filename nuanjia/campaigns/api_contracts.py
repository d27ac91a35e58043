"""Partners' contracts of the campaigns API (under /api/v1/campaigns/): an activity's
contracts, signing one (the caller's union signs and pays) and ending one."""

import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from nuanjia.core.errors import RuleViolation
from nuanjia.core.schemas import parse_day
from nuanjia.core.workflow_api import ERROR_RESPONSES
from nuanjia.members.models import Partner

from . import queries, queries_contracts, services
from .api_common import CampaignReasonIn, guard

router = Router(tags=["campaigns"])


class PartnerContractOut(Schema):
    id: int
    activity_id: int
    partner_id: int
    partner: str = Field(..., alias="partner.name")
    org: str = Field(..., alias="org.code")
    earmark: str = Field(..., alias="earmark.code")
    price_fen: int
    capacity_per_day: int | None
    starts_on: datetime.date
    ends_on: datetime.date
    payee_name: str
    bank_name: str
    account_masked: str
    is_active: bool


class PartnerContractIn(Schema):
    partner_id: int
    earmark: str = Field(..., description="the earmark's code; one of the campaign's")
    price_fen: int = Field(..., ge=0, description="per check, meal or person, in fen")
    capacity_per_day: int | None = Field(None, ge=1, description="health checks only")
    starts_on: str = Field(..., description="YYYY-MM-DD")
    ends_on: str = Field(..., description="YYYY-MM-DD")
    payee_name: str = Field(..., max_length=100)
    bank_name: str = Field(..., max_length=60)
    bank_account: str = Field(..., max_length=40)


@router.get(
    "/activities/{activity_id}/contracts",
    response=list[PartnerContractOut],
    summary="Partners' contracts of an activity",
)
def contract_list(request, activity_id: int):
    guard(request)
    activity = queries.get_activity_for(request.user, activity_id)
    return queries_contracts.contracts_of(request.user, activity)


def _partner(request, activity, partner_id: int) -> Partner:
    kind = services.PARTNER_KIND_FOR.get(activity.kind)
    partner = queries_contracts.partners_to_sign(request.user, activity, kind or "").filter(
        pk=partner_id
    )
    found = partner.first()
    if found is None:
        raise RuleViolation(
            _("No such partner of the right kind, without a contract, in your reach."),
            field="partner_id",
        )
    return found


@router.post(
    "/activities/{activity_id}/contracts",
    response={201: PartnerContractOut, **ERROR_RESPONSES},
    summary="Sign a partner for an activity",
)
def contract_create(request, activity_id: int, payload: PartnerContractIn):
    guard(request)
    activity = queries.get_activity_for(request.user, activity_id, write=True)
    earmark = activity.campaign.earmarks.filter(code=payload.earmark).first()
    contract = services.sign_contract(
        activity,
        _partner(request, activity, payload.partner_id),
        org=request.user.org,
        earmark=earmark,
        price_fen=payload.price_fen,
        capacity_per_day=payload.capacity_per_day,
        starts_on=parse_day(payload.starts_on, "starts_on"),
        ends_on=parse_day(payload.ends_on, "ends_on"),
        payee_name=payload.payee_name,
        bank_name=payload.bank_name,
        bank_account=payload.bank_account,
        by=request.user,
    )
    return Status(201, contract)


@router.get("/contracts/{contract_id}", response=PartnerContractOut, summary="One contract")
def contract_detail(request, contract_id: int):
    guard(request)
    return queries_contracts.get_contract_for(request.user, contract_id)


@router.post(
    "/contracts/{contract_id}/end",
    response={200: PartnerContractOut, **ERROR_RESPONSES},
    summary="End a partner's contract",
)
def contract_end(request, contract_id: int, payload: CampaignReasonIn):
    guard(request)
    contract = queries_contracts.get_contract_for(request.user, contract_id, write=True)
    return services.end_contract(contract, by=request.user, reason=payload.reason)
