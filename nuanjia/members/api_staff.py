"""The staff API of the member portal under /api/v1/members/: the queues of online joins,
bindings and personal data requests, one operation per workflow step."""

import datetime
from typing import Annotated, Any

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import EventOut, OneOf
from nuanjia.core.workflow_api import add_queue_operations, add_step_operations
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.rules import Perm

from . import queries
from .models import Binding, DataRequest, Join, Partner
from .services import partners
from .workflow import BINDING_FLOW, DATA_FLOW, JOIN_FLOW, BindingStep, DataStep, JoinStep

staff_router = Router(tags=["members"])


def _guard(request) -> None:
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)


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


add_queue_operations(
    staff_router,
    BINDING_FLOW,
    path="/bindings/{binding_id}",
    rows=lambda request: queries.visible_bindings(request.user).filter(
        status=Binding.Status.PENDING
    ),
    fetch=lambda request, pk, write=False: queries.get_binding_for(request.user, pk, write=write),
    guard=_guard,
    response=StaffBindingOut,
    present=_staff_binding,
    titles=("Bindings to confirm", "One binding"),
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


add_queue_operations(
    staff_router,
    DATA_FLOW,
    path="/data-requests/{data_request_id}",
    rows=lambda request: queries.visible_data_requests(request.user).filter(
        status=DataRequest.Status.OPEN
    ),
    fetch=lambda request, pk, write=False: queries.get_data_request_for(
        request.user, pk, write=write
    ),
    guard=_guard,
    response=StaffDataRequestOut,
    present=_staff_data_request,
    titles=("Personal data requests to answer", "One data request"),
    summaries={
        DataStep.DONE: "Mark a request done (note: what was done; a closing closes the account)",
        DataStep.REFUSE: "Refuse a request (note: why)",
    },
)


# ---- Partners --------------------------------------------------------------------------------


class OutletOut(Schema):
    id: int
    name: str
    address: str
    is_active: bool


class PartnerPersonOut(Schema):
    id: int
    name: str
    phone: str
    is_active: bool


class PartnerOut(Schema):
    id: int
    name: str
    kind: Annotated[str, OneOf(Partner.Kind)]
    union: str
    is_active: bool
    outlets: list[OutletOut]
    people: list[PartnerPersonOut]


def _partner(partner: Partner) -> dict[str, Any]:
    return {
        "id": partner.pk,
        "name": partner.name,
        "kind": partner.kind,
        "union": partner.org.name,
        "is_active": partner.is_active,
        "outlets": list(partner.outlets.values("id", "name", "address", "is_active")),
        "people": [
            {"id": person.pk, "name": person.name, "phone": person.phone_masked,
             "is_active": person.is_active}
            for person in partner.users.all()
        ],
    }  # fmt: skip


class PartnerIn(Schema):
    name: str = Field(..., max_length=100)
    kind: Annotated[str, OneOf(Partner.Kind)]
    credit_code: str = Field("", max_length=18)


class OutletIn(Schema):
    name: str = Field(..., max_length=100)
    address: str = Field("", max_length=200)


class PartnerPersonIn(Schema):
    name: str = Field(..., max_length=50)
    phone: str = Field(..., max_length=20)


class ActiveIn(Schema):
    active: bool


@staff_router.get("/partners", response=list[PartnerOut], summary="Partners of my unions")
@paginate(Pages, page_size=100)
def staff_partners(request):
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    return [_partner(partner) for partner in queries.visible_partners(request.user)]


@staff_router.post("/partners", response={201: PartnerOut}, summary="Register a partner")
def staff_partner_register(request, payload: PartnerIn):
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    partner = partners.register_partner(org=request.user.org, by=request.user, **payload.dict())
    return Status(201, _partner(partner))


@staff_router.get("/partners/{partner_id}", response=PartnerOut, summary="One partner")
def staff_partner(request, partner_id: int):
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    return _partner(queries.get_partner_for(request.user, partner_id))


@staff_router.post(
    "/partners/{partner_id}/outlets", response={201: PartnerOut}, summary="Add an outlet"
)
def staff_partner_outlet(request, partner_id: int, payload: OutletIn):
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    partner = queries.get_partner_for(request.user, partner_id, write=True)
    partners.add_outlet(partner, by=request.user, **payload.dict())
    return Status(201, _partner(partner))


@staff_router.post(
    "/partners/{partner_id}/people",
    response={201: PartnerOut},
    summary="Add a person who signs in for the partner",
)
def staff_partner_person(request, partner_id: int, payload: PartnerPersonIn):
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    partner = queries.get_partner_for(request.user, partner_id, write=True)
    partners.add_partner_user(partner, by=request.user, **payload.dict())
    return Status(201, _partner(partner))


@staff_router.post(
    "/partner-people/{partner_user_id}/active",
    response=PartnerOut,
    summary="Stop or restart a partner's person (stopping signs them out everywhere)",
)
def staff_partner_person_active(request, partner_user_id: int, payload: ActiveIn):
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    person = queries.get_partner_user_for(request.user, partner_user_id, write=True)
    partners.set_partner_user_active(person, active=payload.active, by=request.user)
    return _partner(person.partner)
