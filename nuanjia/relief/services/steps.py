"""The grant steps on the workflow engine: propose, review, approve, reject, cancel, retry, return."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from nuanjia.core import clock
from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.core.money import check_fen, format_yuan
from nuanjia.core.workflow import Move, access
from nuanjia.funds import services as funds
from nuanjia.funds.models import Earmark, Transaction
from nuanjia.hardship.models import HardshipFile
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of
from nuanjia.people.models import Worker

from .. import queries, rules
from ..models import (
    GRADUAL_EXIT_TYPE,
    Grant,
    GrantType,
    SchoolStage,
)
from ..rules import SOURCE_TYPE, Status, Step
from ..workflow import FLOW
from .assessment import _account, _reason, _refuse_caps, _text, assess

# ---- Grant steps --------------------------------------------------------------------------


def _check_proposal(
    worker: Worker, grant_type: GrantType, earmark: Earmark | None, org: Org, by: Actor | None
) -> Earmark:
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
    by: Actor,
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
    hardship_file = _proposal_file(worker, grant_type, school_stage, hardship_file)
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
        proposed_by=staff_of(by) if by is not None and by.is_authenticated else None,
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


def _proposal_file(
    worker: Worker, grant_type: GrantType, school_stage: str, hardship_file: HardshipFile | None
) -> HardshipFile | None:
    """The proposal's school stage and worker checked; the family's file (required by some
    types) found when not given."""
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
    return hardship_file


@FLOW.handler(Step.REVIEW)
@transaction.atomic
def review_grant(grant: Grant, *, by: Actor, note: str = "") -> Grant:
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


def _higher_union_required(grant: Grant, by: Actor) -> None:
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
def approve_advance_grant(grant: Grant, *, by: Actor, note: str = "") -> Grant:
    """一事一议、先行救助: an advance-relief grant approved at once by one approver of a county
    or city union at or above the paying one (docs/domain.md "Emergency relief"), without a
    separate review.

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
def approve_grant(grant: Grant, *, by: Actor, note: str = "") -> Grant:
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


def _approve_and_reserve(move: Move[Grant], *, by: Actor) -> None:
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
def reject_grant(grant: Grant, *, by: Actor, reason: str = "", note: str = "") -> Grant:
    """A reviewer (proposed) or approver (reviewed) refuses the grant, with the reason."""
    return FLOW.move(grant, Step.REJECT, by=by, note=_reason(Step.REJECT, reason or note))


def _post(posting: Callable[..., Any], grant: Grant, *, by: Actor | None, memo: str) -> None:
    """Post the grant's amount on its account with `posting` (funds.reserve, release, spend)."""
    posting(
        _account(grant),
        grant.amount_fen,
        by=by,
        source_type=SOURCE_TYPE,
        source_id=grant.source_id,
        memo=memo[:200],
    )


def _reserve(grant: Grant, *, by: Actor | None) -> None:
    _post(funds.reserve, grant, by=by, memo=grant.number)


def _release(grant: Grant, *, by: Actor, memo: str) -> None:
    _post(funds.release, grant, by=by, memo=memo)


@FLOW.handler(Step.CANCEL)
@transaction.atomic
def cancel_grant(grant: Grant, *, by: Actor, reason: str = "", note: str = "") -> Grant:
    """Withdraw a grant not yet sent to the bank; an approved one gets its money released.

    A caseworker cancels before approval; after it, an approver or finance (the reservation
    goes back to the available balance in the same transaction)."""
    reason = _reason(Step.CANCEL, reason or note)
    with FLOW.moving(grant, Step.CANCEL, by=by, note=reason) as move:
        if move.source == Status.APPROVED:
            _release(move.obj, by=by, memo=reason)
            move.changes["released_fen"] = move.obj.amount_fen
    return move.obj


@FLOW.handler(Step.RETRY)
@transaction.atomic
def retry_grant(grant: Grant, *, by: Actor, note: str = "") -> Grant:
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
def record_return(grant: Grant, *, by: Actor, reason: str = "", note: str = "") -> Grant:
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
