"""The decisions on a checked claim, as the workflow's step handlers: a second review for the
sampled ones, approval (the reservation becomes use, the money is reserved in the pool's
account, refused while the pool has too little: the claim waits), refusal (the counters and
invoices are released)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.core.money import format_yuan
from nuanjia.funds import services as funds

from ..models import Claim, ClaimLine, Episode, Invoice, InvoiceUse, YearCounter
from ..rules import APPROVER_CUTS, SOURCE_CLAIM, ClaimStatus, ClaimStep, Cut
from ..workflow import CLAIM_FLOW
from . import counters
from .common import pool_account


@CLAIM_FLOW.handler(ClaimStep.REVIEW)
@transaction.atomic
def review_claim(claim: Claim, *, by: Actor, note: str = "") -> Claim:
    """The first review of a sampled claim: it goes on to a second person."""
    with CLAIM_FLOW.moving(claim, ClaimStep.REVIEW, by=by, note=note) as move:
        if not move.obj.second_review:
            raise RuleViolation(
                _("This claim was not drawn for a second review: approve or refuse it."),
                code="no_second_review",
            )
    return move.obj


def reserve_payment(claim: Claim, *, by: Actor | None) -> None:
    """Hold the approved amount in the pool's account (the payment batch spends it)."""
    funds.reserve(
        pool_account(claim.plan), claim.approved_fen, by=None, source_type=SOURCE_CLAIM,
        source_id=str(claim.pk), memo=str(claim),
    )  # fmt: skip


@CLAIM_FLOW.handler(ClaimStep.APPROVE)
@transaction.atomic
def approve_claim(
    claim: Claim, *, by: Actor, note: str = "", cuts: Mapping[int, tuple[int, str]] | None = None
) -> Claim:
    """Approve the proposed amounts, or less on some lines: `cuts` maps a line's position to
    (approved fen, the coded reason of the cut); a line not named is approved as proposed."""
    with CLAIM_FLOW.moving(claim, ClaimStep.APPROVE, by=by, note=note) as move:
        claim = move.obj
        if move.source == ClaimStatus.SUBMITTED and claim.second_review:
            raise RuleViolation(
                _("This claim was drawn for a second review: send it to a second reviewer first."),
                code="second_review",
            )
        lowered = approve_lines(claim, cuts or {})
        if claim.approved_fen <= 0:
            raise RuleViolation(_("Nothing is proposed for this claim: refuse it."), code="nothing")
        account = pool_account(claim.plan)
        if account.available_fen < claim.approved_fen:
            raise RuleViolation(
                _("The pool of %(org)s has %(available)s yuan available, less than the %(amount)s "
                  "yuan of this claim: the claim waits until contributions arrive.")
                % {"org": claim.pool_org, "available": format_yuan(account.available_fen),
                   "amount": format_yuan(claim.approved_fen)},
                code="insufficient_funds",
            )  # fmt: skip
        counters.use(YearCounter, claim.year_counter_id, claim.approved_fen, claim.reserved_fen)
        counters.use(Episode, claim.episode_id, claim.approved_fen, claim.reserved_fen)
        claim.reserved_fen = 0
        reserve_payment(claim, by=by)
        move.changes["approved_fen"] = claim.approved_fen
        if lowered:
            move.changes["cuts"] = lowered
    return move.obj


def approve_lines(claim: Claim, cuts: Mapping[int, tuple[int, str]]) -> dict[str, list[Any]]:
    """Set each line's approved amount (at most its proposed one; a cut names its reason),
    give back to the invoices what a cut line no longer uses, total the claim. Returns the
    cuts made, by position, for the history."""
    lines = list(claim.lines.order_by("position"))
    unknown = sorted(set(cuts) - {line.position for line in lines})
    if unknown:
        raise RuleViolation(
            _("The claim has no line %(position)d.") % {"position": unknown[0]}, field="lines"
        )
    lowered: dict[str, list[Any]] = {}
    for line in lines:
        approved, reason = cuts.get(line.position, (line.proposed_fen, ""))
        if not 0 <= approved <= line.proposed_fen:
            raise RuleViolation(
                _("Line %(position)d: approve from 0 to the proposed %(amount)s yuan.")
                % {"position": line.position, "amount": format_yuan(line.proposed_fen)},
                field=f"approve_{line.position}",
            )
        if approved < line.proposed_fen:
            if reason not in APPROVER_CUTS:
                raise RuleViolation(
                    _("Line %(position)d: choose the reason for paying less than proposed.")
                    % {"position": line.position},
                    field=f"reason_{line.position}",
                )
            cut = [reason, line.proposed_fen - approved]
            line.cuts = [*line.cuts, cut]
            lowered[str(line.position)] = cut
            _give_back_invoice(line, approved)
        line.approved_fen = approved
    ClaimLine.objects.bulk_update(lines, ["approved_fen", "cuts"])
    claim.approved_fen = sum(line.approved_fen for line in lines)
    return lowered


def _give_back_invoice(line: ClaimLine, approved: int) -> None:
    """A line approved below its proposal uses its invoice only for the approved amount."""
    use = InvoiceUse.objects.filter(line=line).first()
    if use is None:
        return
    Invoice.objects.filter(pk=use.invoice_id).update(
        used_fen=F("used_fen") - (use.amount_fen - approved)
    )
    if approved:
        InvoiceUse.objects.filter(pk=use.pk).update(amount_fen=approved)
    else:
        use.delete()


def release(claim: Claim) -> None:
    """Give back what the claim holds on its counters and invoices."""
    counters.give_back(YearCounter, claim.year_counter_id, claim.reserved_fen)
    counters.give_back(Episode, claim.episode_id, claim.reserved_fen)
    uses = InvoiceUse.objects.filter(line__claim=claim)
    for invoice_id, amount in uses.values_list("invoice_id", "amount_fen"):
        Invoice.objects.filter(pk=invoice_id).update(used_fen=F("used_fen") - amount)
    uses.delete()
    claim.reserved_fen = 0


@CLAIM_FLOW.handler(ClaimStep.REFUSE)
@transaction.atomic
def refuse_claim(claim: Claim, *, by: Actor, reason: str = "", note: str = "") -> Claim:
    reason = reason or note
    with CLAIM_FLOW.moving(claim, ClaimStep.REFUSE, by=by, note=reason) as move:
        claim = move.obj
        move.changes["released_fen"] = claim.reserved_fen
        release(claim)
        lines = list(claim.lines.all())
        for line in lines:
            line.cuts = [[Cut.REFUSED, line.asked_fen, move.note[:200]]]
            line.proposed_fen = line.approved_fen = 0
        ClaimLine.objects.bulk_update(lines, ["cuts", "proposed_fen", "approved_fen"])
        claim.proposed_fen = claim.approved_fen = 0
    return move.obj


@CLAIM_FLOW.handler(ClaimStep.CANCEL)
@transaction.atomic
def cancel_claim(claim: Claim, *, by: Actor, reason: str = "", note: str = "") -> Claim:
    """An approved claim withdrawn before it is paid (or after the bank refused it): the
    pool's reservation is released (a failed one holds none), the caps' use and the
    invoices given back."""
    reason = reason or note
    with CLAIM_FLOW.moving(claim, ClaimStep.CANCEL, by=by, note=reason) as move:
        claim = move.obj
        if move.source == ClaimStatus.APPROVED:
            funds.release(
                pool_account(claim.plan), claim.approved_fen, by=None, source_type=SOURCE_CLAIM,
                source_id=str(claim.pk), memo=move.note[:200],
            )  # fmt: skip
        for model, pk in ((YearCounter, claim.year_counter_id), (Episode, claim.episode_id)):
            model.objects.filter(pk=pk).update(used_fen=F("used_fen") - claim.approved_fen)
        release(claim)
        move.changes["released_fen"] = claim.approved_fen
        claim.approved_fen = 0
        ClaimLine.objects.filter(claim=claim).update(approved_fen=0)
        for line in claim.lines.all():
            line.cuts = [[Cut.REFUSED, line.asked_fen, move.note[:200]]]
            line.save(update_fields=["cuts"])
    return move.obj
