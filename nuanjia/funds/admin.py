"""Funds configuration in the Django admin (superusers only): the earmarks (专项).

Accounts, transactions and entries are written only through services; the admin shows them
read-only, so no balance can be typed in.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from nuanjia.core.adminkit import AuditedAdmin, ReadOnlyAdmin

from .models import ClosedPeriod, Earmark, Entry, FundAccount, Transaction


@admin.register(Earmark)
class EarmarkAdmin(AuditedAdmin):
    list_display = ["name", "code", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["name", "code"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The code is what postings and sheets carry: fixed once the earmark exists.
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FundAccount)
class FundAccountAdmin(ReadOnlyAdmin):
    list_display = ["org", "earmark", "available_fen", "reserved_fen", "spent_fen"]
    list_select_related = ["org", "earmark"]
    search_fields = ["org__code", "org__name"]


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "kind",
        "org",
        "earmark",
        "amount_fen",
        "posted_on",
        "source_type",
        "source_id",
    ]
    list_filter = ["kind", "earmark"]
    list_select_related = ["org", "earmark"]
    search_fields = ["memo", "source_id"]


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "transaction", "account", "bucket", "amount_fen", "counterparty"]


@admin.register(ClosedPeriod)
class ClosedPeriodAdmin(ReadOnlyAdmin):
    list_display = ["org", "year", "month", "closed_by", "closed_at"]
