"""API: the worker registry (scoped list with search, get, register, update) and transfer requests.

No answer ever holds a clear ID or bank number: only their masked forms. Registering an ID
number kept elsewhere answers 409 with the existing record masked and its owning union.
"""

import datetime
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.core.errors import RuleViolation
from nuanjia.core.lists import Seek
from nuanjia.core.masking import mask_name
from nuanjia.core.schemas import ErrorOut, OneOf, OptionalDate
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.queries import visible_orgs
from nuanjia.orgs.rules import Perm

from . import eligibility, queries, rules, services
from .models import Honour, HonourKind, HonourLevel, Household, TransferRequest, Worker

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


class HouseholdOut(Schema):
    """One household (家庭) as the list shows it: the worker's name masked, no member data."""

    id: int
    org: OrgRef
    worker_id: int
    worker_name: str
    region_code: str
    on_dibao: bool
    created_at: datetime.datetime

    @staticmethod
    def resolve_worker_name(household: Household) -> str:
        return mask_name(household.worker.name)


@router.get(
    "/households/", response=list[HouseholdOut], summary="Households in the caller's subtree"
)
@paginate(Seek, spec=queries.HOUSEHOLD_LIST)
def list_households(request, region_code: str = ""):
    """Households newest first; `region_code` keeps one region's. Follow `next` / `previous`."""
    _business(request)
    households = queries.visible_households(request.user)
    if region_code:
        households = households.filter(region_code=region_code[:6])
    return households


@router.get(
    "/workers/", response=list[WorkerOut], summary="Workers in the caller's subtree, with search"
)
@paginate(Seek, spec=queries.WORKER_LIST)
def list_workers(request, q: str = ""):
    """`q` searches the name (contains), full pinyin or initials (prefix), a whole phone number,
    or the last 4 characters of the phone or ID number. Sorts `pinyin` (default) and `newest`;
    follow `next` / `previous` for the pages (`page` only for the first 5,000 rows)."""
    _business(request)
    return (
        queries.search_workers(request.user, q[:50])
        .select_related("employer")
        .prefetch_related("occupations")
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
@paginate(Seek, spec=queries.TRANSFER_LIST)
def list_transfers(request, status: Annotated[str, OneOf(TransferRequest.Status)] | None = None):
    """Sorts `newest` (default) and `oldest`; follow `next` / `previous` for the pages."""
    _business(request)
    transfers = queries.visible_transfers(request.user).select_related("worker__org")
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


# ---- Honours ----------------------------------------------------------------------------------


class HonourOut(Schema):
    id: int
    worker_id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    level: str
    level_label: str = Field(alias="get_level_display")
    year: int
    issuer: str
    note: str
    created_at: datetime.datetime


class HonourIn(Schema):
    kind: Annotated[str, OneOf(HonourKind)]
    level: Annotated[str, OneOf(HonourLevel)]
    year: int = Field(description="The year awarded, from 1950 to this year.")
    issuer: str = Field(min_length=1, max_length=100)
    note: str = Field(default="", max_length=200)


@router.get("/workers/{worker_id}/honours", response=list[HonourOut], summary="A worker's honours")
def list_honours(request, worker_id: int):
    _business(request)
    return list(queries.get_worker_for(request.user, worker_id).honours.all())


@router.post(
    "/workers/{worker_id}/honours",
    response={201: HonourOut},
    summary="Record an honour of a worker",
)
def create_honour(request, worker_id: int, payload: HonourIn):
    _business(request)
    worker = queries.get_worker_for(request.user, worker_id, write=True)
    services.authorize(request.user, rules.REGISTER_ROLES, "honour.add", request.path, worker.org)
    return Status(201, services.add_honour(worker, by=request.user, **payload.dict()))


@router.post("/honours/{honour_id}/remove", response={204: None}, summary="Remove an honour")
def remove_honour(request, honour_id: int):
    _business(request)
    honour: Honour = queries.get_honour_for(request.user, honour_id, write=True)
    services.authorize(
        request.user, rules.REGISTER_ROLES, "honour.remove", request.path, honour.worker.org
    )
    services.remove_honour(honour, by=request.user)
    return Status(204, None)


# ---- Eligibility rules ------------------------------------------------------------------------


class EligibilityOpOut(Schema):
    op: str
    label: str


class EligibilityChoiceOut(Schema):
    value: str
    label: str


class EligibilityFactOut(Schema):
    key: str
    label: str
    app: str
    kind: str = Field(description="choice, int, date, org, region, credit_code or bool")
    ops: list[EligibilityOpOut]
    choices: list[EligibilityChoiceOut] | None
    minimum: int | None
    maximum: int | None
    unit: str
    help_text: str


class EligibilityRuleIn(Schema):
    rule: dict[str, Any] = Field(
        description='{"all"|"any": [rule…]}, {"not": rule}, {"fact", "op", "value"} or {} '
        "(everyone); at most 5 levels and 50 conditions."
    )


class EligibilityRuleOut(Schema):
    rule: dict[str, Any] = Field(description="The rule in its canonical form.")
    description: str
    hash: str = Field(description="sha256 of the canonical JSON.")
    facts: list[str]


def _fact_out(fact: eligibility.Fact) -> dict[str, Any]:
    return {
        "key": fact.key,
        "label": str(fact.label),
        "app": fact.app,
        "kind": str(fact.kind),
        "ops": [{"op": str(op), "label": str(eligibility.OP_LABELS[op])} for op in fact.ops],
        "choices": None
        if fact.choices is None
        else [{"value": value, "label": label} for value, label in fact.choice_labels().items()],
        "minimum": fact.minimum,
        "maximum": fact.maximum,
        "unit": str(fact.unit),
        "help_text": str(fact.help_text),
    }


@router.get(
    "/eligibility/facts",
    response=list[EligibilityFactOut],
    summary="The facts an eligibility rule may test, with their operators and values",
)
def eligibility_facts(request):
    _business(request)
    return [_fact_out(fact) for fact in eligibility.catalogue()]


@router.post(
    "/eligibility/check",
    response=EligibilityRuleOut,
    summary="Check an eligibility rule: its canonical form, description and hash",
)
def eligibility_check(request, payload: EligibilityRuleIn):
    """A rule that cannot be used answers 400 naming the condition at fault."""
    _business(request)
    rule = eligibility.parse_rule(payload.rule)
    return {
        "rule": eligibility.rule_data(rule),
        "description": eligibility.describe_rule(rule),
        "hash": eligibility.rule_hash(rule),
        "facts": sorted(eligibility.facts_in(rule)),
    }
