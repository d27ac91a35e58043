"""The ledger's measures for the reports (core.measures): money allocated down the tree (a
FLOW from the giving union to the receiving one), reserved and paid, per earmark. A reversal
counts against the posting it reverses, on its own business date."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import BigIntegerField, Case, F, Q, QuerySet, Sum, Value, When
from django.utils.translation import gettext_lazy as _

from nuanjia.core import measures
from nuanjia.core.listexport import column, money
from nuanjia.orgs.rules import Perm

from .models import Earmark, Transaction

Kind = Transaction.Kind


def _earmark_name(code: str) -> str:
    return Earmark.objects.filter(code=code).values_list("name", flat=True).first() or code


def _postings(kind: str, first: datetime.date, last: datetime.date) -> QuerySet[Transaction]:
    """The postings of `kind` and the reversals of such postings, each with its signed value."""
    return Transaction.objects.filter(
        Q(kind=kind) | Q(kind=Kind.REVERSE, reverses__kind=kind),
        posted_on__range=(first, last),
    ).annotate(
        fact_value=Case(
            When(
                kind=Kind.REVERSE, then=F("amount_fen") * Value(-1, output_field=BigIntegerField())
            ),
            default=F("amount_fen"),
            output_field=BigIntegerField(),
        )
    )


def _facts(kind: str, *, flow: bool = False) -> measures.Compute:
    def compute(first: datetime.date, last: datetime.date) -> Any:
        peer = {"peer_id": F("counterpart_org_id")} if flow else {}
        return (
            _postings(kind, first, last)
            .values("org_id", day=F("posted_on"), d1=F("earmark__code"), d2=Value(""), **peer)
            .annotate(value=Sum("fact_value"))
        )

    return compute


def _rows(kind: str, *, flow: bool = False) -> measures.Rows:
    def rows(
        path: str,
        own: bool,
        first: datetime.date,
        last: datetime.date,
        d1: str | None = None,
        d2: str | None = None,
    ) -> QuerySet[Transaction]:
        found = _postings(kind, first, last).filter(measures.in_union(path, own=own))
        if flow and not own:  # a flow between two unions of the subtree nets out
            found = found.exclude(measures.in_union(path, own=False, field="counterpart_org"))
        found = measures.of_dimensions(found, ("earmark__code",), (d1,))
        return found.select_related("org", "counterpart_org", "earmark")

    return rows


COLUMNS = (
    column(_("Number"), "pk"),
    column(_("Business date"), "posted_on"),
    column(_("Kind"), "get_kind_display"),
    column(_("Union"), "org.name"),
    column(_("Counterpart union"), "counterpart_org.name"),
    column(_("Earmark"), "earmark.name"),
    money(_("Amount (yuan)"), "fact_value"),
    column(_("Memo"), "memo"),
)
CHANGES = (measures.ChangeFeed(lambda: Transaction.objects.all(), day="posted_on", stamp="id"),)
EARMARK = measures.Dimension(_("Earmark"), _earmark_name)


def _measure(
    code: str, name: Any, kind: str, order: int, *, flow: bool = False
) -> measures.Measure:
    return measures.Measure(
        code=code,
        name=name,
        unit=measures.Unit.FEN,
        kind=measures.Kind.FLOW if flow else measures.Kind.ADDITIVE,
        compute=_facts(kind, flow=flow),
        rows=_rows(kind, flow=flow),
        changes=CHANGES,
        dimensions=(EARMARK,),
        columns=COLUMNS,
        order=order,
        permission=Perm.VIEW_FUNDS,
    )


def received_facts(first: datetime.date, last: datetime.date) -> Any:
    """Allocations as the receiving union sees them: a FLOW kept at the receiver with the
    giver as its peer, so a subtree's total is what came into it from outside. Grouped in
    the database; the keys are renamed (the row's own `org_id` is the giver's), by the
    INSERT … SELECT's column names or as the groups are read."""
    groups = (
        _postings(Kind.ALLOCATE, first, last)
        .filter(counterpart_org__isnull=False)
        .values(
            "org_id", "counterpart_org_id", day=F("posted_on"), d1=F("earmark__code"),
            d2=Value(""),
        )
        .annotate(value=Sum("fact_value"))
    )  # fmt: skip
    return measures.Grouped(groups, {"org_id": "peer_id", "counterpart_org_id": "org_id"})


def received_rows(
    path: str,
    own: bool,
    first: datetime.date,
    last: datetime.date,
    d1: str | None = None,
    d2: str | None = None,
) -> QuerySet[Transaction]:
    found = _postings(Kind.ALLOCATE, first, last).filter(
        measures.in_union(path, own=own, field="counterpart_org")
    )
    if not own:  # from a union of the same subtree: inside it
        found = found.exclude(measures.in_union(path, own=False))
    found = measures.of_dimensions(found, ("earmark__code",), (d1,))
    return found.select_related("org", "counterpart_org", "earmark")


MEASURES = (
    _measure("funds.allocated", _("Funds allocated"), Kind.ALLOCATE, 30, flow=True),
    # The execution rate (执行率) of a union's subtree is funds.paid over funds.received,
    # both per earmark; the ratio is computed on display, never stored.
    measures.Measure(
        code="funds.received",
        name=_("Funds received from above"),
        unit=measures.Unit.FEN,
        kind=measures.Kind.FLOW,
        compute=received_facts,
        rows=received_rows,
        changes=CHANGES,
        dimensions=(EARMARK,),
        columns=COLUMNS,
        order=33,
        permission=Perm.VIEW_FUNDS,
    ),
    _measure("funds.reserved", _("Funds reserved"), Kind.RESERVE, 31),
    _measure("funds.paid", _("Funds paid"), Kind.SPEND, 32),
)
