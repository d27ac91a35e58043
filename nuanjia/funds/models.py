"""The fund ledger (资金台账): earmarks, accounts per org × earmark, transactions and entries.

Double entry: every Transaction has Entries whose signed amounts sum to zero. An entry moves
money into or out of one bucket (available, reserved, spent) of one FundAccount, or to or
from the outside world (bucket "external", no account, a counterparty such as 财政). The
account's balance columns are maintained totals of its entries, updated in the same database
transaction as the entries (services.py) and checked against the sums by `nuanjia funds
check`. Rows are append-only: a correction is a reversing transaction.
"""

from typing import Any, NoReturn, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from nuanjia.core.money import format_yuan
from nuanjia.orgs.models import Org


class LedgerImmutable(Exception):
    """Raised on any attempt to change or delete a posted transaction or entry."""


_M = TypeVar("_M", bound=models.Model)


class AppendOnlyQuerySet(models.QuerySet[_M]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise LedgerImmutable("ledger rows cannot be changed; post a reversing transaction")

    def delete(self) -> NoReturn:
        raise LedgerImmutable("ledger rows cannot be deleted; post a reversing transaction")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise LedgerImmutable("ledger rows cannot be changed; post a reversing transaction")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise LedgerImmutable("ledger rows cannot be deleted; post a reversing transaction")


class Earmark(models.Model):
    """A purpose money is given for (专项), e.g. 送温暖资金; money never moves between earmarks."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("earmark")
        verbose_name_plural = _("earmarks")

    def __str__(self) -> str:
        return self.name


class Bucket(models.TextChoices):
    AVAILABLE = "available", _("Available")  # 可用: may be allocated, reserved or returned
    RESERVED = "reserved", _("Reserved")  # 已预留: held for approved grants not yet paid
    SPENT = "spent", _("Spent")  # 已支出: paid out to workers
    EXTERNAL = "external", _("Outside the ledger")  # 财政, 上级拨款…: no account


class FundAccount(models.Model):
    """One org's money of one earmark, in three buckets (分). Never negative (constraints)."""

    org = models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.PROTECT, related_name="fund_accounts"
    )
    earmark = models.ForeignKey(
        Earmark, verbose_name=_("earmark"), on_delete=models.PROTECT, related_name="accounts"
    )
    available_fen = models.BigIntegerField(_("available"), default=0)
    reserved_fen = models.BigIntegerField(_("reserved"), default=0)
    spent_fen = models.BigIntegerField(_("spent"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["org__path", "earmark__sort_order"]
        verbose_name = _("fund account")
        verbose_name_plural = _("fund accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "earmark"], name="fund_account_once_per_earmark"
            ),
            models.CheckConstraint(
                condition=Q(available_fen__gte=0), name="fund_account_available_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reserved_fen__gte=0), name="fund_account_reserved_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(spent_fen__gte=0), name="fund_account_spent_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} · {self.earmark}"

    @property
    def total_fen(self) -> int:
        """Everything this account has received and kept (available + reserved + spent)."""
        return self.available_fen + self.reserved_fen + self.spent_fen

    def balance(self, bucket: str) -> int:
        return int(getattr(self, f"{bucket}_fen"))


class Transaction(AppendOnlyModel):
    """One posting: a move of money between buckets, accounts or the outside world."""

    class Kind(models.TextChoices):
        RECEIVE = "receive", _("Receipt")  # 收入: from 财政 / 上级拨款 / 本级经费 into available
        ALLOCATE = "allocate", _("Allocation")  # 下拨: available → a child org's available
        RESERVE = "reserve", _("Reservation")  # 预留: available → reserved (grant approved)
        RELEASE = "release", _("Release")  # 释放: reserved → available (grant failed/cancelled)
        SPEND = "spend", _("Payment")  # 支出: reserved → spent (grant paid), once per source
        RETURN = "return", _("Return")  # 上缴: available → the parent org's available
        REVERSE = "reverse", _("Reversal")  # 冲正: the opposite entries of an earlier posting

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # The org whose books the posting belongs to (the giver for an allocation or a return).
    org = models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.PROTECT, related_name="fund_transactions"
    )
    # The other org of an allocation (the child) or a return (the parent), so both see it.
    counterpart_org = models.ForeignKey(
        Org,
        verbose_name=_("counterpart union"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    earmark = models.ForeignKey(
        Earmark, verbose_name=_("earmark"), on_delete=models.PROTECT, related_name="+"
    )
    amount_fen = models.BigIntegerField(_("amount"))
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    # The object of another app that caused the posting ("relief.grant", "42"), if any.
    source_type = models.CharField(_("source type"), max_length=40, blank=True)
    source_id = models.CharField(_("source id"), max_length=40, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversal",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    posted_on = models.DateField(_("business date"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("fund transaction")
        verbose_name_plural = _("fund transactions")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0), name="fund_transaction_amount_positive"
            ),
            # A source (a grant) is paid at most once, whatever is retried: the database
            # refuses a second spend even when two requests race past every check.
            models.UniqueConstraint(
                fields=["source_type", "source_id"],
                condition=Q(kind="spend"),
                name="fund_transaction_one_spend_per_source",
            ),
            models.CheckConstraint(
                condition=Q(kind="reverse", reverses__isnull=False)
                | (~Q(kind="reverse") & Q(reverses__isnull=True)),
                name="fund_transaction_reversal_names_original",
            ),
        ]
        indexes = [
            models.Index(fields=["source_type", "source_id"], name="fund_tx_source"),
            # Per union in the list's keyset order (issue 25): a county's page seeks per union.
            models.Index(fields=["org", "posted_on", "id"], name="fund_tx_org_date_id"),
            # Only rows with a counterpart (allocations, returns: few): partial, so SQLite's
            # statistics see the few rows per union, not the NULLs, and seek it.
            models.Index(
                fields=["counterpart_org", "posted_on", "id"],
                name="fund_tx_counterpart_date_id",
                condition=Q(counterpart_org__isnull=False),
            ),
            # Lists are newest first: the first page of a big subtree is read off this index.
            models.Index(fields=["posted_on", "id"], name="fund_tx_date_id"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {format_yuan(self.amount_fen)}"

    @property
    def source(self) -> str:
        return f"{self.source_type}:{self.source_id}" if self.source_type else ""


class Entry(AppendOnlyModel):
    """One leg of a transaction: a signed amount (分) into (+) or out of (−) one bucket."""

    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(
        FundAccount,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    bucket = models.CharField(_("bucket"), max_length=16, choices=Bucket.choices)
    # Who the money came from or went to when it crosses the ledger's edge (财政, 上级拨款).
    counterparty = models.CharField(_("counterparty"), max_length=60, blank=True)
    amount_fen = models.BigIntegerField(_("amount"))
    # When the entry was written, by the database (its transaction's created_at for entries
    # older than the column): the key of the monthly partitions on PostgreSQL (ADR 0023).
    created_at = models.DateTimeField(_("posted at"), db_default=Now(), editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(condition=~Q(amount_fen=0), name="fund_entry_not_zero"),
            models.CheckConstraint(
                condition=Q(bucket="external", account__isnull=True)
                | (~Q(bucket="external") & Q(account__isnull=False)),
                name="fund_entry_external_has_no_account",
            ),
        ]
        indexes = [models.Index(fields=["account", "bucket"], name="fund_entry_account_bucket")]

    def __str__(self) -> str:
        return f"{self.bucket} {format_yuan(self.amount_fen)}"


class ClosedPeriod(models.Model):
    """A month of one org's books closed (结账): no posting dated in it touches the org's accounts."""

    org = models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.PROTECT, related_name="closed_periods"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-month"]
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "month"], name="closed_period_once"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="closed_period_month_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.year}-{self.month:02d}"
