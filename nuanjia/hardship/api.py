"""API: hardship files in the caller's scope, their history, and each step as a POST action.

Refusals use the project's error shape: 403 for a role, 404 out of scope, 400 with a Chinese
message and the field at fault for a rule.
"""

import datetime
from typing import Annotated, Literal

from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from nuanjia.core.lists import Seek
from nuanjia.core.schemas import EventOut, NoteIn, OneOf, OptionalDate
from nuanjia.core.workflow_api import ERROR_RESPONSES, add_step_operations
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.queries import get_scoped_or_404, scope
from nuanjia.orgs.rules import Perm
from nuanjia.people.models import Household

from . import queries, rules, services
from .models import HardshipFile
from .rules import AttachmentKind, Category, ExitReason, ReviewReason, Step
from .workflow import FLOW

router = Router(tags=["hardship"])


class FileOut(Schema):
    id: int
    number: str
    status: str
    status_label: str = Field(alias="get_status_display")
    category: str
    category_label: str
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
    # A change still waiting for review takes effect (the family is measured with it) or is
    # withdrawn; it is never dropped silently.
    pending_change: Literal["apply", "withdraw"] = "apply"


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
    hardship_file.steps = FLOW.steps_for(hardship_file, user)
    return hardship_file


@router.get(
    "/hardship/files", response=list[FileOut], summary="Hardship files in the caller's scope"
)
@paginate(Seek, spec=queries.FILE_LIST)
def list_files(
    request,
    status: Annotated[str, OneOf(rules.Status)] | None = None,
    category: Category | None = None,
    todo: str = "",
    q: str = "",
    tiered: bool = False,
):
    """The file list's filters, as on the page: `q` is a worker's name, pinyin or file number."""
    filters = {"status": status or "", "category": category or "", "todo": todo, "q": q}
    return queries.filtered_files(request.user, filters | {"tiered": tiered})


@router.post(
    "/hardship/files", response={201: FileDetailOut}, summary="Open a file for a household"
)
def open_file(request, payload: OpenIn):
    FLOW.authorize(request.user, Step.APPLY, where=request.path)
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
    return list(queries.file_history(hardship_file))  # StepEvent.by_label names the person


class ProposeExitIn(Schema):
    exit_reason: ExitReason = ExitReason.INCOME
    note: str = Field(..., min_length=1, max_length=2000, description="What the review found.")


def _fetch_for_step(request, file_id: int) -> HardshipFile:
    return queries.get_file_for(request.user, file_id, write=True)


def _present(request, hardship_file: HardshipFile) -> HardshipFile:
    return _with_labels(queries.get_file_for(request.user, hardship_file.pk), request.user)


def _exit_fields(request, body: dict) -> dict:
    """ExitIn names the reason `exit_reason`; the service calls it `reason`."""
    reason = body.pop("exit_reason")
    return {**body, "reason": reason}


@router.post(
    "/hardship/files/{file_id}/file",
    response={200: FileDetailOut, **ERROR_RESPONSES},
    summary="File the approved family",
)
def file_family(request, file_id: int):
    """Filing takes no body (as published); like every step, it runs FLOW.take_step."""
    hardship_file = _fetch_for_step(request, file_id)
    FLOW.take_step(hardship_file, Step.FILE, by=request.user, where=request.path)
    return _present(request, hardship_file)


# One POST per other step at today's paths, each through FLOW.take_step.
add_step_operations(
    router,
    FLOW,
    path="/hardship/files/{file_id}",
    fetch=_fetch_for_step,
    response=FileDetailOut,
    present=_present,
    summaries={
        Step.CHECK: "Confirm the grassroots check",
        Step.VISIT: "Record the home visit and assess the income",
        Step.REVIEW: "County review with the civil-affairs check",
        Step.PUBLISH: "Start publicity",
        Step.APPROVE: "Approve after publicity",
        Step.START_REVIEW: "Start a review",
        Step.COMPLETE_REVIEW: "Complete a review (applies a pending change)",
        Step.PROPOSE_EXIT: "Propose the exit of a family under review (the approver decides)",
        Step.EXIT: "Exit, optionally with a gradual exit; a pending change is applied or withdrawn",
        Step.END_GRADUAL_EXIT: "End a gradual exit",
        Step.RE_ENTER: "Re-enter an exited family",
        Step.REOPEN_REVIEW: "Keep the family filed: back to the review",
        Step.SEND_BACK: "Send back for a new visit",
        Step.REJECT: "Reject an application",
        Step.WITHDRAW: "Withdraw an application",
    },
    schemas={
        Step.CHECK: NoteIn,
        Step.VISIT: VisitIn,
        Step.REVIEW: ReviewIn,
        Step.PUBLISH: PublishIn,
        Step.APPROVE: NoteIn,
        Step.START_REVIEW: StartReviewIn,
        Step.COMPLETE_REVIEW: CompleteReviewIn,
        Step.PROPOSE_EXIT: ProposeExitIn,
        Step.EXIT: ExitIn,
        Step.END_GRADUAL_EXIT: NoteIn,
    },
    fields={Step.EXIT: _exit_fields},
    segments={
        Step.START_REVIEW: "start-review",
        Step.COMPLETE_REVIEW: "complete-review",
        Step.PROPOSE_EXIT: "propose-exit",
        Step.END_GRADUAL_EXIT: "end-gradual-exit",
        Step.RE_ENTER: "re-enter",
        Step.REOPEN_REVIEW: "reopen-review",
        Step.SEND_BACK: "send-back",
    },
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


# ---- Attachments (application form, income proof, visit record) ---------------------------


class FileAttachmentOut(Schema):
    id: int
    file_id: int = Field(alias="hardship_file_id")
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    name: str
    size: int
    added_by: str = Field(alias="added_by_label")
    added_at: datetime.datetime
    removed_at: datetime.datetime | None
    removed_by: str = Field(alias="removed_by_label")
    removal_reason: str


class RemoveAttachmentIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200, description="Why it is removed.")


NO_FILE = File(None)  # a missing file is answered in Chinese by the service, not by a 422
KIND_FORM = Form(
    "",
    description="one of: " + ", ".join(AttachmentKind.values),
)


@router.get(
    "/hardship/files/{file_id}/attachments",
    response=list[FileAttachmentOut],
    summary="A file's attachments (removed ones too, with who removed them and why)",
)
def list_attachments(request, file_id: int):
    return list(queries.file_attachments(queries.get_file_for(request.user, file_id)))


@router.post(
    "/hardship/files/{file_id}/attachments",
    response={201: FileAttachmentOut},
    summary="Attach a document to a file (multipart: kind and file; 5 MB, checked by content)",
)
def add_attachment(
    request, file_id: int, kind: str = KIND_FORM, file: UploadedFile | None = NO_FILE
):
    hardship_file = queries.get_file_for(request.user, file_id, write=True)
    services.authorize_roles(request.user, rules.ATTACHMENT_ROLES, "attachment_added", request.path)
    attachment = services.add_attachment(hardship_file, file, kind=kind, by=request.user)
    return Status(201, queries.get_attachment_for(request.user, attachment.pk))


@router.get(
    "/hardship/attachments/{file_attachment_id}",
    summary="Download an attachment (audited, never cached)",
    response={200: None},
)
def download_attachment(request, file_attachment_id: int):
    attachment = queries.get_attachment_for(request.user, file_attachment_id)
    return services.download_attachment(attachment, by=request.user)


@router.post(
    "/hardship/attachments/{file_attachment_id}/remove",
    response=FileAttachmentOut,
    summary="Remove an attachment with a reason (the row and the reason stay)",
)
def remove_attachment(request, file_attachment_id: int, payload: RemoveAttachmentIn):
    attachment = queries.get_attachment_for(request.user, file_attachment_id, write=True)
    services.authorize_roles(
        request.user, rules.ATTACHMENT_ROLES, "attachment_removed", request.path
    )
    services.remove_attachment(attachment, reason=payload.reason, by=request.user)
    return queries.get_attachment_for(request.user, attachment.pk)
