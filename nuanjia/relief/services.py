"""Every write to grants, payment batches and the cap table.

Each step of rules.TRANSITIONS is one function here: it locks the grant, checks the step's
owner role, scope and maker-checker, posts to the ledger when money moves (reserve on
approval, release on failure or cancellation, spend on payment — through funds.services, in
the same transaction), changes the grant and writes one GrantEvent and one audit event.
Refusals raise RuleViolation (a rule) or PermissionDenied (a role or scope) and change nothing.

Batch operations over many grants (build, settle from the bank's file) work set-based: one
GrantEvent per grant, the ledger postings through funds.post_many, and one audit event per
operation naming the batch and the count.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core import clock
from nuanjia.core.audit import record_event
from nuanjia.core.crypto import decrypt
from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import (
    FORMULA_TRIGGERS,
    Column,
    Importer,
    ImportResult,
    ImportRow,
    Mode,
    SheetSource,
    SheetSpec,
    run_import,
    write_xlsx,
)
from nuanjia.core.masking import mask_name
from nuanjia.core.money import check_fen, format_yuan, parse_yuan
from nuanjia.funds import services as funds
from nuanjia.funds.models import Bucket, Earmark, Transaction
from nuanjia.hardship.models import HardshipFile
from nuanjia.hardship.rules import Status as FileStatus
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import deny
from nuanjia.orgs.rules import Perm, Role
from nuanjia.people.models import Worker
from nuanjia.standards.queries import dibao_fen_for

from . import queries, rules
from .models import (
    GRADUAL_EXIT_TYPE,
    Grant,
    GrantEvent,
    GrantType,
    PaymentBatch,
    PaymentLine,
    SchoolStage,
    line_reference,
)
from .rules import Status, Step
from .signals import grants_paid

SOURCE_TYPE = "relief.grant"  # how the ledger names a grant's postings
REASON_MAX = 500


# ---- Guards -------------------------------------------------------------------------------


def _roles(by) -> frozenset[str]:
    if by is None or not getattr(by, "is_active", False):
        return frozenset()
    return frozenset(getattr(by, "roles", frozenset()))


def _in_scope(by, org: Org) -> bool:
    return by is not None and by.org is not None and org.is_within(by.org)


def may_take(by, step: str, grant: Grant | None = None) -> bool:
    """Whether `by` holds the step's owner role (and, for a grant, has it in scope)."""
    if not rules.role_may(_roles(by), step):
        return False
    return grant is None or _in_scope(by, grant.org)


def authorize_step(user, step: str, grant: Grant | None = None, where: str = "") -> None:
    """For pages and the API, before calling a service: refuse (403) and audit the denial
    outside the service's transaction, so the denial record is kept."""
    if not may_take(user, step, grant):
        deny(user, f"relief.{step}", where)


def _require_step(by, step: str, grant: Grant) -> None:
    if by is not None and not may_take(by, step, grant):
        raise PermissionDenied


def _not_the_same(by, other_id: int | None, message: str) -> None:
    """Maker-checker: `by` must not be the person recorded as `other_id`."""
    if by is not None and other_id is not None and other_id == by.pk:
        raise RuleViolation(message, code="maker_checker")


def _lock(grant: Grant) -> Grant:
    """Lock the grant's row for this transaction and reload it."""
    list(Grant.objects.select_for_update().filter(pk=grant.pk).values_list("pk"))
    grant.refresh_from_db()
    return grant


def _status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


def _check_source(grant: Grant, step: str) -> None:
    target = rules.STEP_TARGETS[step]
    if grant.status not in rules.STEP_SOURCES[step] or not rules.can_move(grant.status, target):
        raise RuleViolation(
            _("A grant that is %(status)s cannot take the step “%(step)s”.")
            % {"status": _status_label(grant.status), "step": rules.Step(step).label},
            code="invalid_transition",
        )


def _text(value: str, field: str, message: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(message, field=field)
    if len(value) > REASON_MAX:
        raise RuleViolation(_("At most %(count)d characters.") % {"count": REASON_MAX}, field=field)
    return value


def _actor(by):
    return by if getattr(by, "is_authenticated", False) else None


def _event(grant: Grant, action: str, source: str, *, by, note: str = "", changes=None):
    """One history row and one audit event for a step of one grant."""
    changes = dict(changes or {})
    GrantEvent.objects.create(
        grant=grant,
        action=action,
        from_status=source,
        to_status=grant.status,
        note=note,
        changes=changes,
        by=_actor(by),
        at=clock.now(),
    )
    audit = {"status": [source, grant.status], **changes}
    if note:
        audit["note"] = note
    record_event(grant, f"relief.{action}", by=by, org=grant.org, changes=audit)


def _move(grant: Grant, step: str, *, by, note: str = "", changes=None) -> Grant:
    source = grant.status
    grant.status = rules.STEP_TARGETS[step]
    grant.save()
    _event(grant, step, source, by=by, note=note, changes=changes)
    return grant


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
    from `earmark` (the type's default earmark by default).

    Refused above any cap in force (per occasion, per year, months of 低保), with the
    explanation; a grant of the same type this year elsewhere in the province is a warning
    kept on the grant, not a refusal. The worker must be in the proposer's subtree.
    """
    org = org or getattr(by, "org", None)
    if org is None:
        raise RuleViolation(_("Choose the paying union."), field="org")
    if by is not None:
        if not rules.role_may(_roles(by), Step.PROPOSE):
            raise PermissionDenied
        if not (_in_scope(by, org) and _in_scope(by, worker.org)):
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
    household = getattr(worker, "household", None)
    grant = Grant.objects.create(
        worker=worker,
        household=household,
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
        proposed_by=_actor(by),
    )
    _event(
        grant,
        Step.PROPOSE,
        "",
        by=by,
        note=reason,
        changes={
            "amount_fen": amount_fen,
            "grant_type": grant_type.code,
            "earmark": earmark.code,
            "worker": worker.pk,
            **({"warnings": assessment.warnings} if assessment.warnings else {}),
        },
    )
    return grant


@transaction.atomic
def review_grant(grant: Grant, *, by, note: str = "") -> Grant:
    """审核: a reviewer checks the proposal; never the person who proposed it."""
    _lock(grant)
    _require_step(by, Step.REVIEW, grant)
    _check_source(grant, Step.REVIEW)
    _not_the_same(
        by, grant.proposed_by_id, _("You proposed this grant; another person must review it.")
    )
    grant.reviewed_by = _actor(by)
    return _move(grant, Step.REVIEW, by=by, note=(note or "").strip())


def _higher_union_required(grant: Grant, by) -> None:
    """Above the local approval limit, only an approver of a union above the paying one."""
    if by is None:
        raise RuleViolation(
            _("This amount needs an approver of a higher union."), code="higher_approval"
        )
    if by.org is None or by.org.pk == grant.org.pk or not grant.org.is_within(by.org):
        raise RuleViolation(
            _(
                "%(amount)s yuan is above the local approval limit: an approver of a union above "
                "%(org)s must approve it."
            )
            % {"amount": format_yuan(grant.amount_fen), "org": grant.org},
            code="higher_approval",
        )


@transaction.atomic
def approve_advance_grant(grant: Grant, *, by, note: str = "") -> Grant:
    """一事一议、先行救助: an advance-relief grant approved at once by one approver of a county
    or city union at or above the paying one (DOMAIN.md), without a separate review.

    Still maker-checker (never its proposer), caps checked, the money reserved in the same
    transaction. The paperwork completed after payment is the calling app's (the hotline's)
    to track; the higher-union rule above the local limit holds as for any grant.
    """
    _lock(grant)
    if grant.grant_type.code not in rules.ADVANCE_TYPES:
        raise RuleViolation(
            _("Only advance relief is approved by one approver; review this grant first."),
            code="not_advance",
        )
    _require_step(by, Step.APPROVE_ADVANCE, grant)
    _check_source(grant, Step.APPROVE_ADVANCE)
    if by.org is None or by.org.kind not in (Org.Kind.COUNTY, Org.Kind.CITY):
        raise RuleViolation(
            _("Advance relief is approved by an approver of a county or city union."),
            code="advance_level",
        )
    _not_the_same(
        by, grant.proposed_by_id, _("You proposed this grant; another person must approve it.")
    )
    return _approve_and_reserve(grant, Step.APPROVE_ADVANCE, by=by, note=note)


@transaction.atomic
def approve_grant(grant: Grant, *, by, note: str = "") -> Grant:
    """审批: approve a reviewed grant and reserve its money in the paying union's account.

    Maker-checker: neither its proposer nor its reviewer may approve it. The caps are checked
    again (other grants may have been approved since it was proposed); above the local
    approval limit the approver must belong to a union above the paying one. The reservation
    and the status change are one transaction: refused for want of money, nothing changes.
    """
    _lock(grant)
    _require_step(by, Step.APPROVE, grant)
    _check_source(grant, Step.APPROVE)
    _not_the_same(
        by, grant.proposed_by_id, _("You proposed this grant; another person must approve it.")
    )
    _not_the_same(
        by, grant.reviewed_by_id, _("You reviewed this grant; another person must approve it.")
    )
    return _approve_and_reserve(grant, Step.APPROVE, by=by, note=note)


def _approve_and_reserve(grant: Grant, step: str, *, by, note: str) -> Grant:
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
    funds.reserve(
        _account(grant),
        grant.amount_fen,
        by=by,
        source_type=SOURCE_TYPE,
        source_id=grant.source_id,
        memo=grant.number,
    )
    grant.approved_by = _actor(by)
    grant.approved_on = today
    grant.cap_check = assessment.check.as_json()
    grant.needs_higher_approval = assessment.check.needs_higher_approval
    return _move(
        grant,
        step,
        by=by,
        note=(note or "").strip(),
        changes={"reserved_fen": grant.amount_fen},
    )


@transaction.atomic
def reject_grant(grant: Grant, *, by, reason: str) -> Grant:
    """A reviewer (proposed) or approver (reviewed) refuses the grant, with the reason."""
    _lock(grant)
    _require_step(by, Step.REJECT, grant)
    _check_source(grant, Step.REJECT)
    _not_the_same(
        by, grant.proposed_by_id, _("You proposed this grant; another person must decide on it.")
    )
    reason = _text(reason, "reason", _("Give the reason for the rejection."))
    return _move(grant, Step.REJECT, by=by, note=reason)


def _release(grant: Grant, *, by, memo: str) -> None:
    funds.release(
        _account(grant),
        grant.amount_fen,
        by=by,
        source_type=SOURCE_TYPE,
        source_id=grant.source_id,
        memo=memo[:200],
    )


@transaction.atomic
def cancel_grant(grant: Grant, *, by, reason: str) -> Grant:
    """Withdraw a grant not yet sent to the bank; an approved one gets its money released.

    A caseworker cancels before approval; after it, an approver or finance (the reservation
    goes back to the available balance in the same transaction)."""
    _lock(grant)
    _require_step(by, Step.CANCEL, grant)
    _check_source(grant, Step.CANCEL)
    late = grant.status in (Status.APPROVED, Status.FAILED)
    if by is not None and late and not _roles(by) & {Role.APPROVER, Role.FINANCE}:
        raise PermissionDenied
    reason = _text(reason, "reason", _("Give the reason for the cancellation."))
    changes = {}
    if grant.status == Status.APPROVED:
        _release(grant, by=by, memo=reason)
        changes["released_fen"] = grant.amount_fen
    return _move(grant, Step.CANCEL, by=by, note=reason, changes=changes)


@transaction.atomic
def retry_grant(grant: Grant, *, by, note: str = "") -> Grant:
    """A failed payment goes back to approved for the next batch, its money reserved again
    (after, say, the worker's bank account was corrected)."""
    _lock(grant)
    _require_step(by, Step.RETRY, grant)
    _check_source(grant, Step.RETRY)
    funds.reserve(
        _account(grant),
        grant.amount_fen,
        by=by,
        source_type=SOURCE_TYPE,
        source_id=grant.source_id,
        memo=grant.number,
    )
    grant.batch = None
    grant.failure_reason = ""
    return _move(
        grant,
        Step.RETRY,
        by=by,
        note=(note or "").strip(),
        changes={"reserved_fen": grant.amount_fen},
    )


@transaction.atomic
def record_return(grant: Grant, *, by, reason: str) -> Grant:
    """退回: money paid came back from the bank (account closed after crediting, …).

    The payment is reversed in the ledger (spent → reserved) and the reservation released,
    in one transaction with the status; a returned grant is final (a new grant is proposed
    if the family is still to be helped), so it is never paid twice."""
    _lock(grant)
    _require_step(by, Step.RETURN, grant)
    _check_source(grant, Step.RETURN)
    reason = _text(reason, "reason", _("Give the reason for the return."))
    payment = Transaction.objects.get(
        kind=Transaction.Kind.SPEND, source_type=SOURCE_TYPE, source_id=grant.source_id
    )
    funds.reverse(payment, by=by, reason=reason[:200], allow_sourced=True)
    _release(grant, by=by, memo=reason)
    return _move(grant, Step.RETURN, by=by, note=reason, changes={"returned_fen": grant.amount_fen})


# ---- Paying one grant ---------------------------------------------------------------------


def _lock_batch(batch: PaymentBatch) -> PaymentBatch:
    return (
        PaymentBatch.objects.select_for_update(of=("self",))
        .select_related("org", "earmark")
        .get(pk=batch.pk)
    )


def _finish_if_settled(batch: PaymentBatch) -> None:
    batch.refresh_from_db()
    if batch.status == PaymentBatch.Status.EXPORTED and batch.settled_count >= batch.line_count:
        batch.status = PaymentBatch.Status.SETTLED
        batch.settled_at = timezone.now()
        batch.save(update_fields=["status", "settled_at", "updated_at"])
        record_event(
            batch,
            "relief.batch_settled",
            by=None,
            org=batch.org,
            changes={"paid": batch.paid_count, "failed": batch.failed_count},
        )


@transaction.atomic
def confirm_payment(grant: Grant, *, by, reason: str = "") -> Grant:
    """The bank paid one grant: spend its reservation and mark it paid, exactly once.

    Idempotent: a grant already paid is returned unchanged, however often this is called
    or clicked, and from however many requests at once — the grant's row lock serialises
    them, and the ledger's one-spend-per-source constraint would refuse a second payment
    even if it did not. The batch must have been sent to the bank.
    """
    _lock(grant)
    if grant.status == Status.PAID:
        return grant
    _require_step(by, Step.PAY, grant)
    _check_source(grant, Step.PAY)
    batch = _lock_batch(grant.batch)
    if batch.status != PaymentBatch.Status.EXPORTED:
        raise RuleViolation(
            _("The batch has not been sent to the bank; export its bank file first."),
            code="batch_not_exported",
        )
    line = PaymentLine.objects.get(batch=batch, grant=grant)
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
        result=PaymentLine.Result.PAID, result_reason=(reason or "")[:200], settled_at=now
    )
    PaymentBatch.objects.filter(pk=batch.pk).update(
        paid_count=F("paid_count") + 1, paid_fen=F("paid_fen") + grant.amount_fen
    )
    grant.paid_on = clock.today()
    _move(
        grant, Step.PAY, by=by, note=(reason or "").strip(), changes={"reference": line.reference}
    )
    grants_paid.send(Grant, grant_ids=[grant.pk], paid_on=grant.paid_on, by=by)
    _finish_if_settled(batch)
    return grant


@transaction.atomic
def record_failure(grant: Grant, *, by, reason: str) -> Grant:
    """The bank could not pay one grant: release its reservation and mark it failed."""
    _lock(grant)
    _require_step(by, Step.FAIL, grant)
    _check_source(grant, Step.FAIL)
    reason = _text(reason, "reason", _("Give the bank's reason."))
    batch = _lock_batch(grant.batch)
    if batch.status != PaymentBatch.Status.EXPORTED:
        raise RuleViolation(
            _("The batch has not been sent to the bank; export its bank file first."),
            code="batch_not_exported",
        )
    line = PaymentLine.objects.get(batch=batch, grant=grant)
    _release(grant, by=by, memo=line.reference)
    PaymentLine.objects.filter(pk=line.pk).update(
        result=PaymentLine.Result.FAILED, result_reason=reason[:200], settled_at=timezone.now()
    )
    PaymentBatch.objects.filter(pk=batch.pk).update(failed_count=F("failed_count") + 1)
    grant.failure_reason = reason[:200]
    _move(grant, Step.FAIL, by=by, note=reason, changes={"reference": line.reference})
    _finish_if_settled(batch)
    return grant


# ---- Batches ------------------------------------------------------------------------------


def _require_finance(by, org: Org) -> None:
    if by is None:
        return
    if not (rules.role_may(_roles(by), Step.BATCH) and _in_scope(by, org)):
        raise PermissionDenied


def batchable_grants(org: Org, earmark: Earmark, *, by=None):
    """Approved grants of the paying union and earmark that can go to the bank: the worker
    has a bank account, and (segregation of duties) the builder neither proposed nor
    approved them."""
    grants = Grant.objects.filter(
        org=org, earmark=earmark, status=Status.APPROVED, batch__isnull=True
    ).exclude(worker__bank_account_encrypted="")
    if by is not None:
        grants = grants.exclude(proposed_by=by).exclude(approved_by=by)
    return grants


def _select_in(sql: str, values: list, *, lock: bool = False) -> list[tuple]:
    """Rows of `sql` ending in "… IN", for `values` in chunks of 1000, optionally locked
    (FOR UPDATE where the database has it). Plain SQL: settling 100,000 lines with the ORM's
    IN lookups costs more in Python than the queries take in the database."""
    suffix = " FOR UPDATE" if lock and connection.features.has_select_for_update else ""
    found: list[tuple] = []
    with connection.cursor() as cursor:
        for chunk in _chunks(values, 1000):
            cursor.execute(f"{sql} ({', '.join(['%s'] * len(chunk))}){suffix}", chunk)
            found.extend(cursor.fetchall())
    return found


def _chunks(items: list, size: int = 1000) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _bulk_events(rows: Iterable[tuple[int, str, str, str, str, dict]], *, by) -> None:
    """History rows for many grants at once: (grant id, action, from, to, note, changes).

    Written with executemany rather than bulk_create: a batch writes 100,000 of them, and
    building that many model instances costs more than the insert itself."""
    actor_id = by.pk if getattr(by, "is_authenticated", False) else None
    at = connection.ops.adapt_datetimefield_value(clock.now())
    json_cast = "::jsonb" if connection.vendor == "postgresql" else ""
    sql = (
        f"INSERT INTO {GrantEvent._meta.db_table} "  # noqa: S608 — table and cast are ours
        "(grant_id, action, from_status, to_status, note, changes, by_id, at) "
        f"VALUES (%s, %s, %s, %s, %s, %s{json_cast}, %s, %s)"
    )
    values = (
        (
            grant_id,
            action,
            source,
            target,
            note,
            json.dumps(changes, ensure_ascii=False),
            actor_id,
            at,
        )
        for grant_id, action, source, target, note, changes in rows
    )
    with connection.cursor() as cursor:
        for chunk in _chunks(list(values), 5000):
            cursor.executemany(sql, chunk)


def _insert_lines(batch: PaymentBatch, rows: list[tuple[int, int]]) -> None:
    """The batch's lines, (grant id, amount) each, with their bank references."""
    sql = (
        f"INSERT INTO {PaymentLine._meta.db_table} "  # noqa: S608 — the table is ours
        "(batch_id, grant_id, reference, amount_fen, result, result_reason) "
        "VALUES (%s, %s, %s, %s, %s, '')"
    )
    pending = PaymentLine.Result.PENDING
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, 5000):
            cursor.executemany(
                sql,
                [
                    (batch.pk, pk, line_reference(batch.pk, pk), amount, pending)
                    for pk, amount in chunk
                ],
            )


@transaction.atomic
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
    _require_finance(by, org)
    note = _text(note, "note", "", required=False)[:200]
    candidates = batchable_grants(org, earmark, by=by)
    if grant_ids is not None:
        candidates = candidates.filter(pk__in=list(grant_ids))
    # Lock the grants only, not the workers joined for the bank-account test.
    rows = list(
        candidates.select_for_update(of=("self",)).order_by("pk").values_list("pk", "amount_fen")
    )
    if not rows:
        raise RuleViolation(
            _(
                "No approved grant of %(org)s from %(earmark)s can go to the bank (each needs "
                "the worker's bank account, and you must not have proposed or approved it)."
            )
            % {"org": org, "earmark": earmark},
            code="nothing_to_batch",
        )
    batch = PaymentBatch.objects.create(
        org=org,
        earmark=earmark,
        note=note,
        line_count=len(rows),
        total_fen=sum(amount for _pk, amount in rows),
        created_by=_actor(by),
    )
    _insert_lines(batch, rows)
    ids = [pk for pk, _amount in rows]
    now = timezone.now()
    for chunk in _chunks(ids):
        Grant.objects.filter(pk__in=chunk).update(
            status=Status.BATCHED, batch=batch, updated_at=now
        )
    _bulk_events(
        (
            (pk, Step.BATCH, Status.APPROVED, Status.BATCHED, "", {"batch": batch.number})
            for pk in ids
        ),
        by=by,
    )
    record_event(
        batch,
        "relief.batch_built",
        by=by,
        org=org,
        changes={
            "earmark": earmark.code,
            "lines": batch.line_count,
            "total_fen": batch.total_fen,
            "first_grant": ids[0],
            "last_grant": ids[-1],
        },
    )
    return batch


def _require_draft(batch: PaymentBatch) -> None:
    if batch.status != PaymentBatch.Status.DRAFT:
        raise RuleViolation(
            _("Batch %(batch)s has been sent to the bank and can no longer change.")
            % {"batch": batch.number},
            code="batch_frozen",
        )


@transaction.atomic
def remove_from_batch(batch: PaymentBatch, grant: Grant, *, by, note: str = "") -> Grant:
    """Take a grant out of a draft batch; it goes back to approved, its money still reserved."""
    batch = _lock_batch(batch)
    _require_finance(by, batch.org)
    _require_draft(batch)
    _lock(grant)
    if grant.batch_id != batch.pk:
        raise RuleViolation(_("The grant is not in this batch."), code="not_in_batch")
    _check_source(grant, Step.UNBATCH)
    PaymentLine.objects.filter(batch=batch, grant=grant).update(result=PaymentLine.Result.REMOVED)
    PaymentBatch.objects.filter(pk=batch.pk).update(
        line_count=F("line_count") - 1, total_fen=F("total_fen") - grant.amount_fen
    )
    grant.batch = None
    return _move(
        grant, Step.UNBATCH, by=by, note=(note or "").strip(), changes={"batch": batch.number}
    )


@transaction.atomic
def discard_batch(batch: PaymentBatch, *, by) -> PaymentBatch:
    """Drop a draft batch: its grants go back to approved (their money stays reserved)."""
    batch = _lock_batch(batch)
    _require_finance(by, batch.org)
    _require_draft(batch)
    ids = list(
        Grant.objects.select_for_update()
        .filter(batch=batch, status=Status.BATCHED)
        .values_list("pk", flat=True)
    )
    for chunk in _chunks(ids):
        Grant.objects.filter(pk__in=chunk).update(
            status=Status.APPROVED, batch=None, updated_at=timezone.now()
        )
    PaymentLine.objects.filter(batch=batch, result=PaymentLine.Result.PENDING).update(
        result=PaymentLine.Result.REMOVED
    )
    _bulk_events(
        (
            (pk, Step.UNBATCH, Status.BATCHED, Status.APPROVED, "", {"batch": batch.number})
            for pk in ids
        ),
        by=by,
    )
    batch.status = PaymentBatch.Status.CANCELLED
    batch.save(update_fields=["status", "updated_at"])
    record_event(batch, "relief.batch_discarded", by=by, org=batch.org, changes={"lines": len(ids)})
    return batch


# ---- The bank file ------------------------------------------------------------------------

BANK_FILE_HEADER = ("参考号", "户名", "账号", "开户行", "金额(元)", "用途", "备注")
BANK_FORMATS = ("xlsx", "csv")


def _bank_rows(batch: PaymentBatch) -> Iterator[tuple]:
    lines = (
        PaymentLine.objects.filter(batch=batch, result=PaymentLine.Result.PENDING)
        .order_by("pk")
        .values_list(
            "reference",
            "amount_fen",
            "grant__worker__name",
            "grant__worker__bank_account_encrypted",
            "grant__worker__bank_name",
            "grant__grant_type__name",
            "grant_id",
        )
        .iterator(chunk_size=5000)
    )
    for reference, amount, name, account, bank, type_name, grant_id in lines:
        yield (
            reference,
            name,
            decrypt(account) if account else "",
            bank,
            format_yuan(amount, grouping=False),
            type_name,
            f"RG{grant_id:06d}",
        )


def _csv_safe(value):
    """A CSV cell Excel will not run as a formula: text starting with = + - @ tab or CR gets
    a leading apostrophe (OWASP). Only a hostile name or bank could start so."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def authorize_bank_file(user, batch: PaymentBatch, where: str = "") -> None:
    """Pages and the API: the bank file needs its own permission (full account numbers)."""
    if not (user.has_perm_code(Perm.EXPORT_BANK_FILE) and _in_scope(user, batch.org)):
        deny(user, Perm.EXPORT_BANK_FILE, where)


@transaction.atomic
def export_bank_file(
    batch: PaymentBatch, destination, *, by, reason: str, fmt: str = "xlsx"
) -> int:
    """Write the batch's bank file (xlsx or CSV) with the workers' full account numbers.

    A privileged action: finance of the paying union's subtree, with a written reason, and
    one audit event naming the batch, the reason and the count. The first export freezes
    the batch (no grant is added or taken out after the bank may have it). Exporting again
    writes the same pending lines (a lost file), audited again. Returns the lines written.
    """
    batch = _lock_batch(batch)
    if by is not None and not (
        by.has_perm_code(Perm.EXPORT_BANK_FILE) and _in_scope(by, batch.org)
    ):
        raise PermissionDenied
    if fmt not in BANK_FORMATS:
        raise RuleViolation(_("Choose xlsx or CSV."), field="format")
    reason = _text(reason, "reason", _("Say why you export the full account numbers."))
    if len(reason) < 2:
        raise RuleViolation(_("Say why you export the full account numbers."), field="reason")
    if batch.status == PaymentBatch.Status.CANCELLED:
        raise RuleViolation(_("The batch was discarded."), code="batch_discarded")
    if batch.status == PaymentBatch.Status.SETTLED:
        raise RuleViolation(
            _("Every line of the batch has its result; there is nothing to send."),
            code="batch_settled",
        )
    counter = {"lines": 0}

    def counted() -> Iterator[tuple]:
        for row in _bank_rows(batch):
            counter["lines"] += 1
            yield row

    if fmt == "csv":
        text = io.TextIOWrapper(destination, encoding="utf-8-sig", newline="", write_through=True)
        writer = csv.writer(text)
        writer.writerow(BANK_FILE_HEADER)
        # Account numbers and references stay text for spreadsheet programs reading the CSV.
        writer.writerows(tuple(_csv_safe(cell) for cell in row) for row in counted())
        text.flush()
        text.detach()
    else:
        write_xlsx(
            destination,
            title=str(_("Bank file %(batch)s") % {"batch": batch.number})[:31],
            header=BANK_FILE_HEADER,
            rows=counted(),
        )
    first = batch.status == PaymentBatch.Status.DRAFT
    batch.export_count += 1
    if first:
        batch.status = PaymentBatch.Status.EXPORTED
        batch.exported_at = timezone.now()
    batch.save(update_fields=["status", "exported_at", "export_count", "updated_at"])
    record_event(
        batch,
        "relief.bank_file_exported",
        by=by,
        org=batch.org,
        changes={
            "reason": reason,
            "format": fmt,
            "lines": counter["lines"],
            "total_fen": batch.total_fen,
            "export": batch.export_count,
        },
    )
    return counter["lines"]


# ---- The bank's result file ---------------------------------------------------------------

PAID_WORDS = frozenset({"成功", "已支付", "已发放", "支付成功", "paid", "success", "ok"})
FAILED_WORDS = frozenset({"失败", "支付失败", "退票", "failed", "fail"})


def _result(text: str) -> str:
    word = text.strip().lower()
    if word in PAID_WORDS:
        return PaymentLine.Result.PAID
    if word in FAILED_WORDS:
        return PaymentLine.Result.FAILED
    raise ValidationError(_("Write 成功 or 失败."))


def _amount(text: str) -> int:
    try:
        return parse_yuan(text, field="amount", label="金额(元)")
    except RuleViolation as error:
        raise ValidationError(error.message) from None


RESULT_SPEC = SheetSpec(
    title="回盘",
    columns=(
        Column("参考号", "reference", required=True),
        Column("结果", "result", required=True, parse=_result, choices=("成功", "失败")),
        Column("原因", "reason"),
        Column("金额(元)", "amount", parse=_amount),
    ),
    unique=(("reference",),),
)


class ResultImporter(Importer):
    """Settles the lines of one batch from the bank's result file, all or nothing.

    Each line's grant is paid (the ledger spends its reservation, once) or failed (released),
    in the import's one transaction with the status changes. A line already settled the same
    way is unchanged (a re-imported file changes nothing); an unknown reference, a line of
    another batch, a repeated reference or a result contradicting an earlier one is an error
    on its row and column, and nothing is imported.
    """

    spec = RESULT_SPEC

    def __init__(self, batch: PaymentBatch, *, by):
        self.batch = batch
        self.by = by
        self.account = None
        self.paid = 0
        self.failed = 0
        self.paid_fen = 0

    def _lines(self, rows: list[ImportRow]) -> dict[str, dict]:
        references = [row.values["reference"] for row in rows if "reference" in row.values]
        found = _select_in(
            f"SELECT id, reference, batch_id, grant_id, amount_fen, result "  # noqa: S608
            f"FROM {PaymentLine._meta.db_table} WHERE reference IN",
            references,
        )
        return {
            reference: {
                "pk": pk,
                "batch_id": batch_id,
                "grant_id": grant_id,
                "amount_fen": amount,
                "result": result,
            }
            for pk, reference, batch_id, grant_id, amount, result in found
        }

    def check(self, rows: list[ImportRow]) -> None:
        lines = self._lines(rows)
        for row in rows:
            reference = row.values.get("reference")
            if reference is None:
                continue
            line = lines.get(reference)
            if line is None or line["result"] == PaymentLine.Result.REMOVED:
                row.add_error("reference", _("Unknown reference: no line of a batch has it."))
                continue
            if line["batch_id"] != self.batch.pk:
                row.add_error(
                    "reference",
                    _("This reference belongs to batch %(batch)s, not to this one.")
                    % {"batch": f"PB{line['batch_id']:06d}"},
                )
                continue
            amount = row.values.get("amount")
            if amount not in (None, "") and amount != line["amount_fen"]:
                row.add_error(
                    "amount",
                    _("The batch sent %(sent)s yuan on this line.")
                    % {"sent": format_yuan(line["amount_fen"])},
                )
            result = row.values.get("result")
            if result is None:
                continue
            if line["result"] not in (PaymentLine.Result.PENDING, result):
                row.add_error(
                    "result",
                    _("This line was already recorded as %(result)s; a result is final.")
                    % {"result": PaymentLine.Result(line["result"]).label},
                )
            if result == PaymentLine.Result.FAILED and not row.values.get("reason"):
                row.add_error("reason", _("Give the bank's reason for a failed payment."))
            row.context["line"] = line

    def write(self, rows: list[ImportRow]) -> None:
        if self.account is None:
            # Lock the batch first: two imports of the same batch run one after the other.
            self.batch = _lock_batch(self.batch)
            if self.batch.status not in (PaymentBatch.Status.EXPORTED, PaymentBatch.Status.SETTLED):
                for row in rows:
                    row.add_error(
                        None,
                        _("Batch %(batch)s is not waiting for the bank's results.")
                        % {"batch": self.batch.number},
                    )
                return
            self.account = funds.account_for(self.batch.org, self.batch.earmark)
        pending = {}
        for row in rows:
            line = row.context["line"]
            if line["result"] == row.values["result"]:
                row.outcome = "unchanged"
            else:
                pending[line["grant_id"]] = row
        if not pending:
            return
        # Lock the grants and read them again: a click on “paid” may have come in between.
        grants = {
            pk: {"pk": pk, "status": status, "amount_fen": amount, "batch_id": batch_id}
            for pk, status, amount, batch_id in _select_in(
                f"SELECT id, status, amount_fen, batch_id FROM {Grant._meta.db_table} "  # noqa: S608
                "WHERE id IN",
                list(pending),
                lock=True,
            )
        }
        paid, failed = [], []
        for grant_id, row in pending.items():
            grant = grants[grant_id]
            wanted = row.values["result"]
            target = Status.PAID if wanted == PaymentLine.Result.PAID else Status.FAILED
            if grant["status"] == target:
                row.outcome = "unchanged"
            elif grant["status"] != Status.BATCHED or grant["batch_id"] != self.batch.pk:
                row.add_error(
                    "result",
                    _("The grant is %(status)s and cannot take this result.")
                    % {"status": _status_label(grant["status"])},
                )
            elif wanted == PaymentLine.Result.PAID:
                paid.append((grant, row))
            else:
                failed.append((grant, row))
        if any(row.errors for row in pending.values()):
            return
        self._settle(paid, failed)

    def _posting(self, grant: dict, row, to_bucket: str) -> funds.Posting:
        """The grant's reservation paid out (to spent) or given back (to available)."""
        kind = Transaction.Kind.SPEND if to_bucket == Bucket.SPENT else Transaction.Kind.RELEASE
        amount = grant["amount_fen"]
        return funds.Posting(
            kind=kind,
            org=self.batch.org,
            earmark=self.batch.earmark,
            amount_fen=amount,
            legs=[
                funds.Leg(self.account, Bucket.RESERVED, -amount),
                funds.Leg(self.account, to_bucket, amount),
            ],
            memo=row.values["reference"],
            source_type=SOURCE_TYPE,
            source_id=str(grant["pk"]),
        )

    def _settle(self, paid: list, failed: list) -> None:
        batch, by = self.batch, self.by
        postings = [self._posting(grant, row, Bucket.SPENT) for grant, row in paid]
        postings += [self._posting(grant, row, Bucket.AVAILABLE) for grant, row in failed]
        funds.post_many(postings, by=by, memo=batch.number)
        now = timezone.now()
        today = clock.today()
        paid_ids = [grant["pk"] for grant, _row in paid]
        if paid_ids:
            paid_on = connection.ops.adapt_datefield_value(today)
            at = connection.ops.adapt_datetimefield_value(now)
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {Grant._meta.db_table} SET status = %s, paid_on = %s, "  # noqa: S608
                    "updated_at = %s WHERE id = %s",
                    [(Status.PAID, paid_on, at, pk) for pk in paid_ids],
                )
                cursor.executemany(
                    f"UPDATE {PaymentLine._meta.db_table} SET result = %s, settled_at = %s "  # noqa: S608
                    "WHERE batch_id = %s AND grant_id = %s",
                    [(PaymentLine.Result.PAID, at, batch.pk, pk) for pk in paid_ids],
                )
        if failed:
            reasons = {grant["pk"]: row.values.get("reason", "")[:200] for grant, row in failed}
            whens = [When(pk=pk, then=Value(text)) for pk, text in reasons.items()]
            Grant.objects.filter(pk__in=list(reasons)).update(
                status=Status.FAILED, failure_reason=Case(*whens), updated_at=now
            )
            line_whens = [When(grant_id=pk, then=Value(text)) for pk, text in reasons.items()]
            PaymentLine.objects.filter(batch=batch, grant_id__in=list(reasons)).update(
                result=PaymentLine.Result.FAILED, result_reason=Case(*line_whens), settled_at=now
            )
        _bulk_events(
            [
                *(
                    (
                        g["pk"],
                        Step.PAY,
                        Status.BATCHED,
                        Status.PAID,
                        "",
                        {"reference": r.values["reference"]},
                    )
                    for g, r in paid
                ),
                *(
                    (
                        g["pk"],
                        Step.FAIL,
                        Status.BATCHED,
                        Status.FAILED,
                        r.values.get("reason", ""),
                        {"reference": r.values["reference"]},
                    )
                    for g, r in failed
                ),
            ],
            by=by,
        )
        if paid_ids:
            grants_paid.send(Grant, grant_ids=paid_ids, paid_on=today, by=by)
        paid_fen = sum(grant["amount_fen"] for grant, _row in paid)
        PaymentBatch.objects.filter(pk=batch.pk).update(
            paid_count=F("paid_count") + len(paid),
            paid_fen=F("paid_fen") + paid_fen,
            failed_count=F("failed_count") + len(failed),
        )
        for _grant, row in [*paid, *failed]:
            row.outcome = "updated"
        self.paid += len(paid)
        self.failed += len(failed)
        self.paid_fen += paid_fen

    def finish(self, result: ImportResult) -> None:
        record_event(
            self.batch,
            "relief.bank_results_imported",
            by=self.by,
            org=self.batch.org,
            changes={
                "rows": result.total,
                "paid": self.paid,
                "failed": self.failed,
                "paid_fen": self.paid_fen,
                "unchanged": result.unchanged,
            },
        )
        _finish_if_settled(self.batch)


def import_bank_results(batch: PaymentBatch, source: SheetSource, *, by) -> ImportResult:
    """Read the bank's result file for a batch and settle its lines, all or nothing."""
    _require_finance(by, batch.org)
    return run_import(source, ResultImporter(batch, by=by), mode=Mode.ALL_OR_NOTHING)


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
    _event(
        grant,
        Step.PROPOSE,
        "",
        by=None,
        note=reason,
        changes={"file": hardship_file.pk, "month": month.number},
    )
    try:
        with transaction.atomic():
            funds.reserve(
                _account(grant),
                grant.amount_fen,
                by=None,
                source_type=SOURCE_TYPE,
                source_id=grant.source_id,
                memo=grant.number,
            )
            source = grant.status
            grant.status = Status.APPROVED
            grant.approved_on = on
            grant.save()
            _event(
                grant,
                Step.APPROVE,
                source,
                by=None,
                note=_("Approved by the monthly gradual-exit run."),
                changes={"reserved_fen": grant.amount_fen},
            )
    except RuleViolation as refusal:
        GrantEvent.objects.filter(grant=grant).update(note=f"{reason} {refusal.message}")
    return grant
