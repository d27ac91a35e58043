"""Enterprises' measures for the reports (core.measures): rent relieved for tenant firms (元,
on the day the relief was approved, at the union owning the premises) and union-fee rebates
returned to firms' unions (元, on the fee period's first day, at the firm's union), each by
its earmark."""

from __future__ import annotations

from django.db.models import F, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from nuanjia.core import measures
from nuanjia.core.listexport import column, money
from nuanjia.funds.models import Earmark

from .models import RentRelief
from .models_fees import Rebate
from .rules import RebateStatus, ReliefStatus


def _earmark_name(code: str) -> str:
    return Earmark.objects.filter(code=code).values_list("name", flat=True).first() or code


EARMARK = measures.Dimension(_("Earmark"), _earmark_name)


def _reliefs() -> QuerySet[RentRelief]:
    return RentRelief.objects.filter(
        status=ReliefStatus.APPROVED, approved_at__isnull=False
    ).annotate(approved_on=measures.local_day("approved_at"))


def _rebates() -> QuerySet[Rebate]:
    return Rebate.objects.filter(status=RebateStatus.PAID)


MEASURES = (
    measures.declared(
        "enterprises.rent_relieved", _("Rent relieved"), measures.Unit.FEN,
        source=_reliefs, day="approved_on", instant="approved_at", value=Sum("total_fen"), fact_value=F("total_fen"),
        dimensions=(("earmark__code", EARMARK),), related=("lease", "policy"),
        changes=(
            measures.ChangeFeed(
                lambda: RentRelief.objects.annotate(approved_on=measures.local_day("approved_at")),
                day="approved_on",
            ),
        ),
        columns=(
            column(_("Number"), str), column(_("Policy"), "policy.name"),
            column(_("Months relieved"), "months"), money(_("Amount (yuan)"), "total_fen"),
            column(_("Union"), "org.name"), column(_("Approved on"), "approved_on"),
        ),
        order=100,
    ),
    measures.declared(
        "enterprises.rebates_paid", _("Union fee rebates returned"), measures.Unit.FEN,
        source=_rebates, day="period_start", value=Sum("amount_fen"), fact_value=F("amount_fen"),
        dimensions=(("earmark__code", EARMARK),), related=("firm",),
        changes=(
            measures.ChangeFeed(
                lambda: Rebate.objects.all(), day="period_start", stamp="batch__updated_at"
            ),
        ),
        columns=(
            column(_("Number"), "pk"), column(_("Size class"), "size_class"),
            money(_("Union fee (yuan)"), "fee_fen"), money(_("Amount (yuan)"), "amount_fen"),
            column(_("Union"), "org.name"), column(_("Period from"), "period_start"),
        ),
        order=101,
    ),
)  # fmt: skip
