"""Help for struggling firms in the API (under /api/v1/enterprises/): the same steps as the
pages — the helps in scope (the approvers' queue with `queue=approver`), propose a help to a
firm, one help with its history, approve and pay it (another person), cancel it. Scoped like
the pages; the services refuse with the pages' messages and write the audit events."""

import datetime
from typing import Annotated

from django.db import models
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.core.errors import RuleViolation
from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import ErrorOut, EventOut, OneOf, parse_day
from nuanjia.core.workflow_api import ERROR_RESPONSES, add_step_operations
from nuanjia.funds.models import Earmark
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.rules import Perm, Role

from . import queries, services
from .models_help import FirmHelp
from .rules import HelpStatus, HelpStep
from .workflow import HELP_FLOW

router = Router(tags=["enterprises"])


class HelpQueue(models.TextChoices):
    """What waits on a role: approvers the proposed helps."""

    APPROVER = Role.APPROVER.value


def _guard(request) -> None:
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)


class FirmHelpOut(Schema):
    id: int
    firm_id: int
    firm: str = Field(alias="firm.employer.name")
    org: str = Field(alias="org.code", description="the paying union")
    earmark: str = Field(alias="earmark.code")
    amount_fen: int
    workers_reached: int
    purpose: str
    helped_on: datetime.date
    status: str


class FirmHelpDetailOut(FirmHelpOut):
    steps: list[str]
    events: list[EventOut]

    @staticmethod
    def resolve_events(help_: FirmHelp) -> list:
        return list(help_.events.select_related("by"))


class FirmHelpIn(Schema):
    firm_id: int
    earmark: str = Field(max_length=32, description="the earmark's code")
    amount_fen: int = Field(gt=0)
    workers_reached: int = Field(ge=0)
    purpose: str = Field(max_length=200)
    helped_on: str = Field(description="YYYY-MM-DD")


def _detail(request, help_: FirmHelp) -> FirmHelp:
    help_.refresh_from_db()
    help_.steps = HELP_FLOW.steps_for(help_, request.user)
    return help_


@router.get("/helps", response=list[FirmHelpOut], summary="Helps to firms in scope")
@paginate(Pages, page_size=100)
def help_list(request, queue: Annotated[str, OneOf(HelpQueue)] | None = None):
    _guard(request)
    found = queries.visible_helps(request.user).select_related("earmark")
    if queue == HelpQueue.APPROVER:
        found = found.filter(status=HelpStatus.PROPOSED)
    return found.order_by("-pk")


@router.post(
    "/helps",
    response={201: FirmHelpDetailOut, **ERROR_RESPONSES},
    summary="Propose a help to a firm (another person approves and pays it)",
)
def help_propose(request, payload: FirmHelpIn):
    _guard(request)
    firm = queries.get_firm_for(request.user, payload.firm_id)
    earmark = Earmark.objects.filter(code=payload.earmark).first()
    if earmark is None:
        raise RuleViolation(_("No such earmark."), field="earmark")
    help_ = services.propose_help(
        firm, request.user.org, earmark, amount_fen=payload.amount_fen,
        workers_reached=payload.workers_reached, purpose=payload.purpose,
        helped_on=parse_day(payload.helped_on, "helped_on"), by=request.user,
    )  # fmt: skip
    return Status(201, _detail(request, help_))


@router.get(
    "/helps/{help_id}", response={200: FirmHelpDetailOut, 404: ErrorOut}, summary="One help"
)
def help_detail(request, help_id: int):
    _guard(request)
    return _detail(request, queries.get_help_for(request.user, help_id))


add_step_operations(
    router,
    HELP_FLOW,
    path="/helps/{help_id}",
    fetch=lambda request, pk: queries.get_help_for(request.user, pk, write=True),
    response=FirmHelpDetailOut,
    present=_detail,
    summaries={
        HelpStep.APPROVE: "Approve a proposed help: paid from the ledger at once",
        HelpStep.CANCEL: "Cancel a proposed help (note: the reason)",
    },
)
