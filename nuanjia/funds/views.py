"""Ledger pages: balances per org and earmark (元 or 万元) with drill-down to the transactions
behind a figure, the transaction list and detail, the printable voucher (付款凭证), and the
finance forms (receive, allocate one or many from a sheet, return, reverse, close a month).
Every read is scoped through funds.queries; every write goes through funds.services."""

import io
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import XLSX_CONTENT_TYPE, result_context
from nuanjia.core.listexport import ListExport, column, money
from nuanjia.core.lists import ListPage
from nuanjia.core.money import format_yuan
from nuanjia.core.workflow_pages import apply_rule_error
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import StaffRequest, deny, own_org, requires
from nuanjia.orgs.queries import get_org_for, org_ancestors
from nuanjia.orgs.rules import Perm

from . import forms, queries, services, sources
from .imports import ALLOCATION_SHEET, import_allocations, write_allocation_template
from .models import Bucket, ClosedPeriod, Earmark, FundAccount, Transaction

UNITS = ("yuan", "wan")
TEMPLATE_FILE_NAME = "资金下拨模板.xlsx"


def _unit(request: StaffRequest) -> str:
    unit = request.GET.get("unit", "yuan")
    return unit if unit in UNITS else "yuan"


def _query_string(request: StaffRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def label_sources(postings: list[Any]) -> None:
    """Give each posting `source_label` and `source_link`: the object that caused it, named
    and linked by its app (funds.sources), else the raw `type:id` without a link."""
    labels = sources.describe_postings(
        (posted.source_type, posted.source_id) for posted in postings
    )
    for posted in postings:
        found = labels.get((posted.source_type, posted.source_id))
        posted.source_label = found.text if found else posted.source
        posted.source_link = found.url if found else ""


def _render(request: StaffRequest, template: str, context: dict[str, Any]) -> HttpResponseBase:
    """Render a ledger page; the tabs show the finance forms to those who may use them."""
    context["perms_move"] = request.user.has_perm_code(Perm.MOVE_FUNDS)
    return render(request, template, context)


# ---- Ledger and drill-down -----------------------------------------------------------------


@requires(Perm.VIEW_FUNDS)
def ledger_view(request: StaffRequest, org_id: int | None = None) -> HttpResponseBase:
    """An org's money by earmark: its own accounts (本级), its subtree's totals and each
    child's subtree, every figure a link to the transactions behind it."""
    user = request.user
    home = own_org(request)
    org = home if org_id is None else get_org_for(user, org_id)
    unit = _unit(request)
    earmarks = list(Earmark.objects.all())
    earmark_by_id = {earmark.pk: earmark for earmark in earmarks}
    own = {row.key.earmark_id: row for row in queries.own_balances(org)}
    subtree = queries.subtree_balances(org)
    rows: list[dict[str, Any]] = [
        {
            "earmark": earmark,
            "account": own[earmark.pk].key if earmark.pk in own else None,
            "own": own[earmark.pk].figures if earmark.pk in own else queries.Figures(),
            "subtree": subtree.get(earmark.pk, queries.Figures()),
        }
        for earmark in earmarks
        if earmark.is_active or earmark.pk in subtree
    ]
    total_own, total_subtree = queries.Figures(), queries.Figures()
    for row in rows:
        total_own.add(row["own"])
        total_subtree.add(row["subtree"])
    selected_id = _int(request.GET.get("earmark"))
    selected = earmark_by_id.get(selected_id) if selected_id is not None else None
    children = list(Org.objects.filter(parent=org).order_by("code"))
    by_child = queries.children_balances(org, earmark=selected, children=children)
    child_rows = []
    for child in children:
        figures = queries.Figures()
        for (child_id, _earmark_id), child_figures in by_child.items():
            if child_id == child.pk:
                figures.add(child_figures)
        if figures.total_fen or child.kind in Org.ADMINISTRATIVE_KINDS:
            child_rows.append({"org": child, "figures": figures})
    context = {
        "org": org,
        "ancestors": [ancestor for ancestor in org_ancestors(org) if ancestor.is_within(home)]
        if org != home
        else [],
        "unit": unit,
        "rows": rows,
        "total_own": total_own,
        "total_subtree": total_subtree,
        "earmarks": earmarks,
        "selected": selected,
        "child_rows": child_rows,
        "buckets": queries.BUCKETS,
    }
    return _render(request, "funds/ledger.html", context)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _transaction_page(
    request: StaffRequest,
    transactions: QuerySet[Transaction],
    account: FundAccount | None = None,
    *,
    figure_accounts: QuerySet[FundAccount] | None = None,
    bucket: str = "",
) -> tuple[ListPage, list[Transaction]]:
    """One page of the transactions behind a figure, each with its signed effect on it."""
    page = queries.TRANSACTION_LIST.page(transactions, request.GET)
    items = page.rows
    ids = [posted.pk for posted in items]
    moves = queries.account_moves(account, ids) if account else {}
    effects = (
        queries.figure_effects(figure_accounts, bucket or None, ids)
        if figure_accounts is not None
        else {}
    )
    label_sources(items)
    for posted in items:
        posted.moves = [
            (Bucket(bucket).label, amount) for bucket, amount in moves.get(posted.pk, {}).items()
        ]
        posted.effect_fen = effects.get(posted.pk, 0)
    return page, items


@requires(Perm.VIEW_FUNDS)
def account_view(request: StaffRequest, account_id: int) -> HttpResponseBase:
    """One account's figures and the transactions that moved them (one bucket, if asked)."""
    account = queries.get_account_for(request.user, account_id)
    bucket = request.GET.get("bucket", "")
    bucket = bucket if bucket in Bucket.values and bucket != Bucket.EXTERNAL else ""
    accounts = queries.visible_accounts(request.user).filter(pk=account.pk)
    transactions = queries.transactions_behind(accounts, bucket=bucket or None)
    page, items = _transaction_page(
        request, transactions, account, figure_accounts=accounts, bucket=bucket
    )
    context = {
        "account": account,
        "is_figure": True,
        "figure_total": queries.figure_sum(accounts, bucket or None),
        "figures": queries.account_figures(account),
        "bucket": bucket,
        "bucket_label": Bucket(bucket).label if bucket else "",
        "page": page,
        "transactions": items,
        "query": _query_string(request),
        "unit": _unit(request),
    }
    return _render(request, "funds/account.html", context)


@requires(Perm.VIEW_FUNDS)
def figure_view(request: StaffRequest, org_id: int) -> HttpResponseBase:
    """The transactions behind a subtree figure: an org and everything below it, one earmark
    (or all) and one bucket (or all)."""
    org = get_org_for(request.user, org_id)
    earmark_id = _int(request.GET.get("earmark"))
    earmark = Earmark.objects.filter(pk=earmark_id).first() if earmark_id is not None else None
    bucket = request.GET.get("bucket", "")
    bucket = bucket if bucket in Bucket.values and bucket != Bucket.EXTERNAL else ""
    accounts = queries.subtree_accounts(org, earmark=earmark)
    if bucket:
        transactions = queries.transactions_behind(accounts, bucket=bucket)
    else:
        transactions = queries.transactions_in_subtree(org, earmark=earmark)
    page, items = _transaction_page(request, transactions, figure_accounts=accounts, bucket=bucket)
    figures = queries.subtree_total(org, earmark=earmark)
    context = {
        "is_figure": True,
        "figure_total": queries.figure_sum(accounts, bucket or None),
        "org": org,
        "earmark": earmark,
        "bucket": bucket,
        "bucket_label": Bucket(bucket).label if bucket else "",
        "figure": figures.total_fen if not bucket else getattr(figures, f"{bucket}_fen"),
        "page": page,
        "transactions": items,
        "query": _query_string(request),
        "unit": _unit(request),
    }
    return _render(request, "funds/figure.html", context)


TRANSACTION_EXPORT = ListExport("funds.transactions", _lazy("Fund transactions"), (
    column(_lazy("No."), "pk"), column(_lazy("Business date"), "posted_on"),
    column(_lazy("Kind"), "get_kind_display"), column(_lazy("Union"), "org.name"),
    column(_lazy("Counterpart union"), "counterpart_org.name"), column(_lazy("Earmark"), "earmark.name"),
    money(_lazy("Amount (yuan)"), "amount_fen"), column(_lazy("Memo"), "memo"),
    column(_lazy("Source"), "source_label"),
))  # fmt: skip
EXPORT_CHUNK = 2000


def _labelled(transactions: QuerySet[Transaction]) -> Iterator[Transaction]:
    """The export's rows with their sources named as on the page (救助 RG…), a chunk at a
    time; one row past the export's limit, so it can say it was cut."""
    rows = transactions[: TRANSACTION_EXPORT.limit + 1].iterator(chunk_size=EXPORT_CHUNK)
    chunk: list[Transaction] = []
    for posted in rows:
        chunk.append(posted)
        if len(chunk) == EXPORT_CHUNK:
            label_sources(chunk)
            yield from chunk
            chunk = []
    label_sources(chunk)
    yield from chunk


def _filtered_transactions(request: StaffRequest) -> tuple[QuerySet[Transaction], dict[str, Any]]:
    filters = {key: request.GET.get(key, "").strip() for key in ("kind", "earmark", "q")}
    earmark_id = _int(filters["earmark"])
    earmark = Earmark.objects.filter(pk=earmark_id).first() if earmark_id else None
    transactions = queries.filtered_transactions(
        request.user, kind=filters["kind"], earmark=earmark, q=filters["q"]
    )
    return transactions, filters


@requires(Perm.VIEW_FUNDS)
def transaction_list_view(request: StaffRequest) -> HttpResponseBase:
    """Transactions of the user's subtree, newest first; search by memo or source."""
    transactions, filters = _filtered_transactions(request)
    page, items = _transaction_page(request, transactions)
    context = {
        "page": page,
        "transactions": items,
        "query": _query_string(request),
        "kinds": Transaction.Kind.choices,
        "kind": filters["kind"],
        "earmarks": Earmark.objects.all(),
        "earmark": _int(filters["earmark"]),
        "q": filters["q"],
        "unit": "yuan",
    }
    return _render(request, "funds/transaction_list.html", context)


@requires(Perm.VIEW_FUNDS)
def transaction_export_view(request: StaffRequest) -> HttpResponseBase:
    """The filtered transaction list as xlsx: every row the filters select."""
    transactions, filters = _filtered_transactions(request)
    ordered = queries.TRANSACTION_LIST.ordered(transactions, request.GET.get("sort"))
    return TRANSACTION_EXPORT.response(request, _labelled(ordered), filters)


@requires(Perm.VIEW_FUNDS)
def transaction_detail_view(request: StaffRequest, transaction_id: int) -> HttpResponseBase:
    posted = queries.get_transaction_for(request.user, transaction_id)
    label_sources([posted])
    entries = list(posted.entries.select_related("account__org", "account__earmark"))
    reversal = Transaction.objects.filter(reverses=posted).first()
    context = {
        "posted": posted,
        "entries": entries,
        "reversal": reversal,
        "may_reverse": (
            reversal is None
            and posted.kind != Transaction.Kind.REVERSE
            and not posted.source_type
            and services.may_move_funds(request.user, posted.org)
        ),
    }
    return _render(request, "funds/transaction_detail.html", context)


@requires(Perm.VIEW_FUNDS)
def voucher_view(request: StaffRequest, transaction_id: int) -> HttpResponseBase:
    """付款凭证: the printable voucher of one transaction, with the amount in capitals."""
    posted = queries.get_transaction_for(request.user, transaction_id)
    label_sources([posted])
    entries = list(posted.entries.select_related("account__org", "account__earmark"))
    return _render(
        request,
        "funds/voucher.html",
        {"posted": posted, "entries": entries},
    )


# ---- Finance forms -------------------------------------------------------------------------


def _posting_form_view(
    request: StaffRequest,
    form: BaseForm,
    post: Callable[[dict[str, Any]], Transaction],
    *,
    title: str,
    done: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponseBase:
    """A money-moving form of the user's own union: `post(cleaned_data)` posts the transaction
    (a refusal goes back onto the form), `done` says so with its number."""
    org = own_org(request)
    if request.method == "POST" and form.is_valid():
        try:
            posted = post(form.cleaned_data)
        except RuleViolation as error:
            apply_rule_error(form, error)
        else:
            messages.success(request, done % {"id": posted.pk})
            return redirect("funds:transaction", transaction_id=posted.pk)
    context = {"form": form, "title": title, "org": org, "balances": queries.own_balances(org)}
    return _render(request, "funds/form.html", context | (extra or {}))


@requires(Perm.MOVE_FUNDS)
def receive_view(request: StaffRequest) -> HttpResponseBase:
    """收入: money entering the user's union from outside (上级拨款, 财政, 本级经费)."""
    org = own_org(request)

    def post(data: dict[str, Any]) -> Transaction:
        return services.receive(
            org, data["earmark"], data["amount"], source=data["source"], by=request.user,
            memo=data["memo"], posted_on=data["posted_on"],
        )  # fmt: skip

    return _posting_form_view(
        request,
        forms.ReceiveForm(request.POST or None),
        post,
        title=_("Receive funds"),
        done=_("Received; transaction #%(id)s."),
    )


@requires(Perm.MOVE_FUNDS)
def allocate_view(request: StaffRequest) -> HttpResponseBase:
    """下拨: from the user's union to one union directly under it."""
    org = own_org(request)
    children = Org.objects.filter(parent=org, is_active=True).order_by("code")

    def post(data: dict[str, Any]) -> Transaction:
        return services.allocate(
            org, data["to_org"], data["earmark"], data["amount"], by=request.user,
            memo=data["memo"], posted_on=data["posted_on"],
        )  # fmt: skip

    return _posting_form_view(
        request,
        forms.AllocateForm(request.POST or None, children=children),
        post,
        title=_("Allocate funds"),
        done=_("Allocated; transaction #%(id)s."),
        extra={"import_link": True},
    )


@requires(Perm.MOVE_FUNDS)
def allocation_import_view(request: StaffRequest) -> HttpResponseBase:
    """Allocate to many unions from one sheet ("2560万元 over 18 cities"): all or nothing."""
    org = own_org(request)
    form = forms.AllocationImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "org": org, "columns": ALLOCATION_SHEET.columns}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result, importer = import_allocations(
                data["file"],
                from_org=org,
                earmark=data["earmark"],
                by=request.user,
                memo=data["memo"],
                posted_on=data["posted_on"],
            )
        except RuleViolation as error:  # a refusal outside the rows (role, closed month)
            form.add_error(None, error.message)
        else:
            if result.committed:
                messages.success(
                    request,
                    _("%(count)d allocations posted, %(total)s yuan in total.")
                    % {
                        "count": len(importer.transactions),
                        "total": format_yuan(importer.total_fen),
                    },
                )
                return redirect(
                    reverse("funds:transactions") + f"?kind=allocate&earmark={data['earmark'].pk}"
                )
            context |= result_context(result)
    return _render(request, "funds/allocation_import.html", context)


@requires(Perm.MOVE_FUNDS)
def allocation_template_view(request: StaffRequest) -> HttpResponseBase:
    buffer = io.BytesIO()
    write_allocation_template(buffer, from_org=own_org(request))
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        content_disposition_header(True, TEMPLATE_FILE_NAME) or "attachment"
    )
    return response


@requires(Perm.MOVE_FUNDS)
def return_view(request: StaffRequest) -> HttpResponseBase:
    """上缴: unspent money from the user's union back to the union above it."""
    org = own_org(request)

    def post(data: dict[str, Any]) -> Transaction:
        return services.return_up(
            org, data["earmark"], data["amount"], by=request.user, memo=data["memo"],
            posted_on=data["posted_on"],
        )  # fmt: skip

    return _posting_form_view(
        request,
        forms.ReturnForm(request.POST or None),
        post,
        title=_("Return funds to %(org)s") % {"org": org.parent or "—"},
        done=_("Returned; transaction #%(id)s."),
    )


@requires(Perm.MOVE_FUNDS)
def reverse_view(request: StaffRequest, transaction_id: int) -> HttpResponseBase:
    """冲正: post the opposite of a transaction (never an edit)."""
    posted = queries.get_transaction_for(request.user, transaction_id, write=True)
    if not services.may_move_funds(request.user, posted.org):
        deny(request.user, Perm.MOVE_FUNDS, request.path)
    form = forms.ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reversal = services.reverse(posted, by=request.user, reason=form.cleaned_data["reason"])
        except RuleViolation as error:
            apply_rule_error(form, error)
        else:
            messages.success(request, _("Reversed; transaction #%(id)s.") % {"id": reversal.pk})
            return redirect("funds:transaction", transaction_id=reversal.pk)
    return _render(
        request,
        "funds/form.html",
        {
            "form": form,
            "title": _("Reverse transaction #%(id)s") % {"id": posted.pk},
            "org": posted.org,
            "posted": posted,
        },
    )


@requires(Perm.MOVE_FUNDS)
def close_period_view(request: StaffRequest) -> HttpResponseBase:
    """结账: close an ended month of the user's union's books."""
    org = own_org(request)
    form = forms.ClosePeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        year, month = form.cleaned_data["month"]
        try:
            services.close_period(org, year, month, by=request.user)
        except RuleViolation as error:
            apply_rule_error(form, error)
        else:
            messages.success(
                request, _("%(period)s is closed.") % {"period": f"{year}-{month:02d}"}
            )
            return redirect("funds:close_period")
    return _render(
        request,
        "funds/close_period.html",
        {
            "form": form,
            "org": org,
            "periods": ClosedPeriod.objects.filter(org=org).select_related("closed_by")[:36],
        },
    )
