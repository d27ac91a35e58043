"""A merchant's monthly usage file (月度使用明细): a merchant that cannot scan (a bus company)
lists each use — member number, last 4 of the ID, date and time — for one offer. Each row is
checked like a scan (the card, the member group, every limit and the budget, in time order)
and recorded through the same `take_use`; the rows refused are kept with their reasons. A
month whose statement is live is closed to files."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.members.models import PartnerUser
from nuanjia.members.services.scanning import CardStatus, scan

from ..audit import USAGE_FILE
from ..models import MerchantTerms, Offer, Statement, UsageFile
from ..rules import RedemptionSource, StatementStatus
from .periods import ZONE, local_day, month_of
from .redemptions import BENEFIT_USE, Refused, eligible_union, take_use


@dataclass(frozen=True)
class UsageRow:
    row: int
    number: str
    id_last4: str
    day: datetime.date
    time: datetime.time | None = None

    @property
    def moment(self) -> datetime.datetime:
        return datetime.datetime.combine(self.day, self.time or datetime.time(0, 0), tzinfo=ZONE)


def check_cannot_scan(user: PartnerUser) -> None:
    """Only a merchant whose terms say it does not scan cards (a bus company) uploads usage:
    a merchant that scans confirms each use at its outlet, with the card in front of it."""
    scans = MerchantTerms.objects.filter(partner_id=user.partner_id).values_list(
        "can_scan", flat=True
    )
    if any(scans):
        raise RuleViolation(
            _("Only a merchant whose terms say it does not scan cards uploads usage files: "
              "this merchant's terms have “scans cards” on; the union changes its "
              "terms if it cannot scan."),
            field="can_scan",
        )  # fmt: skip


def _offer(user: PartnerUser, offer: Any) -> Offer:
    pk = offer if isinstance(offer, int) else int(offer) if str(offer).isdigit() else 0
    found = Offer.objects.filter(pk=pk, partner_id=user.partner_id).select_related("org").first()
    if found is None:
        raise RuleViolation(_("Choose one of your offers."), field="offer")
    return found


def _closed_months(user: PartnerUser, rows: Sequence[UsageRow]) -> set[datetime.date]:
    months = {month_of(row.day) for row in rows}
    live = Statement.objects.filter(partner_id=user.partner_id, month__in=months).exclude(
        status=StatementStatus.CANCELLED
    )
    return set(live.values_list("month", flat=True))


def _row_refusal(offer: Offer, row: UsageRow, closed: set[datetime.date]) -> tuple[str, Any]:
    """(the reason a row is refused, or "" with (worker, union))."""
    if row.day > local_day():
        return _("The date is in the future."), None
    if month_of(row.day) in closed:
        return _("This month's statement is already prepared."), None
    if not offer.starts_on <= row.day <= offer.ends_on:
        return _("The offer was not open on this date."), None
    found = scan(use=BENEFIT_USE, number=row.number, id_last4=row.id_last4)
    if found.status != CardStatus.VALID or found.worker_id is None:
        return _("The member number and the last 4 of the ID do not match a member."), None
    union = eligible_union(offer, found.worker_id, row.day)
    if union is None:
        return _("This member is not in the offer's member group."), None
    return "", (found.worker_id, union)


@transaction.atomic
def record_usage_file(
    user: PartnerUser, *, offer: Any, rows: Sequence[UsageRow], file_name: str = ""
) -> UsageFile:
    """Record a usage file's rows in time order; keep the refused ones with their reasons.
    Refused whole for a merchant that scans cards (`check_cannot_scan`)."""
    check_cannot_scan(user)
    chosen = _offer(user, offer)
    if not rows:
        raise RuleViolation(_("The file has no rows."), field="file")
    usage = UsageFile.objects.create(partner_id=user.partner_id, offer=chosen, uploaded_by=user,
                                     file_name=file_name[:200], rows=len(rows))  # fmt: skip
    closed = _closed_months(user, rows)
    refusals, recorded = [], 0
    for row in sorted(rows, key=lambda r: (r.moment, r.row)):
        reason, found = _row_refusal(chosen, row, closed)
        if not reason:
            try:
                take_use(chosen, worker_id=found[0], org_id=found[1], at=row.moment, user=user,
                         outlet=None, source=RedemptionSource.UPLOAD, usage_file=usage)  # fmt: skip
                recorded += 1
                continue
            except Refused as refused:
                reason = refused.message
        refusals.append({"row": row.row, "reason": reason})
    refusals.sort(key=lambda item: int(str(item["row"])))
    usage.recorded, usage.refused, usage.refusals = recorded, len(refusals), refusals
    usage.save(update_fields=["recorded", "refused", "refusals"])
    record_event(usage, USAGE_FILE, org=user.partner.org, actor_label=user.actor_label,
                 changes={"offer": chosen.name, "rows": len(rows), "recorded": recorded,
                          "refused": len(refusals), "file": file_name[:200]})  # fmt: skip
    return usage
