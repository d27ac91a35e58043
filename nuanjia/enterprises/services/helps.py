"""Help for struggling firms: a caseworker proposes a grant to a firm within the caps in force
(most per help, most per firm and calendar year, counting what was paid and what waits);
another person approves it and it is paid from the paying union's earmark in the same step
(reserved and spent: the ledger's source "enterprises.help")."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.core.money import format_yuan
from nuanjia.core.text import one_line
from nuanjia.funds import services as funds
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of

from ..models import FirmHelp, FirmProfile, HelpCap
from ..rules import HelpStatus, HelpStep
from ..workflow import HELP_FLOW
from .common import CASEWORKERS, require_role

HELP_SOURCE = "enterprises.help"


def _check_caps(firm: FirmProfile, amount_fen: int, day: datetime.date) -> None:
    cap = HelpCap.objects.filter(effective_on__lte=day).order_by("-effective_on").first()
    if cap is None:
        raise RuleViolation(
            _("No cap for helping firms is in force on this day."), field="helped_on"
        )
    if amount_fen > cap.max_grant_fen:
        raise RuleViolation(
            _("One help gives at most %(cap)s.") % {"cap": format_yuan(cap.max_grant_fen)},
            field="amount",
        )
    year = (
        FirmHelp.objects.filter(
            firm=firm, helped_on__year=day.year, status__in=[HelpStatus.PROPOSED, HelpStatus.PAID]
        ).aggregate(total=Sum("amount_fen"))["total"]
        or 0
    )
    if year + amount_fen > cap.max_firm_year_fen:
        raise RuleViolation(
            _("A firm gets at most %(cap)s a year; it has %(had)s already.")
            % {"cap": format_yuan(cap.max_firm_year_fen), "had": format_yuan(year)},
            field="amount",
        )


@transaction.atomic
def propose_help(
    firm: FirmProfile,
    org: Org,
    earmark: Earmark,
    *,
    amount_fen: int,
    workers_reached: int,
    purpose: str,
    helped_on: datetime.date,
    by: Actor,
) -> FirmHelp:
    require_role(by, org, CASEWORKERS)
    FirmProfile.objects.select_for_update().filter(pk=firm.pk).first()
    purpose = one_line(purpose, "purpose", 200, required_message=_("Say what the help is for."))
    if amount_fen <= 0:
        raise RuleViolation(_("The amount must be more than 0."), field="amount")
    if workers_reached < 0:
        raise RuleViolation(_("A figure cannot be negative."), field="workers_reached")
    if not firm.org.path.startswith(org.path) and not org.path.startswith(firm.org.path):
        raise RuleViolation(_("The firm is not in the paying union's area."), field="firm")
    _check_caps(firm, amount_fen, helped_on)
    help_ = FirmHelp.objects.create(
        firm=firm, org=org, earmark=earmark, amount_fen=amount_fen,
        workers_reached=workers_reached, purpose=purpose, helped_on=helped_on,
        proposed_by=staff_of(by),
    )  # fmt: skip
    HELP_FLOW.record(help_, "propose", "", by=by, changes={
        "firm": firm.employer.name, "amount_fen": amount_fen, "workers_reached": workers_reached,
    })  # fmt: skip
    return help_


@HELP_FLOW.handler(HelpStep.APPROVE)
@transaction.atomic
def approve_help(help_: FirmHelp, *, by: Actor, note: str = "") -> FirmHelp:
    """Another person approves: the amount is reserved and spent in the same transaction
    (refused for want of money: nothing moves)."""
    with HELP_FLOW.moving(help_, HelpStep.APPROVE, by=by, note=note) as move:
        account = funds.account_for(move.obj.org, move.obj.earmark)
        amount, source, memo = move.obj.amount_fen, str(move.obj.pk), str(move.obj)
        funds.reserve(account, amount, by=by, source_type=HELP_SOURCE, source_id=source, memo=memo)
        funds.spend(account, amount, by=by, source_type=HELP_SOURCE, source_id=source, memo=memo)
        move.changes["spent_fen"] = move.obj.amount_fen
    return move.obj


@HELP_FLOW.handler(HelpStep.CANCEL)
@transaction.atomic
def cancel_help(help_: FirmHelp, *, by: Actor, reason: str = "", note: str = "") -> FirmHelp:
    return HELP_FLOW.move(help_, HelpStep.CANCEL, by=by, note=reason or note)
