"""Legal check-ups (法律体检) and visits in the API (under /api/v1/enterprises/): the same steps
as the pages — list and record a check-up with its findings, one check-up with its checklist,
close a finding; list and record a visit, one visit with its follow-up tasks, add a task (an
owner and a deadline in working days), mark a task done. Scoped like the pages (the firm's
county union and its grassroots union); the services refuse with the pages' messages and write
the audit events."""

import datetime
from typing import Annotated

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.core import clock
from nuanjia.core.errors import RuleViolation
from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import ErrorOut, OneOf, parse_day
from nuanjia.core.workflow_api import ERROR_RESPONSES
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.queries import visible_staff
from nuanjia.orgs.rules import Perm

from . import queries, services
from .models_checkups import CheckUp, CheckupItem, Finding, FollowUpTask, Visit

router = Router(tags=["enterprises"])


def _guard(request) -> None:
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)


class CheckupFindingOut(Schema):
    id: int
    item: str
    description: str
    advice: str
    follow_up_on: datetime.date | None
    closed_on: datetime.date | None


class CheckupOut(Schema):
    id: int
    number: str
    firm_id: int
    firm: str = Field(alias="firm.employer.name")
    county: str = Field(alias="org.code")
    checked_on: datetime.date
    follow_up_on: datetime.date | None

    @staticmethod
    def resolve_number(checkup: CheckUp) -> str:
        return str(checkup)


class CheckupDetailOut(CheckupOut):
    checklist: dict[str, bool]
    advice: str
    findings: list[CheckupFindingOut]

    @staticmethod
    def resolve_findings(checkup: CheckUp) -> list:
        return list(checkup.findings.order_by("pk"))


class CheckupFindingIn(Schema):
    item: Annotated[str, OneOf(CheckupItem)]
    description: str = Field(..., max_length=500)


class CheckupIn(Schema):
    firm_id: int
    checked_on: str = Field(..., description="YYYY-MM-DD")
    findings: list[CheckupFindingIn] = Field(
        default_factory=list, description="the items not in order; every other item is in order"
    )
    advice: str = Field("", max_length=2000)
    follow_up_on: str | None = Field(None, description="YYYY-MM-DD")


class FindingCloseIn(Schema):
    closed_on: str | None = Field(None, description="YYYY-MM-DD; default today")


class FirmVisitTaskOut(Schema):
    id: int
    owner_id: int
    owner: str = Field(alias="owner.full_name")
    description: str
    working_days: int
    due_on: datetime.date
    done_on: datetime.date | None


class FirmVisitOut(Schema):
    id: int
    number: str
    firm_id: int
    firm: str = Field(alias="firm.employer.name")
    county: str = Field(alias="org.code")
    visited_on: datetime.date

    @staticmethod
    def resolve_number(visit: Visit) -> str:
        return str(visit)


class FirmVisitDetailOut(FirmVisitOut):
    difficulties: str
    causes: str
    placement: str
    tasks: list[FirmVisitTaskOut]

    @staticmethod
    def resolve_tasks(visit: Visit) -> list:
        return list(visit.tasks.select_related("owner"))


class FirmVisitIn(Schema):
    firm_id: int
    visited_on: str = Field(..., description="YYYY-MM-DD")
    difficulties: str = Field(..., max_length=2000)
    causes: str = Field("", max_length=2000)
    placement: str = Field("", max_length=2000, description="how the workers are placed")


class FirmVisitTaskIn(Schema):
    owner_id: int
    description: str = Field(..., max_length=300)
    working_days: int = Field(..., description="deadline: working days after the visit, 1–250")


class FirmTaskDoneIn(Schema):
    done_on: str | None = Field(None, description="YYYY-MM-DD; default today")


@router.get("/checkups", response=list[CheckupOut], summary="Legal check-ups in scope")
@paginate(Pages, page_size=100)
def checkup_list(request):
    _guard(request)
    return queries.visible_checkups(request.user)


@router.post(
    "/checkups",
    response={201: CheckupDetailOut, **ERROR_RESPONSES},
    summary="Record a legal check-up: the items not in order as findings, advice, follow-up",
)
def checkup_record(request, payload: CheckupIn):
    _guard(request)
    firm = queries.get_firm_for(request.user, payload.firm_id, write=True)
    findings: dict[str, str] = {}
    for finding in payload.findings:
        if finding.item in findings:
            raise RuleViolation(_("Each item may have one finding only."), field="findings")
        findings[finding.item] = finding.description
    checkup = services.record_checkup(
        firm, checked_on=parse_day(payload.checked_on, "checked_on"), findings=findings,
        advice=payload.advice, by=request.user,
        follow_up_on=parse_day(payload.follow_up_on, "follow_up_on", required=False),
    )  # fmt: skip
    return Status(201, queries.get_checkup_for(request.user, checkup.pk))


@router.get(
    "/checkups/{checkup_id}",
    response={200: CheckupDetailOut, 404: ErrorOut},
    summary="One check-up with its checklist and findings",
)
def checkup_detail(request, checkup_id: int):
    _guard(request)
    return queries.get_checkup_for(request.user, checkup_id)


@router.post(
    "/checkups/{checkup_id}/findings/{finding_id}/close",
    response={200: CheckupDetailOut, **ERROR_RESPONSES},
    summary="Close a finding of a check-up",
)
def finding_close(request, checkup_id: int, finding_id: int, payload: FindingCloseIn):
    _guard(request)
    checkup = queries.get_checkup_for(request.user, checkup_id, write=True)
    finding = get_object_or_404(Finding, checkup=checkup, pk=finding_id)
    closed_on = parse_day(payload.closed_on, "closed_on", required=False) or clock.today()
    services.close_finding(finding, closed_on=closed_on, by=request.user)
    return queries.get_checkup_for(request.user, checkup.pk)


@router.get("/visits", response=list[FirmVisitOut], summary="Visits to firms in scope")
@paginate(Pages, page_size=100)
def visit_list(request):
    _guard(request)
    return queries.visible_visits(request.user)


@router.post(
    "/visits",
    response={201: FirmVisitDetailOut, **ERROR_RESPONSES},
    summary="Record a visit: the firm's difficulties, their causes, how its workers are placed",
)
def visit_record(request, payload: FirmVisitIn):
    _guard(request)
    firm = queries.get_firm_for(request.user, payload.firm_id, write=True)
    visit = services.record_visit(
        firm, visited_on=parse_day(payload.visited_on, "visited_on"),
        difficulties=payload.difficulties, causes=payload.causes, placement=payload.placement,
        by=request.user,
    )  # fmt: skip
    return Status(201, queries.get_visit_for(request.user, visit.pk))


@router.get(
    "/visits/{visit_id}",
    response={200: FirmVisitDetailOut, 404: ErrorOut},
    summary="One visit with its follow-up tasks",
)
def visit_detail(request, visit_id: int):
    _guard(request)
    return queries.get_visit_for(request.user, visit_id)


@router.post(
    "/visits/{visit_id}/tasks",
    response={201: FirmVisitDetailOut, **ERROR_RESPONSES},
    summary="Add a follow-up task: an owner and a deadline in working days",
)
def visit_task_add(request, visit_id: int, payload: FirmVisitTaskIn):
    _guard(request)
    visit = queries.get_visit_for(request.user, visit_id, write=True)
    owner = visible_staff(request.user).filter(pk=payload.owner_id, is_active=True).first()
    if owner is None:
        raise RuleViolation(_("No such staff member."), field="owner_id")
    services.add_task(
        visit, owner=owner, description=payload.description,
        working_days=payload.working_days, by=request.user,
    )  # fmt: skip
    return Status(201, queries.get_visit_for(request.user, visit.pk))


@router.post(
    "/visits/{visit_id}/tasks/{task_id}/done",
    response={200: FirmVisitDetailOut, **ERROR_RESPONSES},
    summary="Mark a follow-up task done",
)
def visit_task_done(request, visit_id: int, task_id: int, payload: FirmTaskDoneIn):
    _guard(request)
    visit = queries.get_visit_for(request.user, visit_id, write=True)
    task = get_object_or_404(FollowUpTask, visit=visit, pk=task_id)
    done_on = parse_day(payload.done_on, "done_on", required=False) or clock.today()
    services.complete_task(task, done_on=done_on, by=request.user)
    return queries.get_visit_for(request.user, visit.pk)
