"""API: the worker registry (scoped list with search, get, register, update) and transfer requests.

No answer ever holds a clear ID or bank number: only their masked forms. Registering an ID
number kept elsewhere answers 409 with the existing record masked and its owning union.
"""

import datetime
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.core.errors import RuleViolation
from nuanjia.core.masking import mask_name
from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import ErrorOut, OneOf, OptionalDate
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.queries import visible_orgs
from nuanjia.orgs.rules import Perm

from . import queries, rules, services
from .models import TransferRequest, Worker

router = Router(tags=["people"])


class OrgRef(Schema):
    id: int
    code: str
    name: str


class EmployerOut(Schema):
    name: str
    credit_code: str


class WorkerOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: datetime.date | None
    id_number_masked: str
    has_id_number: bool
    phone: str
    address: str
    region_code: str
    org: OrgRef
    employer: EmployerOut | None
    occupations: list[str]
    union_id: int | None
    joined_union_on: datetime.date | None
    member_card_number: str
    bank_name: str
    bank_account_masked: str
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_occupations(worker: Worker) -> list[str]:
        return [tag.name for tag in worker.occupations.all()]


class WorkerIn(Schema):
    """A new worker. Gender and birth date are read from the ID number when there is one."""

    name: str = Field(min_length=1, max_length=50)
    id_number: str = ""
    gender: Literal["", "male", "female"] = ""
    birth_date: OptionalDate = None
    phone: str = ""
    address: str = ""
    region_code: str = ""
    employer_name: str = ""
    employer_credit_code: str = ""
    occupations: list[str] = []
    union_id: int | None = None
    joined_union_on: OptionalDate = None
    member_card_number: str = ""
    bank_name: str = ""
    bank_account: str = ""


class WorkerPatch(Schema):
    """Fields to change; a field left out is kept. A blank ID or bank number is kept too."""

    name: str | None = None
    id_number: str | None = None
    gender: Literal["", "male", "female"] | None = None
    birth_date: OptionalDate = None
    phone: str | None = None
    address: str | None = None
    region_code: str | None = None
    employer_name: str | None = None
    employer_credit_code: str | None = None
    occupations: list[str] | None = None
    union_id: int | None = None
    joined_union_on: OptionalDate = None
    member_card_number: str | None = None
    bank_name: str | None = None
    bank_account: str | None = None


class ExistingOut(Schema):
    name: str
    id_number: str
    org: str
    is_in_your_area: bool


class DuplicateOut(ErrorOut):
    """The error shape, with the record kept elsewhere (masked) and where to ask for it."""

    existing: ExistingOut
    transfer_endpoint: str | None


class TransferOut(Schema):
    id: int
    worker_id: int | None  # only when the caller's subtree keeps the record
    worker_name: str  # masked
    worker_id_number: str  # masked
    from_org: OrgRef
    to_org: OrgRef
    reason: str
    status: str
    status_label: str = Field(alias="get_status_display")
    requested_at: datetime.datetime
    decided_at: datetime.datetime | None
    decision_note: str

    @staticmethod
    def resolve_worker_id(transfer: TransferRequest, context) -> int | None:
        return (
            transfer.worker_id
            if services.in_scope(context["request"].user, transfer.worker.org)
            else None
        )

    @staticmethod
    def resolve_worker_name(transfer: TransferRequest) -> str:
        return mask_name(transfer.worker.name)

    @staticmethod
    def resolve_worker_id_number(transfer: TransferRequest) -> str:
        return transfer.worker.id_number_masked


class TransferIn(Schema):
    id_number: str = Field(
        min_length=1,
        max_length=30,
        description="The worker's full ID number, as typed when registration was refused.",
    )
    reason: str = Field(min_length=1, max_length=200)


class DecisionIn(Schema):
    note: str = Field(default="", max_length=200)


def _business(request) -> None:
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)


def _values(request, payload: Schema, *, partial: bool) -> dict:
    values = payload.dict(exclude_unset=partial)
    if partial:
        values = {
            key: value for key, value in values.items() if value is not None or key == "union_id"
        }
    if "union_id" in values:
        union_id = values.pop("union_id")
        union = None
        if union_id is not None:
            union = (
                visible_orgs(request.user)
                .filter(pk=union_id, kind__in=Org.GRASSROOTS_KINDS)
                .first()
            )
            if union is None:
                raise RuleViolation(_("Choose a grassroots union of your area."), field="union_id")
        values["union"] = union
    for secret in ("id_number", "bank_account"):
        if not values.get(secret):
            values.pop(secret, None)
    return values


def _duplicate_body(error: "services.DuplicateWorker", transfer_endpoint: str | None) -> dict:
    """The project's error shape (nuanjia.api.error_body) with the masked existing record."""
    return {
        "code": error.code,
        "message": error.message,
        "field": error.field,
        "existing": error.summary.as_dict(),
        "transfer_endpoint": transfer_endpoint,
    }


def _loaded(pk: int) -> Worker:
    return (
        Worker.objects.select_related("org", "employer").prefetch_related("occupations").get(pk=pk)
    )


@router.get(
    "/workers/", response=list[WorkerOut], summary="Workers in the caller's subtree, with search"
)
@paginate(Pages, page_size=50)
def list_workers(request, q: str = ""):
    """`q` searches the name (contains), full pinyin or initials (prefix), a whole phone number,
    or the last 4 characters of the phone or ID number."""
    _business(request)
    return (
        queries.search_workers(request.user, q[:50])
        .select_related("employer")
        .prefetch_related("occupations")
        .order_by("name_pinyin", "pk")
    )


@router.get("/workers/{worker_id}", response=WorkerOut, summary="One worker")
def get_worker(request, worker_id: int):
    _business(request)
    return _loaded(queries.get_worker_for(request.user, worker_id).pk)


@router.post(
    "/workers/",
    response={201: WorkerOut, 409: DuplicateOut},
    summary="Register a worker in the caller's union",
)
def create_worker(request, payload: WorkerIn):
    """An ID number already kept anywhere in the province answers 409 with that record masked
    and its owning union; POST /people/transfers/ asks that union for it."""
    _business(request)
    services.authorize(request.user, rules.REGISTER_ROLES, "worker.register", request.path)
    try:
        worker = services.register_worker(
            org=request.user.org, by=request.user, **_values(request, payload, partial=False)
        )
    except services.DuplicateWorker as error:
        transfer = None if error.summary.is_in_your_area else "/api/v1/people/transfers/"
        return Status(409, _duplicate_body(error, transfer))
    return Status(201, _loaded(worker.pk))


@router.patch(
    "/workers/{worker_id}", response={200: WorkerOut, 409: DuplicateOut}, summary="Change a worker"
)
def update_worker(request, worker_id: int, payload: WorkerPatch):
    _business(request)
    worker = queries.get_worker_for(request.user, worker_id, write=True)
    services.authorize(
        request.user, rules.REGISTER_ROLES, "worker.update", request.path, worker.org
    )
    try:
        services.update_worker(worker, by=request.user, **_values(request, payload, partial=True))
    except services.DuplicateWorker as error:
        return Status(409, _duplicate_body(error, None))
    return _loaded(worker.pk)


@router.get(
    "/transfers/",
    response=list[TransferOut],
    summary="Transfers the caller's subtree gives or receives",
)
@paginate(Pages, page_size=50)
def list_transfers(request, status: Annotated[str, OneOf(TransferRequest.Status)] | None = None):
    _business(request)
    transfers = (
        queries.visible_transfers(request.user)
        .select_related("worker__org")
        .order_by("-requested_at", "-pk")
    )
    return transfers.filter(status=status) if status else transfers


@router.post(
    "/transfers/",
    response={201: TransferOut},
    summary="Ask the owning union to transfer a worker's record",
)
def create_transfer(request, payload: TransferIn):
    """The record is named by its full ID number, so only someone who has the number can ask."""
    _business(request)
    services.authorize(request.user, rules.REGISTER_ROLES, "transfer.request", request.path)
    parsed = services.parse_id_number(payload.id_number)  # a typing error is named as such
    worker = queries.find_worker_by_id_number(parsed.number)
    if worker is None:
        raise RuleViolation(
            _(
                "No record with this ID number is kept in the province; register the worker instead."
            ),
            field="id_number",
        )
    transfer = services.request_transfer(worker, by=request.user, reason=payload.reason)
    return Status(201, transfer)


@router.get("/transfers/{transfer_id}", response=TransferOut, summary="One transfer request")
def get_transfer(request, transfer_id: int):
    _business(request)
    return queries.get_transfer_for(request.user, transfer_id)


def _decide(request, transfer_id: int, payload: DecisionIn, decide) -> TransferRequest:
    _business(request)
    transfer = queries.get_transfer_for(request.user, transfer_id, write=True)
    services.authorize_decision(request.user, transfer, request.path)
    return decide(transfer, by=request.user, note=payload.note)


@router.post(
    "/transfers/{transfer_id}/accept",
    response=TransferOut,
    summary="Accept: the record moves to the requesting union",
)
def accept_transfer(request, transfer_id: int, payload: DecisionIn):
    return _decide(request, transfer_id, payload, services.accept_transfer)


@router.post(
    "/transfers/{transfer_id}/decline", response=TransferOut, summary="Decline: the record stays"
)
def decline_transfer(request, transfer_id: int, payload: DecisionIn):
    return _decide(request, transfer_id, payload, services.decline_transfer)
