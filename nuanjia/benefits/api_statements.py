"""Merchant statements in the API: the staff's list, one statement with its lines and steps,
preparing a merchant's month (`router`, /api/v1/benefits/); the merchant's own statements,
confirmed or disputed (`partner_router`, /api/v1/partner/benefits/)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.core.errors import RuleViolation
from nuanjia.core.pagination import Pages
from nuanjia.core.workflow_api import ERROR_RESPONSES, add_step_operations
from nuanjia.members.auth import PartnerTokenAuth
from nuanjia.orgs.queries import get_scoped_or_404

from . import queries
from .api import guard
from .models import Statement
from .rules import StatementStep
from .services import statements
from .statement_files import summary
from .views.statements import parse_month
from .workflow import STATEMENT_FLOW

router = Router(tags=["benefits"])
partner_router = Router(tags=["partner"])


class LineOut(Schema):
    label: str
    uses: int
    subsidy_fen: int


class StatementOut(Schema):
    id: int
    number: str
    partner_id: int
    partner: str = Field(..., alias="partner.name")
    org: str = Field(..., alias="org.code")
    month: datetime.date
    uses: int
    subsidy_fen: int
    reversals: int
    reversed_fen: int
    amount_fen: int
    status: str
    steps: list[str] = []
    lines: list[LineOut] = []


def _present(request: Any, statement: Statement) -> Any:
    statement.steps = STATEMENT_FLOW.steps_for(statement, request.user)
    statement.number = str(statement)  # type: ignore[attr-defined]
    statement.lines = summary(statement)  # type: ignore[attr-defined]
    return statement


class ListedOut(Schema):
    id: int
    partner: str = Field(..., alias="partner.name")
    month: datetime.date
    uses: int
    amount_fen: int
    status: str


@router.get("/statements", response=list[ListedOut],
            summary="The subtree's merchant statements (queue: caseworker, approver, finance)")  # fmt: skip
@paginate(Pages, page_size=200)
def statement_list(request, queue: str = ""):
    guard(request)
    return queries.statement_queue(request.user, queue)


@router.get("/statements/{statement_id}", response={200: StatementOut, **ERROR_RESPONSES},
            summary="One merchant statement with its lines and steps")  # fmt: skip
def statement_get(request, statement_id: int):
    guard(request)
    return _present(request, queries.get_statement_for(request.user, statement_id))


class PrepareIn(Schema):
    terms_id: int
    month: str = Field(..., description="YYYY-MM, a month that has ended")


@router.post("/statements", response={201: StatementOut, **ERROR_RESPONSES},
             summary="Prepare a merchant's statement of an ended month")  # fmt: skip
def statement_prepare(request, payload: PrepareIn):
    guard(request)
    terms = get_scoped_or_404(queries.visible_terms(request.user), request.user, write=True,
                              pk=payload.terms_id)  # fmt: skip
    month = parse_month(payload.month)
    if month is None:
        raise RuleViolation("Write the month as 2026-03.", field="month")
    made = statements.prepare_statement(terms, month, by=request.user)
    return Status(201, _present(request, made))


add_step_operations(
    router,
    STATEMENT_FLOW,
    path="/statements/{statement_id}",
    fetch=lambda request, pk: queries.get_statement_for(request.user, pk, write=True),
    response=StatementOut,
    present=_present,
    summaries={
        StatementStep.APPROVE: "Approve a confirmed statement: its amount is reserved",
        StatementStep.CANCEL: "Cancel a statement (note: the reason)",
    },
)


# ---- the merchant ------------------------------------------------------------------------------


def _own(request: Any, statement_id: int) -> Statement:
    found = Statement.objects.filter(partner_id=request.partner_user.partner_id,
                                     pk=statement_id).first()  # fmt: skip
    if found is None:
        raise Http404
    return found


@partner_router.get("/statements", auth=PartnerTokenAuth(), response=list[ListedOut],
                    summary="The merchant's own statements")  # fmt: skip
def merchant_statements(request):
    return list(Statement.objects.filter(partner_id=request.partner_user.partner_id)
                .select_related("partner")[:120])  # fmt: skip


class AnswerIn(Schema):
    reason: str = Field("", max_length=200)


@partner_router.post("/statements/{statement_id}/confirm", auth=PartnerTokenAuth(),
                     response={200: ListedOut, **ERROR_RESPONSES},
                     summary="对账确认: the merchant agrees with its statement")  # fmt: skip
def merchant_confirm(request, statement_id: int):
    return statements.confirm_statement(_own(request, statement_id), user=request.partner_user)


@partner_router.post("/statements/{statement_id}/dispute", auth=PartnerTokenAuth(),
                     response={200: ListedOut, **ERROR_RESPONSES},
                     summary="The merchant disputes its statement, saying why")  # fmt: skip
def merchant_dispute(request, statement_id: int, payload: AnswerIn):
    return statements.dispute_statement(_own(request, statement_id), user=request.partner_user,
                                        reason=payload.reason)  # fmt: skip
