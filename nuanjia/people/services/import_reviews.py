"""Deciding imported rows kept for review (导入待核对): an ID number registered under another
name. Accepting writes the row into the record through update_worker (its own audit event);
refusing leaves the record as it is. Either way the decision is audited."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.crypto import decrypt
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of

from .. import rules
from ..models import ImportReview
from .guards import _require
from .workers import update_worker


def _lock_pending(review: ImportReview, *, by: Actor) -> ImportReview:
    review = (
        ImportReview.objects.select_for_update(of=("self", "batch"))
        .select_related("worker__org", "batch")
        .get(pk=review.pk)
    )
    _require(by, rules.REGISTER_ROLES, review.worker.org)
    if review.status != ImportReview.Status.PENDING:
        raise RuleViolation(_("This row has already been decided."), code="decided")
    return review


def _row_values(review: ImportReview) -> dict[str, Any]:
    """The row as update_worker takes it: the union as an org, the bank number in clear."""
    values = dict(review.values)
    values["name"] = review.name
    union_id = values.pop("union_id", None)
    if union_id is not None:
        values["union"] = Org.objects.get(pk=union_id)
    if review.bank_account_encrypted:
        values["bank_account"] = decrypt(review.bank_account_encrypted)
    values.pop("phone_masked", None)
    if phone_token := values.pop("phone_encrypted", None):  # sealed in the review
        values["phone"] = decrypt(phone_token)
    return values


def _decide(review: ImportReview, status: str, *, by: Actor) -> None:
    review.status, review.decided_by, review.decided_at = status, staff_of(by), timezone.now()
    review.save(update_fields=["status", "decided_by", "decided_at"])
    record_event(
        review.worker,
        f"people.import_review.{status}",
        by=by,
        changes={"batch": review.batch_id, "row": review.row, "name_in_file": review.name},
    )


@transaction.atomic
def accept_import_review(review: ImportReview, *, by: Actor) -> ImportReview:
    """The row is right: the record takes its name and values (a `worker.updated` event)."""
    review = _lock_pending(review, by=by)
    update_worker(review.worker, by=by, **_row_values(review))
    _decide(review, ImportReview.Status.ACCEPTED, by=by)
    return review


@transaction.atomic
def refuse_import_review(review: ImportReview, *, by: Actor) -> ImportReview:
    """The row is wrong (someone else's ID, a typo): the record stays as it is."""
    review = _lock_pending(review, by=by)
    _decide(review, ImportReview.Status.REFUSED, by=by)
    return review
