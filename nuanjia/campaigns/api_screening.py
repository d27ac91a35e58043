"""Screening operations of the campaigns API: an activity's findings, one finding and its
history, recording a finding (a registry worker, or a new person registered on the spot) and
the three decisions (FINDING_FLOW's steps). Scoped like the pages, with the pages' messages."""

import datetime
from typing import Annotated

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.core.errors import RuleViolation
from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import ErrorOut, EventOut, OneOf
from nuanjia.core.workflow_api import add_step_operations
from nuanjia.orgs.permissions import check_permission, deny
from nuanjia.orgs.queries import get_org_for
from nuanjia.orgs.rules import Perm
from nuanjia.people.queries import get_worker_for
from nuanjia.relief.models import GrantType

from . import queries, queries_screening, services
from .models import Activity, Finding
from .rules import ActivityKind, FindingDegree, FindingStatus, FindingStep
from .workflow import FINDING_FLOW

router = Router(tags=["campaigns"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class FindingOut(Schema):
    id: int
    number: str
    activity_id: int
    org_id: int
    org_name: str = Field(alias="org.name")
    worker_id: int
    worker_name: str = Field(alias="worker.name")
    degree: str
    degree_label: str = Field(alias="get_degree_display")
    circumstances: str
    found_on: datetime.date
    found_by_name: str
    registered_here: bool
    status: str
    status_label: str = Field(alias="get_status_display")
    hardship_file_id: int | None
    grant_id: int | None
    decided_by_id: int | None
    decided_at: datetime.datetime | None
    decision_note: str

    @staticmethod
    def resolve_number(obj: Finding) -> str:
        return str(obj)


class FindingDetailOut(FindingOut):
    steps: list[str]


class FindingPersonIn(Schema):
    """A person registered on the spot; one whose ID number the province keeps is linked."""

    name: str = Field(max_length=50)
    id_number: str = Field("", max_length=18)
    phone: str = Field("", max_length=20)
    address: str = Field("", max_length=200)
    employer_name: str = Field("", max_length=120)


class FindingIn(Schema):
    org_id: int | None = Field(None, description="the finding union; the caller's by default")
    worker_id: int | None = Field(None, description="a registry worker of the caller's area")
    new_person: FindingPersonIn | None = None
    degree: Annotated[str, OneOf(FindingDegree)] | None = None
    circumstances: str = Field("", max_length=2000)
    found_on: str = Field(..., description="YYYY-MM-DD")
    found_by_name: str = Field("", max_length=50, description="the volunteer who found them")


class FindingQuery(Schema):
    status: Annotated[str, OneOf(FindingStatus)] | None = None
    degree: Annotated[str, OneOf(FindingDegree)] | None = None
    union: str = Field("", description="an org code in the caller's scope: its subtree")


class FindingGrantIn(Schema):
    grant_type: str = Field(..., description="code of the grant type, e.g. epidemic")
    amount_fen: int = Field(..., gt=0)
    reason: str = Field(..., min_length=1, max_length=500)


def _business(request) -> None:
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)


def _activity(request, activity_id: int, *, write: bool = False) -> Activity:
    _business(request)
    activity = queries.get_activity_for(request.user, activity_id, write=write)
    if activity.kind != ActivityKind.SCREENING:
        raise Http404
    return activity


def _present(request, finding: Finding) -> Finding:
    finding = queries_screening.get_finding_for(request.user, finding.pk)
    finding.steps = [
        name
        for name in FINDING_FLOW.steps_for(finding, request.user)
        if FINDING_FLOW.may_take(request.user, name, finding)
    ]
    return finding


@router.get(
    "/activities/{activity_id}/findings",
    response=list[FindingOut],
    summary="A screening drive's findings, filtered by outcome, degree and union",
)
@paginate(Pages, page_size=50)
def list_findings(request, activity_id: int, filters: Query[FindingQuery]):
    activity = _activity(request, activity_id)
    cleaned = queries_screening.clean_filters(request.user, filters.dict(exclude_none=True))
    return queries_screening.filtered_findings(request.user, cleaned, activity)


@router.post(
    "/activities/{activity_id}/findings",
    response={201: FindingDetailOut, **ERRORS},
    summary="Record a person found in difficulty (a registry worker, or a new person)",
)
def create_finding(request, activity_id: int, payload: FindingIn):
    activity = _activity(request, activity_id, write=True)
    if not services.may_act_for(request.user, request.user.org, services.FINDER_ROLES):
        deny(request.user, "campaigns.finding.record", request.path)
    org = get_org_for(request.user, payload.org_id, write=True) if payload.org_id else None
    worker = (
        get_worker_for(request.user, payload.worker_id, write=True) if payload.worker_id else None
    )
    finding = services.record_finding(
        activity,
        org or request.user.org,
        worker=worker,
        new_person=payload.new_person.dict() if payload.new_person else None,
        degree=payload.degree or "",
        circumstances=payload.circumstances,
        found_on=payload.found_on,
        found_by_name=payload.found_by_name,
        by=request.user,
    )
    return Status(201, _present(request, finding))


@router.get("/findings/{finding_id}", response=FindingDetailOut, summary="One finding")
def get_finding(request, finding_id: int):
    _business(request)
    return _present(request, queries_screening.get_finding_for(request.user, finding_id))


@router.get("/findings/{finding_id}/events", response=list[EventOut], summary="A finding's history")
def finding_events(request, finding_id: int):
    _business(request)
    finding = queries_screening.get_finding_for(request.user, finding_id)
    return list(queries_screening.finding_history(finding))


def _grant_fields(request, body: dict) -> dict:
    grant_type = GrantType.objects.filter(code=body.get("grant_type", ""), is_active=True).first()
    if grant_type is None:
        raise RuleViolation(_("Choose the grant type."), field="grant_type")
    return {**body, "grant_type": grant_type}


def _fetch(request, pk: int) -> Finding:
    _business(request)
    return queries_screening.get_finding_for(request.user, pk, write=True)


add_step_operations(
    router,
    FINDING_FLOW,
    path="/findings/{finding_id}",
    fetch=_fetch,
    response=FindingDetailOut,
    present=_present,
    summaries={
        FindingStep.OPEN_APPLICATION: (
            "Open a hardship application for the worker's family (refused when the family "
            "already has a live file)"
        ),
        FindingStep.PROPOSE_GRANT: (
            "Propose a one-off grant (relief's caps, warning and maker-checker apply)"
        ),
        FindingStep.NO_HELP: "Record that no help is needed (note: the reason)",
    },
    schemas={FindingStep.PROPOSE_GRANT: FindingGrantIn},
    fields={FindingStep.PROPOSE_GRANT: _grant_fields},
)
