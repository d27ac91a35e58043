"""API: hardship files in the caller's scope, their history, and each step as a POST action.

Refusals use the project's error shape: 403 for a role, 404 out of scope, 400 with a Chinese
message and the field at fault for a rule.
"""

import datetime
from typing import Annotated

from django.db.models import Q
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import WithJsonSchema

from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import EventOut, NoteIn
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.queries import get_scoped_or_404, scope
from nuanjia.orgs.rules import Perm
from nuanjia.people.models import Household

from . import queries, rules, services
from .models import HardshipFile
from .rules import Category, ExitReason, ReviewReason, Step

router = Router(tags=["hardship"])

# An optional date, described as one JSON type so clients (and the scoping walker) read the
# default straight from the schema.
OptionalDate = Annotated[
    datetime.date | None,
    WithJsonSchema({"type": ["string", "null"], "format": "date", "default": None}),
]


class FileOut(Schema):
    id: int
    number: str
    status: str
    status_label: str = Field(alias="get_status_display")
    category: str
    category_label: str = Field(alias="get_category_display")
    category_proposed: str
    org_id: int
    org_name: str = Field(alias="org.name")
    household_id: int
    worker_name: str = Field(alias="household.worker.name")
    worker_id_number: str = Field(alias="household.worker.id_number_masked")
    region_code: str
    household_size: int
    per_capita_income_fen: int | None
    dibao_fen: int | None
    monthly_standard_fen: int
    exclusions: list[dict]
    is_tiered_help: bool
    publicity_starts_on: datetime.date | None
    publicity_ends_on: datetime.date | None
    filed_on: datetime.date | None
    next_review_on: datetime.date | None
    review_reason: str
    is_spot_check: bool
    pending_change: dict | None
    exited_on: datetime.date | None
    exit_reason: str
    gradual_exit_months: int | None
    gradual_exit_monthly_fen: int | None
    gradual_exit_ends_on: datetime.date | None


class FileDetailOut(FileOut):
    steps: list[str]


class PublicityOut(Schema):
    """One line of the publicity list: never an ID number, phone or diagnosis."""

    name: str
    unit: str
    category: str
    monthly_standard_fen: int
    publicity_ends_on: datetime.date


class StandardOut(Schema):
    id: int
    region_code: str
    effective_on: datetime.date
    monthly_fen: int
    note: str


class OpenIn(Schema):
    household_id: int
    is_union_initiated: bool = False
    note: str = ""


class VisitIn(Schema):
    consent_signed_on: OptionalDate = None
    consent_evidence: str = ""
    visited_on: OptionalDate = None
    sudden_cause: str = ""
    sudden_compensation_fen: int = Field(0, ge=0)
    note: str = ""


class ReviewIn(Schema):
    civil_affairs_note: str = ""
    category: Category | None = None
    monthly_standard_fen: int | None = None
    note: str = ""


class PublishIn(Schema):
    starts_on: OptionalDate = None


class StartReviewIn(Schema):
    reason: ReviewReason = ReviewReason.ANNUAL
    note: str = ""


class CompleteReviewIn(Schema):
    category: Category | None = None
    monthly_standard_fen: int | None = None
    note: str = ""


class ExitIn(Schema):
    exit_reason: ExitReason = ExitReason.INCOME
    note: str = ""
    gradual_exit_months: int | None = None
    gradual_exit_monthly_fen: int | None = None


class ObjectionIn(Schema):
    content: str = ""
    source: str = ""
    received_on: OptionalDate = None


class ObjectionOut(Schema):
    id: int
    file_id: int
    received_on: datetime.date
    content: str
    status: str


class ResolveIn(Schema):
    is_upheld: bool = False
    resolution: str = ""


class ChangeIn(Schema):
    change: dict = Field(default_factory=dict)
    note: str = ""


def _with_labels(hardship_file: HardshipFile, user) -> HardshipFile:
    hardship_file.steps = rules.steps_for(hardship_file.status, user.roles)
    return hardship_file


@router.get(
    "/hardship/files", response=list[FileOut], summary="Hardship files in the caller's scope"
)
@paginate(Pages, page_size=50)
def list_files(
    request,
    status: rules.Status | None = None,
    category: Category | None = None,
    todo: str = "",
    q: str = "",
):
    files = queries.visible_files(request.user).order_by("-id")
    if status:
        files = files.filter(status=status)
    if category:
        files = files.filter(category=category)
    if todo in queries.todo_filters():
        files = files.filter(queries.todo_filters()[todo][0])
    if q:
        files = files.filter(
            Q(household__worker__name__icontains=q)
            | Q(household__worker__name_pinyin__startswith=q.lower())
        )
    return files


@router.post(
    "/hardship/files", response={201: FileDetailOut}, summary="Open a file for a household"
)
def open_file(request, payload: OpenIn):
    services.authorize_roles(request.user, rules.STEP_ROLES[Step.APPLY], Step.APPLY, request.path)
    household = get_scoped_or_404(
        scope(Household.objects.select_related("worker"), request.user),
        request.user,
        write=True,
        pk=payload.household_id,
    )
    hardship_file = services.open_file(
        household, by=request.user, is_union_initiated=payload.is_union_initiated, note=payload.note
    )
    return Status(
        201, _with_labels(queries.get_file_for(request.user, hardship_file.pk), request.user)
    )


@router.get(
    "/hardship/files/{file_id}",
    response=FileDetailOut,
    summary="One hardship file, with the steps the caller may take",
)
def get_file(request, file_id: int):
    return _with_labels(queries.get_file_for(request.user, file_id), request.user)


@router.get("/hardship/files/{file_id}/events", response=list[EventOut], summary="A file's history")
def file_events(request, file_id: int):
    hardship_file = queries.get_file_for(request.user, file_id)
    events = list(queries.file_history(hardship_file))
    for event in events:
        event.by_label = str(event.by) if event.by else ""
    return events


def _step(request, file_id: int, step: str, call) -> HardshipFile:
    hardship_file = queries.get_file_for(request.user, file_id, write=True)
    services.authorize_step(request.user, step, hardship_file, request.path)
    call(hardship_file)
    return _with_labels(queries.get_file_for(request.user, file_id), request.user)


@router.post(
    "/hardship/files/{file_id}/check",
    response=FileDetailOut,
    summary="Confirm the grassroots check",
)
def check(request, file_id: int, payload: NoteIn):
    return _step(
        request,
        file_id,
        Step.CHECK,
        lambda f: services.check_file(f, by=request.user, note=payload.note),
    )


@router.post(
    "/hardship/files/{file_id}/visit",
    response=FileDetailOut,
    summary="Record the home visit and assess the income",
)
def visit(request, file_id: int, payload: VisitIn):
    return _step(
        request,
        file_id,
        Step.VISIT,
        lambda f: services.record_visit(
            f,
            by=request.user,
            consent_signed_on=payload.consent_signed_on,
            consent_evidence=payload.consent_evidence,
            visited_on=payload.visited_on,
            sudden_cause=payload.sudden_cause,
            sudden_compensation_fen=payload.sudden_compensation_fen,
            note=payload.note,
        ),
    )


@router.post(
    "/hardship/files/{file_id}/review",
    response=FileDetailOut,
    summary="County review with the civil-affairs check",
)
def review(request, file_id: int, payload: ReviewIn):
    return _step(
        request,
        file_id,
        Step.REVIEW,
        lambda f: services.review_file(
            f,
            by=request.user,
            civil_affairs_note=payload.civil_affairs_note,
            category=payload.category,
            monthly_standard_fen=payload.monthly_standard_fen,
            note=payload.note,
        ),
    )


@router.post("/hardship/files/{file_id}/publish", response=FileDetailOut, summary="Start publicity")
def publish(request, file_id: int, payload: PublishIn):
    return _step(
        request,
        file_id,
        Step.PUBLISH,
        lambda f: services.start_publicity(f, by=request.user, starts_on=payload.starts_on),
    )


@router.post(
    "/hardship/files/{file_id}/approve", response=FileDetailOut, summary="Approve after publicity"
)
def approve(request, file_id: int, payload: NoteIn):
    return _step(
        request,
        file_id,
        Step.APPROVE,
        lambda f: services.approve_file(f, by=request.user, note=payload.note),
    )


@router.post(
    "/hardship/files/{file_id}/file", response=FileDetailOut, summary="File the approved family"
)
def file_family(request, file_id: int):
    return _step(
        request, file_id, Step.FILE, lambda f: services.complete_filing(f, by=request.user)
    )


@router.post(
    "/hardship/files/{file_id}/start-review", response=FileDetailOut, summary="Start a review"
)
def start_review(request, file_id: int, payload: StartReviewIn):
    return _step(
        request,
        file_id,
        Step.START_REVIEW,
        lambda f: services.start_review(
            f, by=request.user, reason=payload.reason, note=payload.note
        ),
    )


@router.post(
    "/hardship/files/{file_id}/complete-review",
    response=FileDetailOut,
    summary="Complete a review (applies a pending change)",
)
def complete_review(request, file_id: int, payload: CompleteReviewIn):
    return _step(
        request,
        file_id,
        Step.COMPLETE_REVIEW,
        lambda f: services.complete_review(
            f,
            by=request.user,
            category=payload.category,
            monthly_standard_fen=payload.monthly_standard_fen,
            note=payload.note,
        ),
    )


@router.post(
    "/hardship/files/{file_id}/exit",
    response=FileDetailOut,
    summary="Exit, optionally with a gradual exit",
)
def exit_file(request, file_id: int, payload: ExitIn):
    return _step(
        request,
        file_id,
        Step.EXIT,
        lambda f: services.exit_file(
            f,
            by=request.user,
            reason=payload.exit_reason,
            note=payload.note,
            gradual_exit_months=payload.gradual_exit_months,
            gradual_exit_monthly_fen=payload.gradual_exit_monthly_fen,
        ),
    )


@router.post(
    "/hardship/files/{file_id}/end-gradual-exit",
    response=FileDetailOut,
    summary="End a gradual exit",
)
def end_gradual_exit(request, file_id: int, payload: NoteIn):
    return _step(
        request,
        file_id,
        Step.END_GRADUAL_EXIT,
        lambda f: services.end_gradual_exit(f, by=request.user, note=payload.note),
    )


@router.post(
    "/hardship/files/{file_id}/re-enter",
    response=FileDetailOut,
    summary="Re-enter an exited family",
)
def re_enter(request, file_id: int, payload: NoteIn):
    return _step(
        request,
        file_id,
        Step.RE_ENTER,
        lambda f: services.re_enter_file(f, by=request.user, note=payload.note),
    )


@router.post(
    "/hardship/files/{file_id}/send-back",
    response=FileDetailOut,
    summary="Send back for a new visit",
)
def send_back(request, file_id: int, payload: NoteIn):
    return _step(
        request,
        file_id,
        Step.SEND_BACK,
        lambda f: services.send_back_file(f, by=request.user, note=payload.note),
    )


@router.post(
    "/hardship/files/{file_id}/reject", response=FileDetailOut, summary="Reject an application"
)
def reject(request, file_id: int, payload: NoteIn):
    return _step(
        request,
        file_id,
        Step.REJECT,
        lambda f: services.reject_file(f, by=request.user, note=payload.note),
    )


@router.post(
    "/hardship/files/{file_id}/withdraw", response=FileDetailOut, summary="Withdraw an application"
)
def withdraw(request, file_id: int, payload: NoteIn):
    return _step(
        request,
        file_id,
        Step.WITHDRAW,
        lambda f: services.withdraw_file(f, by=request.user, note=payload.note),
    )


@router.post(
    "/hardship/files/{file_id}/objections",
    response={201: ObjectionOut},
    summary="Record a publicity objection",
)
def record_objection(request, file_id: int, payload: ObjectionIn):
    hardship_file = queries.get_file_for(request.user, file_id, write=True)
    services.authorize_roles(request.user, rules.OBJECTION_ROLES, "objection", request.path)
    objection = services.record_objection(
        hardship_file,
        by=request.user,
        content=payload.content,
        source=payload.source,
        received_on=payload.received_on,
    )
    return Status(201, objection)


@router.post(
    "/hardship/objections/{objection_id}/resolve",
    response=ObjectionOut,
    summary="Uphold or dismiss an objection",
)
def resolve_objection(request, objection_id: int, payload: ResolveIn):
    objection = queries.get_objection_for(request.user, objection_id, write=True)
    services.authorize_roles(
        request.user, rules.RESOLVE_OBJECTION_ROLES, "objection_resolved", request.path
    )
    return services.resolve_objection(
        objection, by=request.user, is_upheld=payload.is_upheld, resolution=payload.resolution
    )


@router.post(
    "/hardship/files/{file_id}/change",
    response=FileDetailOut,
    summary="Propose a change to a filed family (reviewed before it applies)",
)
def propose_change(request, file_id: int, payload: ChangeIn):
    hardship_file = queries.get_file_for(request.user, file_id, write=True)
    services.authorize_roles(request.user, rules.PROPOSE_CHANGE_ROLES, "change", request.path)
    services.propose_change(hardship_file, payload.change, by=request.user, note=payload.note)
    return _with_labels(queries.get_file_for(request.user, file_id), request.user)


@router.get(
    "/hardship/publicity", response=list[PublicityOut], summary="The publicity list (masked)"
)
def publicity(request):
    return queries.publicity_rows(request.user)


@router.get(
    "/hardship/standards",
    response=list[StandardOut],
    summary="Dibao standards that apply to the caller's regions",
)
def standards(request):
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    return list(
        queries.applicable_standards(request.user).order_by("region_code", "-effective_on")[:500]
    )
