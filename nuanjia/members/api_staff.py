"""The staff API of the member portal under /api/v1/members/: the queues of online joins,
bindings and personal data requests, one operation per workflow step."""

import datetime
from typing import Annotated, Any

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import EventOut, OneOf
from nuanjia.core.workflow_api import add_step_operations
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.rules import Perm

from . import queries
from .models import Binding, DataRequest, Join
from .workflow import BINDING_FLOW, DATA_FLOW, JOIN_FLOW, BindingStep, DataStep, JoinStep

staff_router = Router(tags=["members"])


class StaffJoinOut(Schema):
    id: int
    status: Annotated[str, OneOf(Join.Status)]
    name: str
    id_number: str
    phone: str
    occupation: str
    employer_name: str
    union_code: str
    union: str
    county: str
    created_at: datetime.datetime
    member_number: str
    steps: list[str]
    events: list[EventOut]


def _staff_join(request, join: Join) -> dict[str, Any]:
    return {
        "id": join.pk,
        "status": join.status,
        "name": join.worker.name,
        "id_number": join.worker.id_number_masked,
        "phone": join.member.phone_masked,
        "occupation": join.occupation.name,
        "employer_name": join.employer_name,
        "union_code": join.org.code,
        "union": join.org.name,
        "county": join.county.name,
        "created_at": join.created_at,
        "member_number": join.worker.member_number if join.status == Join.Status.ACCEPTED else "",
        "steps": JOIN_FLOW.steps_for(join, request.user),
        "events": list(join.events.select_related("by")),
    }


class JoinFilter(Schema):
    status: str = Field(Join.OPEN, description="open, all, or one status.")


@staff_router.get("/joins", response=list[StaffJoinOut], summary="Join applications")
@paginate(Pages, page_size=100)
def staff_joins(request, filters: Query[JoinFilter]):
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    status = filters.status if filters.status in {Join.OPEN, *Join.Status.values} else ""
    rows = queries.filter_joins(queries.visible_joins(request.user), status=status)
    return [_staff_join(request, join) for join in rows.select_related("member")]


@staff_router.get("/joins/{join_id}", response=StaffJoinOut, summary="One join application")
def staff_join(request, join_id: int):
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    return _staff_join(request, queries.get_join_for(request.user, join_id))


add_step_operations(
    staff_router,
    JOIN_FLOW,
    path="/joins/{join_id}",
    fetch=lambda request, pk: queries.get_join_for(request.user, pk, write=True),
    response=StaffJoinOut,
    present=_staff_join,
    summaries={
        JoinStep.ACCEPT: "Accept an application: the worker becomes a member",
        JoinStep.REFUSE: "Refuse an application (note: the reason, for the applicant)",
    },
)


class StaffBindingOut(Schema):
    id: int
    status: Annotated[str, OneOf(Binding.Status)]
    name: str
    worker_id: int
    id_number: str
    account_phone: str
    recorded_phone: str
    created_at: datetime.datetime
    steps: list[str]
    events: list[EventOut]


def _staff_binding(request, binding: Binding) -> dict[str, Any]:
    return {
        "id": binding.pk,
        "status": binding.status,
        "name": binding.name,
        "worker_id": binding.worker_id,
        "id_number": binding.worker.id_number_masked,
        "account_phone": binding.member.phone_masked,
        "recorded_phone": binding.worker.phone_masked,
        "created_at": binding.created_at,
        "steps": BINDING_FLOW.steps_for(binding, request.user),
        "events": list(binding.events.select_related("by")),
    }


@staff_router.get("/bindings", response=list[StaffBindingOut], summary="Bindings to confirm")
@paginate(Pages, page_size=100)
def staff_bindings(request):
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    rows = queries.visible_bindings(request.user).filter(status=Binding.Status.PENDING)
    return [_staff_binding(request, binding) for binding in rows]


@staff_router.get("/bindings/{binding_id}", response=StaffBindingOut, summary="One binding")
def staff_binding(request, binding_id: int):
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    return _staff_binding(request, queries.get_binding_for(request.user, binding_id))


add_step_operations(
    staff_router,
    BINDING_FLOW,
    path="/bindings/{binding_id}",
    fetch=lambda request, pk: queries.get_binding_for(request.user, pk, write=True),
    response=StaffBindingOut,
    present=_staff_binding,
    summaries={
        BindingStep.CONFIRM: "Confirm that the account is the worker's",
        BindingStep.REFUSE: "Refuse the binding (note: the reason, for the member)",
    },
)


class StaffDataRequestOut(Schema):
    id: int
    status: Annotated[str, OneOf(DataRequest.Status)]
    kind: Annotated[str, OneOf(DataRequest.Kind)]
    text: str
    account_phone: str
    union: str
    due_on: datetime.date
    answer: str
    created_at: datetime.datetime
    steps: list[str]
    events: list[EventOut]


def _staff_data_request(request, item: DataRequest) -> dict[str, Any]:
    return {
        "id": item.pk,
        "status": item.status,
        "kind": item.kind,
        "text": item.text,
        "account_phone": item.member.phone_masked,
        "union": item.org.name,
        "due_on": item.due_on,
        "answer": item.answer,
        "created_at": item.created_at,
        "steps": DATA_FLOW.steps_for(item, request.user),
        "events": list(item.events.select_related("by")),
    }


@staff_router.get(
    "/data-requests", response=list[StaffDataRequestOut], summary="Personal data requests to answer"
)
@paginate(Pages, page_size=100)
def staff_data_requests(request):
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    rows = queries.visible_data_requests(request.user).filter(status=DataRequest.Status.OPEN)
    return [_staff_data_request(request, item) for item in rows]


@staff_router.get(
    "/data-requests/{data_request_id}", response=StaffDataRequestOut, summary="One data request"
)
def staff_data_request(request, data_request_id: int):
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    return _staff_data_request(request, queries.get_data_request_for(request.user, data_request_id))


add_step_operations(
    staff_router,
    DATA_FLOW,
    path="/data-requests/{data_request_id}",
    fetch=lambda request, pk: queries.get_data_request_for(request.user, pk, write=True),
    response=StaffDataRequestOut,
    present=_staff_data_request,
    summaries={
        DataStep.DONE: "Mark a request done (note: what was done; a closing closes the account)",
        DataStep.REFUSE: "Refuse a request (note: why)",
    },
)
