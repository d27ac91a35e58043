"""Every write to grants, payment batches and the cap table.

Each step of the grant's workflow (relief.workflow.FLOW) is one function here, registered
as the step's handler: the engine locks the grant, checks the step's owner role, scope and
maker-checker, and writes the status, one GrantEvent and one audit event; the service posts
to the ledger when money moves (reserve on approval, release on failure or cancellation,
spend on payment — through funds.services, in the same transaction) and changes the grant.
Refusals raise RuleViolation (a rule) or PermissionDenied (a role or scope) and change nothing.

Payment batches pay any registered payable (core.payables, ADR 0009): relief.batches and
relief.bankfiles hold them, relief.grant_payable makes grants the first kind (set-based: one
GrantEvent per grant, the ledger through funds.settle_many, one audit event per operation).
The grant-shaped batch calls stay here for the pages, the API and the demo.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core import clock
from nuanjia.core.errors import RuleViolation
from nuanjia.core.masking import mask_name
from nuanjia.core.money import check_fen, format_yuan
from nuanjia.core.workflow import Move, access
from nuanjia.funds import services as funds
from nuanjia.funds.models import Earmark, Transaction
from nuanjia.hardship.models import HardshipFile
from nuanjia.hardship.rules import Status as FileStatus
from nuanjia.orgs.models import Org
from nuanjia.people.models import Worker
from nuanjia.standards.queries import dibao_fen_for

from . import batches, queries, rules
from .bankfiles import (  # noqa: F401 — the batch screens' names, kept here for callers
    BANK_FILE_HEADER,
    BANK_FORMATS,
    CORPORATE_FILE_HEADER,
    RESULT_SPEC,
    ResultImporter,
    authorize_bank_file,
    export_bank_file,
    import_bank_results,
)
from .batches import discard_batch, finish_if_settled, lock_batch  # noqa: F401
from .models import (
    GRADUAL_EXIT_TYPE,
    Grant,
    GrantEvent,
    GrantType,
    PaymentBatch,
    PaymentLine,
    SchoolStage,
)
from .rules import Status, Step
from .signals import grants_paid
from .workflow import FLOW, LATE_CANCEL, LATE_CANCEL_ROLES

SOURCE_TYPE = "relief.grant"  # how the ledger names a grant's postings
REASON_MAX = 500


# ---- Guards -------------------------------------------------------------------------------


def _text(value: str, field: str, message: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(message, field=field)
    if len(value) > REASON_MAX:
        raise RuleViolation(_("At most %(count)d characters.") % {"count": REASON_MAX}, field=field)
    return value


def _reason(step: str, reason: str) -> str:
    """A step's required reason, refused on the `reason` field when missing."""
    return _text(reason, "reason", FLOW.step(step).reason)


def _account(grant_or_batch) -> object:
    return funds.account_for(grant_or_batch.org, grant_or_batch.earmark)


# ---- Assessment: caps and the duplicate warning -------------------------------------------


@dataclass
class Assessment:
    """What the proposer is shown before (and when) proposing: the caps and the warnings."""

    check: rules.CapCheck
    warnings: list[str] = field(default_factory=list)
    category: str = ""
    region_code: str = ""


def assess(
    worker: Worker,
    grant_type: GrantType,
    amount_fen: int,
    *,
    school_stage: str = "",
    hardship_file: HardshipFile | None = None,
    on: datetime.date | None = None,
    exclude_id: int | None = None,
    viewer=None,
) -> Assessment:
    """Check an amount against the caps in force for the worker's region and category, and
    warn when the worker already has a grant of the type this year anywhere in the province.

    The warning names the union and the date; a union outside the viewer's subtree is named,
    the amount is not (the proposer needs to know that, not how much).
    """
    on = on or clock.today()
    household = getattr(worker, "household", None)
    hardship_file = hardship_file or queries.family_file(worker)
    category = hardship_file.category if hardship_file is not None else ""
    region_code = (
        (
            hardship_file.region_code
            if hardship_file is not None
            else (household.region_code if household is not None else "")
        )
        or worker.region_code
        or worker.org.region_code
    )
    caps = queries.caps_for(grant_type, region_code, category, school_stage, on)
    year_total = queries.year_total_fen(
        grant_type=grant_type,
        worker_id=worker.pk,
        household_id=household.pk if household is not None else None,
        year=on.year,
        year_scope=caps.year_scope,
        exclude_id=exclude_id,
    )
    dibao = dibao_fen_for(region_code, on) if caps.dibao_months is not None else None
    check = rules.check_caps(amount_fen, caps, year_total_fen=year_total, dibao_fen=dibao)
    warnings = []
    for other in queries.same_type_this_year(
        grant_type=grant_type, worker_id=worker.pk, year=on.year, exclude_id=exclude_id
    ):
        visible = viewer is not None and viewer.org is not None and other.org.is_within(viewer.org)
        warnings.append(
            _(
                "%(name)s already has a %(type)s grant this year: %(org)s, %(date)s, %(status)s"
                "%(amount)s."
            )
            % {
                "name": mask_name(worker.name),
                "type": grant_type.name,
                "org": other.org.name,
                "date": f"{other.proposed_on:%Y-%m-%d}",
                "status": other.get_status_display(),
                "amount": (
                    _(", %(amount)s yuan") % {"amount": format_yuan(other.amount_fen)}
                    if visible
                    else ""
                ),
            }
        )
    return Assessment(check=check, warnings=warnings, category=category, region_code=region_code)


def _refuse_caps(check: rules.CapCheck) -> None:
    if not check.is_ok:
        raise RuleViolation(
            _("The amount is above a limit: %(reasons)s") % {"reasons": " ".join(check.refusals)},
            field="amount",
            code="over_cap",
        )


# ---- Grant steps --------------------------------------------------------------------------


def _check_proposal(worker: Worker, grant_type: GrantType, earmark, org: Org, by):
    """The proposer's role and scope, the type and the earmark; returns the earmark."""
    if by is not None:
        FLOW.require(by, Step.PROPOSE, None)
        if not (access().in_scope(by, org) and access().in_scope(by, worker.org)):
            raise PermissionDenied
    if not grant_type.is_active:
        raise RuleViolation(
            _("The grant type %(type)s is no longer in use.") % {"type": grant_type},
            field="grant_type",
        )
    if grant_type.code == GRADUAL_EXIT_TYPE:
        raise RuleViolation(
            _("Gradual-exit grants are made by the monthly run, one per family and month."),
            field="grant_type",
        )
    earmark = earmark or grant_type.default_earmark
    if earmark is None:
        raise RuleViolation(_("Choose the earmark the grant is paid from."), field="earmark")
    if not earmark.is_active:
        raise RuleViolation(
            _("The earmark %(earmark)s is no longer in use.") % {"earmark": earmark},
            field="earmark",
        )
    if not grant_type.may_use(earmark):
        raise RuleViolation(
            _("A %(type)s grant cannot be paid from %(earmark)s.")
            % {"type": grant_type, "earmark": earmark},
            field="earmark",
        )
    return earmark


@transaction.atomic
def propose_grant(
    worker: Worker,
    *,
    grant_type: GrantType,
    amount_fen: int,
    reason: str,
    by,
    org: Org | None = None,
    earmark: Earmark | None = None,
    school_stage: str = "",
    hardship_file: HardshipFile | None = None,
) -> Grant:
    """A caseworker proposes a grant to a worker, paid by `org` (their own union by default)
    from `earmark` (the type's default earmark by default; one the type may use).

    Refused above any cap in force (per occasion, per year, months of 低保), with the
    explanation; a grant of the same type this year elsewhere in the province is a warning
    kept on the grant, not a refusal. The worker must be in the proposer's subtree.
    """
    org = org or getattr(by, "org", None)
    if org is None:
        raise RuleViolation(_("Choose the paying union."), field="org")
    earmark = _check_proposal(worker, grant_type, earmark, org, by)
    amount_fen = check_fen(amount_fen, label=str(_("Amount")))
    reason = _text(reason, "reason", _("Give the reason for the grant."))
    if school_stage not in SchoolStage.values:
        raise RuleViolation(_("Choose a school stage from the list."), field="school_stage")
    hardship_file = hardship_file or queries.family_file(worker)
    if grant_type.needs_hardship_file and hardship_file is None:
        raise RuleViolation(
            _("A %(type)s grant is for families with a hardship file.") % {"type": grant_type},
            field="grant_type",
        )
    if worker.merged_into_id is not None:
        raise RuleViolation(
            _("This record was merged into another; propose the grant to the kept record."),
            field="worker",
        )
    today = clock.today()
    assessment = assess(
        worker,
        grant_type,
        amount_fen,
        school_stage=school_stage,
        hardship_file=hardship_file,
        on=today,
        viewer=by,
    )
    _refuse_caps(assessment.check)
    grant = Grant.objects.create(
        worker=worker,
        household=getattr(worker, "household", None),
        hardship_file=hardship_file,
        grant_type=grant_type,
        earmark=earmark,
        org=org,
        category=assessment.category,
        school_stage=school_stage,
        region_code=assessment.region_code,
        amount_fen=amount_fen,
        reason=reason,
        status=Status.PROPOSED,
        year=today.year,
        proposed_on=today,
        cap_check=assessment.check.as_json(),
        warnings=assessment.warnings,
        needs_higher_approval=assessment.check.needs_higher_approval,
        proposed_by=by if getattr(by, "is_authenticated", False) else None,
    )
    figures = {
        "amount_fen": amount_fen,
        "grant_type": grant_type.code,
        "earmark": earmark.code,
        "worker": worker.pk,
        **({"warnings": assessment.warnings} if assessment.warnings else {}),
    }
    FLOW.record(grant, Step.PROPOSE.value, "", by=by, note=reason, changes=figures)
    return grant


@FLOW.handler(Step.REVIEW)
@transaction.atomic
def review_grant(grant: Grant, *, by, note: str = "") -> Grant:
    """审核: a reviewer checks the proposal; never the person who proposed it."""
    return FLOW.move(grant, Step.REVIEW, by=by, note=note)


def _unions_to_be_above(grant: Grant) -> list[Org]:
    """The unions an approver above the local limit must be above: the paying union and the
    proposer's. The proposer picks the payer (any union of their subtree), so a payer below
    them never lowers the level: a county's proposal needs an approver above the county."""
    unions = [grant.org]
    proposer_org = getattr(grant.proposed_by, "org", None)
    if proposer_org is not None and proposer_org.pk != grant.org_id:
        unions.append(proposer_org)
    return unions


def _higher_union_required(grant: Grant, by) -> None:
    """Above the local approval limit, only an approver of a union above the paying one and
    above the proposer's."""
    if by is None:
        raise RuleViolation(
            _("This amount needs an approver of a higher union."), code="higher_approval"
        )
    for union in _unions_to_be_above(grant):
        if by.org is None or by.org.pk == union.pk or not union.is_within(by.org):
            raise RuleViolation(
                _(
                    "%(amount)s yuan is above the local approval limit: an approver of a union "
                    "above %(org)s must approve it."
                )
                % {"amount": format_yuan(grant.amount_fen), "org": union},
                code="higher_approval",
            )


@FLOW.handler(Step.APPROVE_ADVANCE)
@transaction.atomic
def approve_advance_grant(grant: Grant, *, by, note: str = "") -> Grant:
    """一事一议、先行救助: an advance-relief grant approved at once by one approver of a county
    or city union at or above the paying one (DOMAIN.md), without a separate review.

    Still maker-checker (never its proposer), caps checked, the money reserved in the same
    transaction. The paperwork completed after payment is the calling app's (the hotline's)
    to track; the higher-union rule above the local limit holds as for any grant.
    """
    with FLOW.moving(grant, Step.APPROVE_ADVANCE, by=by, note=note) as move:
        if move.obj.grant_type.code not in rules.ADVANCE_TYPES:
            raise RuleViolation(
                _("Only advance relief is approved by one approver; review this grant first."),
                code="not_advance",
            )
        if by is not None and (
            by.org is None or by.org.kind not in (Org.Kind.COUNTY, Org.Kind.CITY)
        ):
            raise RuleViolation(
                _("Advance relief is approved by an approver of a county or city union."),
                code="advance_level",
            )
        _approve_and_reserve(move, by=by)
    return move.obj


@FLOW.handler(Step.APPROVE)
@transaction.atomic
def approve_grant(grant: Grant, *, by, note: str = "") -> Grant:
    """审批: approve a reviewed grant and reserve its money in the paying union's account.

    Maker-checker: neither its proposer nor its reviewer may approve it. The caps are checked
    again (other grants may have been approved since it was proposed); above the local
    approval limit the approver must belong to a union above the paying one and the
    proposer's. The reservation and the status change are one transaction: refused for want
    of money, nothing changes.
    """
    with FLOW.moving(grant, Step.APPROVE, by=by, note=note) as move:
        _approve_and_reserve(move, by=by)
    return move.obj


def _approve_and_reserve(move: Move, *, by) -> None:
    grant = move.obj
    today = clock.today()
    assessment = assess(
        grant.worker,
        grant.grant_type,
        grant.amount_fen,
        school_stage=grant.school_stage,
        hardship_file=grant.hardship_file,
        on=today,
        exclude_id=grant.pk,
        viewer=by,
    )
    _refuse_caps(assessment.check)
    if assessment.check.needs_higher_approval:
        _higher_union_required(grant, by)
    _reserve(grant, by=by)
    grant.approved_on = today
    grant.cap_check = assessment.check.as_json()
    grant.needs_higher_approval = assessment.check.needs_higher_approval
    move.changes["reserved_fen"] = grant.amount_fen


@FLOW.handler(Step.REJECT)
@transaction.atomic
def reject_grant(grant: Grant, *, by, reason: str = "", note: str = "") -> Grant:
    """A reviewer (proposed) or approver (reviewed) refuses the grant, with the reason."""
    return FLOW.move(grant, Step.REJECT, by=by, note=_reason(Step.REJECT, reason or note))


def _reserve(grant: Grant, *, by) -> None:
    funds.reserve(
        _account(grant),
        grant.amount_fen,
        by=by,
        source_type=SOURCE_TYPE,
        source_id=grant.source_id,
        memo=grant.number,
    )


def _release(grant: Grant, *, by, memo: str) -> None:
    funds.release(
        _account(grant),
        grant.amount_fen,
        by=by,
        source_type=SOURCE_TYPE,
        source_id=grant.source_id,
        memo=memo[:200],
    )


@FLOW.handler(Step.CANCEL)
@transaction.atomic
def cancel_grant(grant: Grant, *, by, reason: str = "", note: str = "") -> Grant:
    """Withdraw a grant not yet sent to the bank; an approved one gets its money released.

    A caseworker cancels before approval; after it, an approver or finance (the reservation
    goes back to the available balance in the same transaction)."""
    reason = _reason(Step.CANCEL, reason or note)
    with FLOW.moving(grant, Step.CANCEL, by=by, note=reason) as move:
        roles = access().roles_of(by)
        if by is not None and move.source in LATE_CANCEL and not roles & LATE_CANCEL_ROLES:
            raise PermissionDenied
        if move.source == Status.APPROVED:
            _release(move.obj, by=by, memo=reason)
            move.changes["released_fen"] = move.obj.amount_fen
    return move.obj


@FLOW.handler(Step.RETRY)
@transaction.atomic
def retry_grant(grant: Grant, *, by, note: str = "") -> Grant:
    """A failed payment goes back to approved for the next batch, its money reserved again
    (after, say, the worker's bank account was corrected)."""
    with FLOW.moving(grant, Step.RETRY, by=by, note=note) as move:
        grant = move.obj
        _reserve(grant, by=by)
        grant.batch = None
        grant.failure_reason = ""
        move.changes["reserved_fen"] = grant.amount_fen
    return move.obj


@FLOW.handler(Step.RETURN)
@transaction.atomic
def record_return(grant: Grant, *, by, reason: str = "", note: str = "") -> Grant:
    """退回: money paid came back from the bank (account closed after crediting, …).

    The payment is reversed in the ledger (spent → reserved) and the reservation released,
    in one transaction with the status; a returned grant is final (a new grant is proposed
    if the family is still to be helped), so it is never paid twice."""
    reason = _reason(Step.RETURN, reason or note)
    with FLOW.moving(grant, Step.RETURN, by=by, note=reason) as move:
        grant = move.obj
        payment = Transaction.objects.get(
            kind=Transaction.Kind.SPEND, source_type=SOURCE_TYPE, source_id=grant.source_id
        )
        funds.reverse(payment, by=by, reason=reason[:200], allow_sourced=True)
        _release(grant, by=by, memo=reason)
        move.changes["returned_fen"] = grant.amount_fen
    return move.obj


# ---- Paying one grant ---------------------------------------------------------------------


def _line_of_sent_batch(grant: Grant) -> tuple[PaymentBatch, PaymentLine]:
    """The grant's batch (locked), which must have been sent to the bank, and its line."""
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
def confirm_payment(grant: Grant, *, by, reason: str = "", note: str = "") -> Grant:
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
        funds.spend(
            _account(grant),
            grant.amount_fen,
            by=by,
            source_type=SOURCE_TYPE,
            source_id=grant.source_id,
            memo=line.reference,
        )
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
def record_failure(grant: Grant, *, by, reason: str = "", note: str = "") -> Grant:
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
    by,
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
def remove_from_batch(batch: PaymentBatch, grant: Grant, *, by, note: str = "") -> Grant:
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
    if grant_type is None or grant_type.default_earmark is None:
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
        due = rules.phase_out_months_due(
            hardship_file.exited_on, hardship_file.gradual_exit_months, on
        )
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
                grant = _create_phase_out_grant(hardship_file, grant_type, month, on)
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
    hardship_file: HardshipFile, grant_type: GrantType, month: rules.PhaseOutMonth, on
) -> Grant:
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
            earmark=grant_type.default_earmark,
            org=org,
            category=hardship_file.category,
            region_code=hardship_file.region_code,
            amount_fen=hardship_file.gradual_exit_monthly_fen,
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
