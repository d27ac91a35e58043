"""The funds API (under /api/v1/funds/): balances, transactions, allocations.

Reads need the funds-view permission and are scoped to the caller's subtree; an allocation
needs the finance role. Amounts go out as integer 分 and as 元 text; they come in as 元 text
("2500.50"), read by core.money so the API refuses exactly what the pages refuse.
Refusals use the project's error shape: 403 for a role, 404 out of scope, 400 with a
Chinese message and the field at fault for a rule.
"""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.core.errors import RuleViolation
from nuanjia.core.lists import Seek
from nuanjia.core.money import format_yuan, parse_yuan
from nuanjia.core.schemas import OptionalDate
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import StaffRequest, check_permission, own_org
from nuanjia.orgs.queries import get_org_by_code_for, visible_orgs
from nuanjia.orgs.rules import Perm

from . import queries, services, sources
from .models import Earmark, FundAccount, Transaction

router = Router(tags=["funds"])


class FiguresOut(Schema):
    available_fen: int
    reserved_fen: int
    spent_fen: int
    total_fen: int
    available_yuan: str
    reserved_yuan: str
    spent_yuan: str
    total_yuan: str


class BalanceOut(Schema):
    earmark: str
    earmark_name: str
    own: FiguresOut | None
    subtree: FiguresOut


class BalancesOut(Schema):
    org_code: str
    org_name: str
    balances: list[BalanceOut]


class EntryOut(Schema):
    account_id: int | None
    org_code: str | None
    bucket: str
    counterparty: str
    amount_fen: int


class TransactionOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    org_code: str = Field(alias="org.code")
    org_name: str = Field(alias="org.name")
    counterpart_org_code: str | None
    earmark: str = Field(alias="earmark.code")
    amount_fen: int
    amount_yuan: str
    memo: str
    source_type: str
    source_id: str
    reverses_id: int | None
    posted_on: datetime.date
    created_at: datetime.datetime

    @staticmethod
    def resolve_counterpart_org_code(obj: Transaction) -> str | None:
        return obj.counterpart_org.code if obj.counterpart_org else None

    @staticmethod
    def resolve_amount_yuan(obj: Transaction) -> str:
        return format_yuan(obj.amount_fen, grouping=False)


class TransactionDetailOut(TransactionOut):
    entries: list[EntryOut]
    source_label: str = Field(
        description="the object behind the posting as people name it (救助 RG000010); "
        "the raw `source_type:source_id` when its app names none"
    )
    source_link: str = Field(description="the page of that object, empty when there is none")

    @staticmethod
    def resolve_source_label(obj: Transaction) -> str:
        label = sources.label_of(obj.source_type, obj.source_id)
        return label.text if label else obj.source

    @staticmethod
    def resolve_source_link(obj: Transaction) -> str:
        label = sources.label_of(obj.source_type, obj.source_id)
        return label.url if label else ""

    @staticmethod
    def resolve_entries(obj: Transaction) -> list[dict[str, Any]]:
        return [
            {
                "account_id": entry.account_id,
                "org_code": entry.account.org.code if entry.account else None,
                "bucket": entry.bucket,
                "counterparty": entry.counterparty,
                "amount_fen": entry.amount_fen,
            }
            for entry in obj.entries.select_related("account__org")
        ]


class AllocationIn(Schema):
    to_org: str = Field(description="code of a union directly under the caller's union")
    earmark: str = Field(description="earmark code, e.g. warmth")
    amount: str = Field(description="in yuan, at most two decimals, e.g. 2500.50")
    memo: str = ""
    posted_on: OptionalDate = None


def _figures(figures: queries.Figures) -> dict[str, Any]:
    return {
        "available_fen": figures.available_fen,
        "reserved_fen": figures.reserved_fen,
        "spent_fen": figures.spent_fen,
        "total_fen": figures.total_fen,
        "available_yuan": format_yuan(figures.available_fen, grouping=False),
        "reserved_yuan": format_yuan(figures.reserved_fen, grouping=False),
        "spent_yuan": format_yuan(figures.spent_fen, grouping=False),
        "total_yuan": format_yuan(figures.total_fen, grouping=False),
    }


def _org(request: StaffRequest, code: str) -> Org:
    return get_org_by_code_for(request.user, code) if code else own_org(request)


@router.get("/balances", response=BalancesOut, summary="Balances of a union by earmark")
def balances(request: StaffRequest, org: str = "") -> dict[str, Any]:
    """The union's own accounts and its whole subtree, by earmark (the caller's union unless
    `org` names one below it)."""
    check_permission(request.user, Perm.VIEW_FUNDS, request.path)
    union = _org(request, org)
    own = {row.key.earmark_id: row.figures for row in queries.own_balances(union)}
    subtree = queries.subtree_balances(union)
    rows = [
        {
            "earmark": earmark.code,
            "earmark_name": earmark.name,
            "own": _figures(own[earmark.pk]) if earmark.pk in own else None,
            "subtree": _figures(subtree.get(earmark.pk, queries.Figures())),
        }
        for earmark in Earmark.objects.all()
        if earmark.is_active or earmark.pk in subtree
    ]
    return {"org_code": union.code, "org_name": union.name, "balances": rows}


class AccountOut(Schema):
    """One fund account (a union's money of one earmark) and its three balances, in fen."""

    id: int
    org_code: str = Field(alias="org.code")
    org_name: str = Field(alias="org.name")
    earmark: str = Field(alias="earmark.code")
    earmark_name: str = Field(alias="earmark.name")
    available_fen: int
    reserved_fen: int
    spent_fen: int


@router.get("/accounts", response=list[AccountOut], summary="Fund accounts in the caller's scope")
@paginate(Seek, spec=queries.ACCOUNT_LIST)
def list_accounts(request: StaffRequest, org: str = "", earmark: str = "") -> QuerySet[FundAccount]:
    """The accounts of the caller's subtree (资金账户), of one union or one earmark."""
    check_permission(request.user, Perm.VIEW_FUNDS, request.path)
    accounts = queries.visible_accounts(request.user)
    if org:
        accounts = accounts.filter(org=get_org_by_code_for(request.user, org))
    if earmark:
        accounts = accounts.filter(earmark__code=earmark)
    return accounts


@router.get(
    "/transactions",
    response=list[TransactionOut],
    summary="Fund transactions in the caller's scope",
)
@paginate(Seek, spec=queries.TRANSACTION_LIST)
def list_transactions(
    request: StaffRequest,
    org: str = "",
    earmark: str = "",
    kind: str = "",
    source_type: str = "",
    source_id: str = "",
    q: str = "",
) -> QuerySet[Transaction]:
    check_permission(request.user, Perm.VIEW_FUNDS, request.path)
    if kind and kind not in Transaction.Kind.values:
        # A plain string: an enum here would add a component named "Kind" to the schema,
        # which clashes with the org kinds of the orgs API.
        raise RuleViolation(_("Unknown kind %(kind)s.") % {"kind": kind[:20]}, field="kind")
    earmark_row = Earmark.objects.filter(code=earmark).first() if earmark else None
    if earmark and earmark_row is None:
        return Transaction.objects.none()
    transactions = queries.filtered_transactions(
        request.user,
        kind=kind,
        earmark=earmark_row,
        q=q,
        org=get_org_by_code_for(request.user, org) if org else None,
        source_type=source_type,
        source_id=source_id,
    )
    return transactions


@router.get(
    "/transactions/{transaction_id}",
    response=TransactionDetailOut,
    summary="One fund transaction with its entries",
)
def get_transaction(request: StaffRequest, transaction_id: int) -> Transaction:
    check_permission(request.user, Perm.VIEW_FUNDS, request.path)
    return queries.get_transaction_for(request.user, transaction_id)


@router.post(
    "/allocations",
    response={201: TransactionDetailOut},
    summary="Allocate from the caller's union to one directly under it",
)
def allocate(request: StaffRequest, payload: AllocationIn) -> Status[Transaction]:
    check_permission(request.user, Perm.MOVE_FUNDS, request.path)
    from_org = own_org(request)
    to_org = visible_orgs(request.user).filter(code=payload.to_org.strip().upper()).first()
    if to_org is None or to_org.parent_id != from_org.pk:
        raise RuleViolation(
            _("%(to)s is not a union directly under %(from)s.")
            % {"to": payload.to_org, "from": from_org},
            field="to_org",
        )
    earmark = Earmark.objects.filter(code=payload.earmark, is_active=True).first()
    if earmark is None:
        raise RuleViolation(
            _("Unknown earmark %(code)s.") % {"code": payload.earmark}, field="earmark"
        )
    amount_fen = parse_yuan(payload.amount, field="amount", label=_("Amount"))
    posted = services.allocate(
        from_org,
        to_org,
        earmark,
        amount_fen,
        by=request.user,
        memo=payload.memo,
        posted_on=payload.posted_on,
    )
    return Status(201, queries.get_transaction_for(request.user, posted.pk))
