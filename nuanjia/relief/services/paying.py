"""Paying grants: one grant confirmed or failed, payment batches of grants, the monthly gradual-exit run."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core import clock
from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.core.money import format_yuan
from nuanjia.funds import services as funds
from nuanjia.funds.models import Earmark
from nuanjia.hardship.models import HardshipFile
from nuanjia.hardship.rules import Status as FileStatus
from nuanjia.orgs.models import Org

from .. import batches, rules
from ..batches import finish_if_settled, lock_batch
from ..models import (
    GRADUAL_EXIT_TYPE,
    Grant,
    GrantEvent,
    GrantType,
    PaymentBatch,
    PaymentLine,
)
from ..rules import SOURCE_TYPE, Status, Step
from ..signals import grants_paid
from ..workflow import FLOW
from .assessment import _reason, _text
from .steps import _post, _release, _reserve

# ---- Paying one grant ---------------------------------------------------------------------


def _line_of_sent_batch(grant: Grant) -> tuple[PaymentBatch, PaymentLine]:
    """The grant's batch (locked), which must have been sent to the bank, and its line."""
    # The steps that call this start from BATCHED: the grant is in a batch.
    assert grant.batch is not None
    batch = lock_batch(grant.batch)
    if batch.status != PaymentBatch.Status.EXPORTED:
        raise RuleViolation(
            _("The batch has not been sent to the bank; export its bank file first."),
            code="batch_not_exported",
        )
    return batch, PaymentLine.objects.get(
        batch=batch, source_type=SOURCE_TYPE, source_id=grant.source_id
    )


@FLOW.handler(Step.PAY)
@transaction.atomic
def confirm_payment(grant: Grant, *, by: Actor, reason: str = "", note: str = "") -> Grant:
    """The bank paid one grant: spend its reservation and mark it paid, exactly once.

    Idempotent: a grant already paid is returned unchanged, however often this is called
    or clicked, and from however many requests at once — the grant's row lock serialises
    them, and the ledger's one-spend-per-source constraint would refuse a second payment
    even if it did not. The batch must have been sent to the bank.
    """
    grant = FLOW.lock(grant)
    if grant.status == Status.PAID:
        return grant
    reason = (reason or note or "").strip()
    with FLOW.moving(grant, Step.PAY, by=by, note=reason) as move:
        grant = move.obj
        batch, line = _line_of_sent_batch(grant)
        _post(funds.spend, grant, by=by, memo=line.reference)
        now = timezone.now()
        PaymentLine.objects.filter(pk=line.pk).update(
            result=PaymentLine.Result.PAID, result_reason=reason[:200], settled_at=now
        )
        PaymentBatch.objects.filter(pk=batch.pk).update(
            paid_count=F("paid_count") + 1, paid_fen=F("paid_fen") + grant.amount_fen
        )
        grant.paid_on = clock.today()
        move.changes["reference"] = line.reference
    grants_paid.send(Grant, grant_ids=[grant.pk], paid_on=grant.paid_on, by=by)
    finish_if_settled(batch)
    return grant


@FLOW.handler(Step.FAIL)
@transaction.atomic
def record_failure(grant: Grant, *, by: Actor, reason: str = "", note: str = "") -> Grant:
    """The bank could not pay one grant: release its reservation and mark it failed."""
    reason = _reason(Step.FAIL, reason or note)
    with FLOW.moving(grant, Step.FAIL, by=by, note=reason) as move:
        grant = move.obj
        batch, line = _line_of_sent_batch(grant)
        _release(grant, by=by, memo=line.reference)
        PaymentLine.objects.filter(pk=line.pk).update(
            result=PaymentLine.Result.FAILED, result_reason=reason[:200], settled_at=timezone.now()
        )
        PaymentBatch.objects.filter(pk=batch.pk).update(failed_count=F("failed_count") + 1)
        grant.failure_reason = reason[:200]
        move.changes["reference"] = line.reference
    finish_if_settled(batch)
    return grant


# ---- Batches, the bank file, the bank's results -----------------------------------------
# Batches pay any registered payable (core.payables; relief.batches and relief.bankfiles);
# grants are the kind "relief.grant" (relief.grant_payable). These keep the grant-shaped calls.


def build_batch(
    org: Org,
    earmark: Earmark,
    *,
    by: Actor,
    grant_ids: Iterable[int] | None = None,
    note: str = "",
) -> PaymentBatch:
    """Finance puts the approved grants of one paying union and earmark into a new batch
    (all that can go, or those of `grant_ids`), one line with its bank reference per grant.

    A grant is in at most one open batch: the grants are locked and must still be approved
    and batch-less, so two people building at once never share a grant.
    """
    _text(note, "note", "", required=False)
    return batches.build_batch(
        org,
        earmark,
        by=by,
        source_type=SOURCE_TYPE,
        source_ids=None if grant_ids is None else [str(pk) for pk in grant_ids],
        note=note,
    )


@transaction.atomic
def remove_from_batch(batch: PaymentBatch, grant: Grant, *, by: Actor, note: str = "") -> Grant:
    """Take a grant out of a draft batch; it goes back to approved, its money still reserved."""
    batches.remove_from_batch(batch, grant.source_id, by=by, note=note)
    grant.refresh_from_db()
    return grant


# ---- Gradual-exit payments ----------------------------------------------------------------


def _paying_union(org: Org) -> Org:
    """The union that pays a family's phase-out: the file's own, or the nearest county (or
    higher) federation above a grassroots union, which holds the money."""
    if not org.is_grassroots:
        return org
    above = (
        Org.objects.filter(code__in=org.ancestor_codes(), kind__in=sorted(Org.ADMINISTRATIVE_KINDS))
        .order_by("-depth")
        .first()
    )
    return above or org


@dataclass
class GradualExitRun:
    created: int = 0
    approved: int = 0
    waiting_for_funds: int = 0
    files: int = 0


def run_gradual_exit_payments(*, on: datetime.date | None = None) -> GradualExitRun:
    """The monthly run: one 渐退期救助 grant per family in its phase-out, per month of it.

    The amount is the file's monthly phase-out amount, already held to ≤ 60% of the
    pre-exit standard when the exit was decided (by a person other than whoever started
    the review), so the grant is approved by the run and its money reserved at once; if
    the paying union's account cannot cover it, it waits as proposed for a person to approve
    once money arrives. Idempotent per (file, phase-out, month) by a unique constraint: a
    second run, or two at once, creates nothing more; once the period has ended, nothing.
    Each family is its own transaction, so one family's trouble never stops the others.
    """
    on = on or clock.today()
    outcome = GradualExitRun()
    grant_type = GrantType.objects.filter(code=GRADUAL_EXIT_TYPE).first()
    earmark = grant_type.default_earmark if grant_type is not None else None
    if grant_type is None or earmark is None:
        return outcome
    files = (
        HardshipFile.objects.filter(
            status=FileStatus.GRADUAL_EXIT,
            exited_on__lte=on,
            gradual_exit_ends_on__gte=on,
            gradual_exit_months__gte=1,
            gradual_exit_monthly_fen__gt=0,
        )
        .select_related("org", "household__worker")
        .order_by("pk")
    )
    for hardship_file in files.iterator(chunk_size=500):
        outcome.files += 1
        exited_on, months = hardship_file.exited_on, hardship_file.gradual_exit_months
        assert exited_on is not None and months is not None  # the filter above asks for both
        due = rules.phase_out_months_due(exited_on, months, on)
        done = set(
            Grant.objects.filter(
                hardship_file=hardship_file,
                phase_out_started_on=hardship_file.exited_on,
                phase_out_month__isnull=False,
            ).values_list("phase_out_month", flat=True)
        )
        for month in due:
            if month.number in done:
                continue
            try:
                grant = _create_phase_out_grant(hardship_file, grant_type, earmark, month, on)
            except IntegrityError:
                continue  # another run made it a moment ago
            outcome.created += 1
            if grant.status == Status.APPROVED:
                outcome.approved += 1
            else:
                outcome.waiting_for_funds += 1
    return outcome


@transaction.atomic
def _create_phase_out_grant(
    hardship_file: HardshipFile,
    grant_type: GrantType,
    earmark: Earmark,
    month: rules.PhaseOutMonth,
    on: datetime.date,
) -> Grant:
    monthly_fen = hardship_file.gradual_exit_monthly_fen
    assert monthly_fen is not None  # the run picks files in their phase-out, with an amount
    worker = hardship_file.household.worker
    org = _paying_union(hardship_file.org)
    reason = _(
        "Gradual exit, month %(number)d of %(months)d (%(start)s – %(end)s), at %(amount)s "
        "yuan a month."
    ) % {
        "number": month.number,
        "months": hardship_file.gradual_exit_months,
        "start": f"{month.starts_on:%Y-%m-%d}",
        "end": f"{month.ends_on:%Y-%m-%d}",
        "amount": format_yuan(hardship_file.gradual_exit_monthly_fen),
    }
    with transaction.atomic():
        grant = Grant.objects.create(
            worker=worker,
            household=hardship_file.household,
            hardship_file=hardship_file,
            grant_type=grant_type,
            earmark=earmark,
            org=org,
            category=hardship_file.category,
            region_code=hardship_file.region_code,
            amount_fen=monthly_fen,
            reason=reason,
            status=Status.PROPOSED,
            year=on.year,
            proposed_on=on,
            cap_check=[
                {
                    "text": _(
                        "Amount set by the gradual exit decided on %(date)s (at most the "
                        "policy's share of the pre-exit standard)."
                    )
                    % {"date": f"{hardship_file.exited_on:%Y-%m-%d}"},
                    "ok": True,
                }
            ],
            phase_out_started_on=hardship_file.exited_on,
            phase_out_month=month.number,
        )
    FLOW.record(
        grant,
        Step.PROPOSE.value,
        "",
        by=None,
        note=reason,
        changes={"file": hardship_file.pk, "month": month.number},
    )
    try:
        with transaction.atomic():
            _reserve(grant, by=None)
            source = grant.status
            grant.status = Status.APPROVED
            grant.approved_on = on
            grant.save()
            FLOW.record(
                grant,
                Step.APPROVE.value,
                source,
                by=None,
                note=_("Approved by the monthly gradual-exit run."),
                changes={"reserved_fen": grant.amount_fen},
            )
    except RuleViolation as refusal:
        GrantEvent.objects.filter(grant=grant).update(note=f"{reason} {refusal.message}")
    return grant
