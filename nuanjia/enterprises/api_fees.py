"""The union-fee rebates in the API (under /api/v1/enterprises/): staging a union's rebates of
some periods, the batches with their rebates and exceptions, approving or cancelling one (one
step each, by another person), and due vs returned per city (应收尽返)."""

import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.core.errors import RuleViolation
from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import ErrorOut, EventOut, parse_day
from nuanjia.core.workflow_api import ERROR_RESPONSES, add_step_operations
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.rules import Perm

from . import queries, services
from .figures import city_figures
from .models import RebateBatch
from .rules import RebateBatchStep
from .workflow import REBATE_BATCH_FLOW

router = Router(tags=["enterprises"])


def _guard(request) -> None:
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)


class RebateOut(Schema):
    id: int
    firm_id: int
    period_start: datetime.date
    size_class: str
    fee_fen: int
    amount_fen: int
    status: str


class RebateExceptionOut(Schema):
    collection_id: int
    firm_id: int = Field(alias="collection.firm_id")
    period_start: datetime.date = Field(alias="collection.period_start")
    reason: str
    amount_fen: int


class RebateBatchOut(Schema):
    id: int
    number: str
    org: str = Field(alias="org.code")
    period_from: datetime.date
    period_to: datetime.date
    status: str
    count: int
    total_fen: int
    exception_count: int

    @staticmethod
    def resolve_number(batch: RebateBatch) -> str:
        return str(batch)


class RebateBatchDetailOut(RebateBatchOut):
    steps: list[str]
    exceptions: list[RebateExceptionOut]
    events: list[EventOut]

    @staticmethod
    def resolve_exceptions(batch: RebateBatch) -> list:
        return list(batch.exceptions.select_related("collection")[:1000])

    @staticmethod
    def resolve_events(batch: RebateBatch) -> list:
        return list(batch.events.select_related("by"))


class RebateStageIn(Schema):
    period_from: str = Field(..., description="YYYY-MM-DD: first period start")
    period_to: str = Field(..., description="YYYY-MM-DD: last period start")


class CityFiguresOut(Schema):
    city_code: str
    city: str
    relief_fen: int
    tenants: int
    months: int
    due_fen: int
    returned_fen: int
    ratio: int | None
    firms_helped: int
    help_fen: int
    workers_reached: int
    checkups: int
    open_findings: int


def _detail(request, batch: RebateBatch) -> RebateBatch:
    batch.refresh_from_db()
    batch.steps = REBATE_BATCH_FLOW.steps_for(batch, request.user)
    return batch


@router.get("/rebate-batches", response=list[RebateBatchOut], summary="Rebate batches in scope")
@paginate(Pages, page_size=100)
def rebate_batch_list(request):
    _guard(request)
    return queries.visible_rebate_batches(request.user)


@router.post(
    "/rebate-batches",
    response={201: RebateBatchDetailOut, **ERROR_RESPONSES},
    summary="Stage the rebates of your union's firms for periods (exceptions listed apart)",
)
def rebate_stage(request, payload: RebateStageIn):
    _guard(request)
    batch = services.stage_rebates(
        request.user.org, parse_day(payload.period_from, "period_from"),
        parse_day(payload.period_to, "period_to"), by=request.user,
    )  # fmt: skip
    return Status(201, _detail(request, batch))


@router.get(
    "/rebate-batches/{rebate_batch_id}",
    response={200: RebateBatchDetailOut, 404: ErrorOut},
    summary="One rebate batch with its exceptions and history",
)
def rebate_batch_detail(request, rebate_batch_id: int):
    _guard(request)
    return _detail(request, queries.get_rebate_batch_for(request.user, rebate_batch_id))


@router.get(
    "/rebate-batches/{rebate_batch_id}/rebates",
    response={200: list[RebateOut], 404: ErrorOut},
    summary="The rebates of a batch",
)
@paginate(Pages, page_size=500)
def rebate_batch_rebates(request, rebate_batch_id: int):
    _guard(request)
    return queries.get_rebate_batch_for(request.user, rebate_batch_id).rebates.order_by("pk")


@router.get("/figures", response=list[CityFiguresOut], summary="Figures per city (应收尽返)")
def enterprise_figures(request, year: int | None = None):
    _guard(request)
    if year is not None and not 2000 <= year <= 2100:
        raise RuleViolation(_("Give a year from 2000 to 2100."), field="year")
    return city_figures(request.user, year)


add_step_operations(
    router,
    REBATE_BATCH_FLOW,
    path="/rebate-batches/{rebate_batch_id}",
    fetch=lambda request, pk: queries.get_rebate_batch_for(request.user, pk, write=True),
    response=RebateBatchDetailOut,
    present=_detail,
    summaries={
        RebateBatchStep.APPROVE: "Approve the staged rebates in one step: amounts reserved",
        RebateBatchStep.CANCEL: "Cancel the staged rebates (note: the reason)",
    },
)
