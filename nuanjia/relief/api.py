"""API: grants in the caller's scope (list, detail, history, propose, each step as a POST),
payment batches (list, detail, build, bank file, the bank's results) and a worker's history.

Refusals use the project's error shape: 403 for a role, 404 out of scope, 400 with a Chinese
message and the field at fault for a rule (an import's errors list row and column).
"""

import datetime
import io
import tempfile
from typing import Literal

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from nuanjia.core import payables
from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import SheetSource
from nuanjia.core.lists import Seek
from nuanjia.core.schemas import EventOut
from nuanjia.core.workflow_api import add_step_operations
from nuanjia.funds.models import Earmark
from nuanjia.orgs.queries import get_org_by_code_for, get_org_for
from nuanjia.people.queries import get_worker_for

from . import batches, queries, services
from .models import Grant, GrantType, PaymentBatch
from .rules import SOURCE_TYPE, Step
from .rules import Status as GrantStatusChoices
from .workflow import FLOW, page_steps

router = Router(tags=["relief"])
# Literal, not the models' TextChoices: enums named "Status" would collide with other apps'
# in the OpenAPI document.
GrantStatus = Literal[tuple(GrantStatusChoices.values)]  # type: ignore[valid-type]
BatchStatus = Literal[tuple(PaymentBatch.Status.values)]  # type: ignore[valid-type]
OPTIONAL_FILE = File(None)  # an upload parameter that may be missing


class GrantOut(Schema):
    id: int
    number: str
    status: str
    status_label: str = Field(alias="get_status_display")
    worker_id: int
    worker_name: str = Field(alias="worker.name")
    household_id: int | None
    hardship_file_id: int | None
    grant_type: str = Field(alias="grant_type.code")
    grant_type_name: str = Field(alias="grant_type.name")
    earmark: str = Field(alias="earmark.code")
    org_id: int
    org_name: str = Field(alias="org.name")
    category: str
    school_stage: str
    amount_fen: int
    reason: str
    year: int
    proposed_on: datetime.date
    approved_on: datetime.date | None
    paid_on: datetime.date | None
    needs_higher_approval: bool
    cap_check: list[dict]
    warnings: list[str]
    batch_id: int | None
    failure_reason: str
    phase_out_month: int | None


class GrantDetailOut(GrantOut):
    steps: list[str]


class HistoryOut(Schema):
    """A grant of a worker's province-wide history; amount and id only within the caller's
    subtree."""

    org_name: str
    grant_type: str
    proposed_on: datetime.date
    status: str
    amount_fen: int | None
    grant_id: int | None


class ProposeIn(Schema):
    worker_id: int
    grant_type: str = Field(description="code of the grant type, e.g. warmth")
    amount_fen: int = Field(gt=0)
    reason: str
    org_id: int | None = None
    earmark: str | None = None
    school_stage: str = ""


class AssessOut(Schema):
    lines: list[dict]
    is_ok: bool
    needs_higher_approval: bool
    warnings: list[str]


class BatchOut(Schema):
    id: int
    number: str
    status: str
    org_id: int
    org_name: str = Field(alias="org.name")
    earmark: str = Field(alias="earmark.code")
    line_count: int
    total_fen: int
    paid_count: int
    paid_fen: int
    failed_count: int
    export_count: int
    created_at: datetime.datetime
    exported_at: datetime.datetime | None
    settled_at: datetime.datetime | None


class BuildIn(Schema):
    org_id: int
    earmark: str
    grant_ids: list[int] | None = None
    note: str = ""
    source_type: str = Field(
        SOURCE_TYPE, description="what to pay: a registered payable kind (relief.grant, …)"
    )
    source_ids: list[str] | None = Field(
        None, description="those of the kind to pay (all that can go when absent)"
    )


class ExportIn(Schema):
    reason: str
    format: str = "xlsx"


class ResultsOut(Schema):
    committed: bool
    total: int
    settled: int
    unchanged: int
    errors: list[dict]


# ---- Grants -------------------------------------------------------------------------------


def _detail(grant: Grant, user) -> Grant:
    grant.steps = page_steps(grant, user)
    return grant


def _present(request, grant: Grant) -> Grant:
    return _detail(queries.get_grant_for(request.user, grant.pk), request.user)


class GrantQuery(Schema):
    """The grant list's filters, the same as the page's and its Excel export's."""

    status: GrantStatus | None = None
    queue: str = Field("", description="a role's queue, e.g. to_review, to_approve, to_batch")
    worker: str = Field(
        "",
        description="the worker search: name, pinyin or initials, a whole phone number, "
        "a whole ID number, or the last 4 of the phone or ID number",
    )
    q: str = Field("", description="the same as worker (kept for older callers)")
    grant_type: str = Field("", description="code of the grant type, e.g. warmth")
    org: str = Field(
        "", description="code of a union within the caller's scope: its and its subtree's grants"
    )
    proposed_from: datetime.date | None = Field(None, description="proposed on or after this day")
    proposed_to: datetime.date | None = Field(None, description="proposed on or before this day")


@router.get("/grants", response=list[GrantOut], summary="Grants in the caller's scope")
@paginate(Seek, spec=queries.GRANT_LIST)
def list_grants(request, filters: Query[GrantQuery]):
    union = get_org_by_code_for(request.user, filters.org) if filters.org else None
    return queries.filtered_grants(
        request.user,
        queries.GrantFilters(
            queue=filters.queue,
            status=filters.status or "",
            worker=filters.worker or filters.q,
            grant_type=filters.grant_type,
            org=union,
            proposed_from=filters.proposed_from,
            proposed_to=filters.proposed_to,
        ),
    )


@router.post(
    "/grants/assess",
    response=AssessOut,
    summary="Check an amount against the caps and warn of grants already made",
)
def assess_grant(request, payload: ProposeIn):
    FLOW.authorize(request.user, Step.PROPOSE, None, request.path)
    worker = get_worker_for(request.user, payload.worker_id)
    grant_type = get_object_or_404(GrantType, code=payload.grant_type, is_active=True)
    result = services.assess(
        worker,
        grant_type,
        payload.amount_fen,
        school_stage=payload.school_stage,
        viewer=request.user,
    )
    return {
        "lines": result.check.as_json(),
        "is_ok": result.check.is_ok,
        "needs_higher_approval": result.check.needs_higher_approval,
        "warnings": result.warnings,
    }


@router.post("/grants", response={201: GrantDetailOut}, summary="Propose a grant to a worker")
def propose(request, payload: ProposeIn):
    FLOW.authorize(request.user, Step.PROPOSE, None, request.path)
    worker = get_worker_for(request.user, payload.worker_id, write=True)
    grant_type = GrantType.objects.filter(code=payload.grant_type).first()
    if grant_type is None:
        raise RuleViolation(_("Unknown grant type."), field="grant_type")
    earmark = None
    if payload.earmark:
        earmark = Earmark.objects.filter(code=payload.earmark).first()
        if earmark is None:
            raise RuleViolation(_("Unknown earmark."), field="earmark")
    org = get_org_for(request.user, payload.org_id, write=True) if payload.org_id else None
    grant = services.propose_grant(
        worker,
        grant_type=grant_type,
        amount_fen=payload.amount_fen,
        reason=payload.reason,
        by=request.user,
        org=org,
        earmark=earmark,
        school_stage=payload.school_stage,
    )
    return Status(201, _detail(queries.get_grant_for(request.user, grant.pk), request.user))


@router.get("/grants/{grant_id}", response=GrantDetailOut, summary="One grant")
def get_grant(request, grant_id: int):
    return _detail(queries.get_grant_for(request.user, grant_id), request.user)


@router.get("/grants/{grant_id}/events", response=list[EventOut], summary="A grant's history")
def grant_events(request, grant_id: int):
    grant = queries.get_grant_for(request.user, grant_id)
    return list(queries.grant_history(grant))


add_step_operations(
    router,
    FLOW,
    path="/grants/{grant_id}",
    fetch=lambda request, pk: queries.get_grant_for(request.user, pk, write=True),
    response=GrantDetailOut,
    present=_present,
    summaries={
        Step.REVIEW: "Review a proposed grant",
        Step.APPROVE: "Approve a reviewed grant and reserve its money",
        Step.APPROVE_ADVANCE: (
            "Approve an advance relief grant (先行救助) at once, one approver of a county or "
            "city union, and reserve its money"
        ),
        Step.REJECT: "Reject a grant (note: the reason)",
        Step.CANCEL: "Cancel a grant; an approved one's money is released (note: the reason)",
        Step.RETRY: "Send a failed payment back to approved for the next batch",
        Step.RETURN: "Record a paid grant's money as returned (note: the reason)",
        Step.PAY: "Record one grant of a sent batch as paid (idempotent)",
        Step.FAIL: "Record one grant of a sent batch as failed (note: the bank's reason)",
    },
)


@router.get(
    "/workers/{worker_id}/grants",
    response=list[HistoryOut],
    summary="A worker's grants across the province",
)
def worker_history(request, worker_id: int):
    worker = get_worker_for(request.user, worker_id)
    org = request.user.org
    rows = []
    for grant in queries.worker_history(worker)[:500]:
        visible = grant.org.is_within(org)
        rows.append(
            {
                "org_name": grant.org.name,
                "grant_type": grant.grant_type.name,
                "proposed_on": grant.proposed_on,
                "status": grant.status,
                "amount_fen": grant.amount_fen if visible else None,
                "grant_id": grant.pk if visible else None,
            }
        )
    return rows


# ---- Batches ------------------------------------------------------------------------------


@router.get("/batches", response=list[BatchOut], summary="Payment batches in the caller's scope")
@paginate(Seek, spec=queries.BATCH_LIST)
def list_batches(request, status: BatchStatus | None = None):
    batches = queries.visible_batches(request.user)
    if status:
        batches = batches.filter(status=status)
    return batches


@router.post(
    "/batches",
    response={201: BatchOut},
    summary="Build a batch of approved grants (or of another payable kind: source_type)",
)
def build_batch(request, payload: BuildIn):
    FLOW.authorize(request.user, Step.BATCH, None, request.path)
    org = get_org_for(request.user, payload.org_id, write=True)
    earmark = Earmark.objects.filter(code=payload.earmark).first()
    if earmark is None:
        raise RuleViolation(_("Unknown earmark."), field="earmark")
    if payload.source_type == SOURCE_TYPE:
        grant_ids = payload.grant_ids
        if grant_ids is None and payload.source_ids is not None:
            grant_ids = [int(pk) for pk in payload.source_ids if pk.isdigit()]
        batch = services.build_batch(
            org, earmark, by=request.user, grant_ids=grant_ids, note=payload.note
        )
    else:
        if payload.source_type not in {kind.source_type for kind in payables.registered()}:
            raise RuleViolation(_("Choose something that can be paid."), field="source_type")
        batch = batches.build_batch(
            org,
            earmark,
            by=request.user,
            source_type=payload.source_type,
            source_ids=payload.source_ids,
            note=payload.note[:200],
        )
    return Status(201, queries.get_batch_for(request.user, batch.pk))


@router.get("/batches/{payment_batch_id}", response=BatchOut, summary="One payment batch")
def get_batch(request, payment_batch_id: int):
    return queries.get_batch_for(request.user, payment_batch_id)


@router.post(
    "/batches/{payment_batch_id}/bank-file",
    summary="The bank file with full account numbers (audited, needs a reason)",
)
def export_bank_file(request, payment_batch_id: int, payload: ExportIn):
    batch = queries.get_batch_for(request.user, payment_batch_id, write=True)
    services.authorize_bank_file(request.user, batch, request.path)
    output = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it
    try:
        services.export_bank_file(
            batch, output, by=request.user, reason=payload.reason, fmt=payload.format
        )
    except Exception:
        output.close()
        raise
    output.seek(0)
    return FileResponse(
        output, as_attachment=True, filename=f"{batch.number}-bank.{payload.format}"
    )


@router.post(
    "/batches/{payment_batch_id}/results",
    response={200: ResultsOut, 400: ResultsOut},
    summary="Import the bank's result file (all or nothing)",
)
def import_results(request, payment_batch_id: int, file: UploadedFile | None = OPTIONAL_FILE):
    # The file is optional in the signature so that scope (404) and role (403) are answered
    # before the upload is looked at.
    batch = queries.get_batch_for(request.user, payment_batch_id, write=True)
    FLOW.authorize(request.user, Step.PAY, None, request.path)
    if file is None:
        raise RuleViolation(_("Upload the bank's result file."), field="file")
    source = SheetSource(io.BytesIO(file.read()), name=file.name or "")
    result = services.import_bank_results(batch, source, by=request.user)
    errors = [{"row": None, "column": "", "message": text} for text in result.sheet_errors] + [
        {"row": error.row, "column": error.column, "message": str(error)} for error in result.errors
    ]
    body = {
        "committed": result.committed,
        "total": result.total,
        "settled": result.updated,
        "unchanged": result.unchanged,
        "errors": errors,
    }
    return Status(200 if result.committed else 400, body)
