"""Disputes of a match (欠薪, 工伤…) handed to the 12351 hotline: the hotline's own staff-side
intake (`hotline.services.open_ticket`) opens a ticket for the worker as the caller, in the
post's region, as a complaint; the dispute row links the match to its ticket, and the
ticket's description names the match (LG number) so the hotline's people can find it."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.text import text_block
from nuanjia.hotline.rules import Kind
from nuanjia.hotline.services import open_ticket
from nuanjia.orgs.permissions import staff_of

from ..models import Dispute, Match
from ..rules import DisputeKind, MatchStatus
from .common import require_manager


@transaction.atomic
def open_dispute(match: Match, *, by: Actor, kind: str, description: str) -> Dispute:
    require_manager(by, match.org)
    if kind not in DisputeKind.values:
        raise RuleViolation(_("Choose the kind of dispute."), field="kind")
    if match.status not in (MatchStatus.STARTED, MatchStatus.COMPLETED, MatchStatus.CANCELLED,
                            MatchStatus.NO_SHOW):  # fmt: skip
        raise RuleViolation(_("A dispute is opened once the work has started."), field="match")
    text = text_block(description, "description", 400,
                      required_message=_("Describe the dispute."))  # fmt: skip
    post, gig = match.post, match.gig_worker
    ticket = open_ticket(
        by=by, caller_name=gig.name, phone=gig.phone, region_code=post.region_code,
        kind=Kind.COMPLAINT, employer_name=post.employer_name, worker=gig.worker,
        description=_("Gig job match %(match)s (%(kind)s), %(employer)s, %(work)s: %(text)s") % {
            "match": str(match), "kind": DisputeKind(kind).label, "employer": post.employer_name,
            "work": post.work, "text": text,
        },
    )  # fmt: skip
    dispute = Dispute.objects.create(
        match=match, org=match.org, kind=kind, description=text, ticket=ticket,
        opened_by=staff_of(by),
    )  # fmt: skip
    record_event(match, "gigjobs.dispute_opened", by=by, changes={
        "dispute": dispute.pk, "kind": kind, "ticket": ticket.number,
    })  # fmt: skip
    return dispute
