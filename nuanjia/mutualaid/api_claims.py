"""Entering a claim through the API (/api/v1/mutualaid/enrolments/{id}/claims), the same
service as the page: one multipart request with the claim as JSON (field `claim`) and its
documents (fields `doc_<kind>`), as the page sends them together. The enrolment must be in
the caller's subtree; a bad value is answered in Chinese naming the field."""

import datetime
import json
from typing import Any

from django.utils.translation import gettext as _
from ninja import File, Form, Schema, Status
from ninja.errors import ValidationError
from ninja.files import UploadedFile
from pydantic import Field as PydanticField
from pydantic import ValidationError as PydanticError

from nuanjia.core.errors import RuleViolation
from nuanjia.core.schemas import ErrorOut

from . import queries, services
from .api import MutualAidClaimDetailOut, _detail, _guard, router
from .rules import DocKind


class MutualAidLineIn(Schema):
    asked_fen: int = PydanticField(ge=0)
    total_fen: int = PydanticField(0, ge=0)
    insurance_fen: int = PydanticField(0, ge=0)
    self_paid_fen: int = PydanticField(0, ge=0)
    eligible_fen: int = PydanticField(0, ge=0)
    invoice_code: str = PydanticField("", max_length=20)
    invoice_number: str = PydanticField("", max_length=20)
    check_code: str = PydanticField("", max_length=20)


class MutualAidClaimIn(Schema):
    illness: str = PydanticField(max_length=20)
    hospital: str = PydanticField(max_length=80)
    service_on: datetime.date
    episode: str = PydanticField("", max_length=60)
    diagnosis: str = PydanticField("", max_length=200)
    discharged_on: datetime.date | None = None
    consent: bool = False
    lines: list[MutualAidLineIn] = []
    bank_name: str = PydanticField("", max_length=60)
    account: str = PydanticField("", max_length=30)


NO_FILE = File(None)  # a missing document is answered by the service in Chinese


def _parse(raw: str) -> MutualAidClaimIn:
    try:
        json.loads(raw)
    except ValueError:
        raise RuleViolation(_("The claim must be JSON."), field="claim", code="invalid") from None
    try:
        return MutualAidClaimIn.model_validate_json(raw)
    except PydanticError as error:
        raise ValidationError(
            [{**problem, "loc": ("claim", *problem["loc"])} for problem in error.errors()]
        ) from None


@router.post(
    "/enrolments/{ma_enrolment_id}/claims",
    response={201: MutualAidClaimDetailOut, 400: ErrorOut, 404: ErrorOut},
    summary="Enter a claim for the enrolment's member (multipart: claim JSON, doc_<kind> files)",
)  # fmt: skip
def claim_create(
    request: Any,
    ma_enrolment_id: int,
    claim: str = Form(""),
    doc_diagnosis: UploadedFile | None = NO_FILE,
    doc_discharge: UploadedFile | None = NO_FILE,
    doc_bill: UploadedFile | None = NO_FILE,
    doc_invoice: UploadedFile | None = NO_FILE,
    doc_bank_card: UploadedFile | None = NO_FILE,
) -> Any:
    _guard(request)
    enrolment = queries.get_enrolment_for(request.user, ma_enrolment_id, write=True)
    if not claim:
        raise RuleViolation(_("Send the claim (JSON in the field claim)."), field="claim")
    payload = _parse(claim)
    files = {
        DocKind.DIAGNOSIS: doc_diagnosis, DocKind.DISCHARGE: doc_discharge, DocKind.BILL: doc_bill,
        DocKind.INVOICE: doc_invoice, DocKind.BANK_CARD: doc_bank_card,
    }  # fmt: skip
    data = services.ClaimData(
        **payload.model_dump(exclude={"lines"}),
        lines=[services.LineData(**line.model_dump()) for line in payload.lines],
        documents={kind.value: upload for kind, upload in files.items()},
    )
    made = services.submit_claim(enrolment.plan, enrolment.worker, data, by=request.user)
    return Status(201, _detail(request, made))
