"""Consumption help (消费帮扶): producers in poverty-alleviation counties and their products,
buy-to-help orders (以购代销) of the unions with where the goods went, and 1元 gift bags the
members order on the phone and collect at a collection point.

Quantities are integer grams (`units`), money integer fen. Each order line and each bag
order carries the buying union's city, the producer's county and the month, so the figures
group one table without joins (`figures`, bench/produce.py)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from nuanjia.core.history import StepEvent
from nuanjia.core.sealed_phones import sealed_phone_property
from nuanjia.orgs.models import Org

from .rules import (
    BagOrderStatus,
    Destination,
    OrderStatus,
    PayMethod,
    ProducerKind,
    Unit,
)


def _staff(name: str = "+") -> models.ForeignKey:
    return models.ForeignKey(
        "orgs.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name=name
    )


class PovertyCounty(models.Model):
    """One county on the dated list of 脱贫县 (poverty-alleviation counties), editable: a row
    is in force from `valid_from` until the day before `valid_to` (open when empty)."""

    region_code = models.CharField(_("county code"), max_length=6)
    name = models.CharField(_("county"), max_length=50)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("poverty-alleviation county")
        ordering = ["region_code", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "valid_from"], name="produce_county_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="produce_county_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.region_code})"


class Producer(models.Model):
    """A farmer, cooperative or firm whose produce the unions buy (帮扶对象), registered by a
    union; its county decides the 脱贫县 flag (from the dated list on any day)."""

    org = models.ForeignKey(Org, verbose_name=_("registering union"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=12, choices=ProducerKind.choices)
    name = models.CharField(_("name"), max_length=100)
    region_code = models.CharField(_("county code"), max_length=6, db_index=True)
    helping_unit = models.CharField(_("helping unit"), max_length=100, blank=True)  # 帮扶单位
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    # The contact's phone, sealed (core.sealed_phones): read and write it through `phone`.
    phone_encrypted = models.CharField(max_length=100, blank=True)
    phone_index = models.CharField(max_length=64, blank=True)
    phone_last4_index = models.CharField(max_length=64, blank=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)
    payee_name = models.CharField(_("account holder"), max_length=100, blank=True)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    account_encrypted = models.TextField(blank=True)
    account_masked = models.CharField(_("account"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)

    phone = sealed_phone_property("phone")

    class Meta:
        verbose_name = _("producer")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="produce_producer_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """What a producer sells: a unit (斤, 公斤, a box or bag of `grams`) at a price in fen."""

    producer = models.ForeignKey(Producer, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(_("product"), max_length=100)
    unit = models.CharField(_("unit"), max_length=4, choices=Unit.choices)
    grams = models.PositiveIntegerField(_("grams per unit"))
    price_fen = models.PositiveBigIntegerField(_("price per unit (fen)"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        ordering = ["producer", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["producer", "name"], name="produce_product_unique"),
            models.CheckConstraint(condition=Q(grams__gt=0), name="produce_product_grams"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_unit_display()}）"


class OrderLimit(models.Model):
    """A union's limit (fen): an order above it is approved by another person than the one
    who submitted it (maker-checker); at or below it the submitter may approve it."""

    org = models.OneToOneField(Org, on_delete=models.CASCADE, related_name="+")
    limit_fen = models.PositiveBigIntegerField(_("limit (fen)"))
    set_by = _staff()
    set_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.org_id}: {self.limit_fen}"


class HelpOrder(models.Model):
    """A buy-to-help order (以购代销) of a union from one producer, paid from an earmark as the
    payable "produce.order" of the payment batches (`order_payable`)."""

    org = models.ForeignKey(Org, verbose_name=_("buying union"), on_delete=models.PROTECT)
    producer = models.ForeignKey(Producer, on_delete=models.PROTECT, related_name="orders")
    earmark = models.ForeignKey("funds.Earmark", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.DRAFT
    )
    ordered_on = models.DateField(_("ordered on"))
    grams = models.PositiveBigIntegerField(_("grams"), default=0)
    amount_fen = models.PositiveBigIntegerField(_("amount (fen)"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    batch = models.ForeignKey(
        "relief.PaymentBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = _staff()
    submitted_by = _staff()
    approved_by = _staff()
    received_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("buy-to-help order")
        ordering = ["-ordered_on", "-id"]
        indexes = [
            models.Index(fields=["updated_at"]),  # the reports' change feed
            models.Index(fields=["org", "status"], name="produce_order_org_status"),
        ]

    def __str__(self) -> str:
        return f"XF{self.pk:06d}"


class HelpOrderEvent(StepEvent):
    order = models.ForeignKey(HelpOrder, on_delete=models.PROTECT, related_name="events")

    class Meta(StepEvent.Meta):
        indexes = [models.Index(fields=["order", "at"], name="produce_order_event_at")]


class OrderLine(models.Model):
    """One product of an order: units × the price, in grams and fen. `city`, `county`,
    `month` and `arrived` are copied from the order and the producer for the figures."""

    order = models.ForeignKey(HelpOrder, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    units = models.PositiveIntegerField(_("units"))
    price_fen = models.PositiveBigIntegerField(_("price per unit (fen)"))
    grams = models.PositiveBigIntegerField(_("grams"))
    amount_fen = models.PositiveBigIntegerField(_("amount (fen)"))
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    city = models.CharField(max_length=6)  # the buying union's city (region code)
    county = models.CharField(max_length=6)  # the producer's county
    month = models.DateField()  # the first day of the order's month
    arrived = models.BooleanField(default=False)  # received: counts in the figures
    paid = models.BooleanField(default=False)  # paid to the producer: 帮助增收

    class Meta:
        verbose_name = _("order line")
        ordering = ["order", "id"]
        indexes = [
            models.Index(fields=["arrived", "city", "county", "month"], name="produce_line_fig"),
            models.Index(fields=["org", "month"], name="produce_line_org_month"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.pk}"


class GoodsDestination(models.Model):
    """Where some of an order's goods went: sold to members (with the 元 of the sales), given
    to a named hardship family (linked to its file), or handed out in an activity of another
    app (a generic reference: `source_type`, `source_id`, its label)."""

    order = models.ForeignKey(HelpOrder, on_delete=models.PROTECT, related_name="destinations")
    kind = models.CharField(_("where to"), max_length=10, choices=Destination.choices)
    grams = models.PositiveBigIntegerField(_("grams"))
    sales_fen = models.PositiveBigIntegerField(_("sales (fen)"), default=0)
    hardship_file = models.ForeignKey(
        "hardship.HardshipFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_type = models.CharField(max_length=40, blank=True)
    source_id = models.CharField(max_length=40, blank=True)
    label = models.CharField(_("recipient or activity"), max_length=100, blank=True)
    on = models.DateField(_("date"))
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    city = models.CharField(max_length=6)
    county = models.CharField(max_length=6)
    month = models.DateField()
    recorded_by = _staff()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("destination of goods")
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["hardship_file"], name="produce_dest_file")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label}"


class GiftBag(models.Model):
    """A 1元 gift bag (1元购爱心礼包) a union sells to members: its content in grams, what the
    member pays at the collection point, the union's subsidy (posted to the ledger from the
    earmark when a bag is collected) and the bags in stock. Paid to the producer at
    member price + subsidy a bag (帮助增收)."""

    org = models.ForeignKey(Org, verbose_name=_("union"), on_delete=models.PROTECT)
    producer = models.ForeignKey(Producer, on_delete=models.PROTECT, related_name="bags")
    earmark = models.ForeignKey("funds.Earmark", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    grams = models.PositiveIntegerField(_("content (grams)"))
    member_price_fen = models.PositiveIntegerField(_("member price (fen)"))
    subsidy_fen = models.PositiveIntegerField(_("union subsidy per bag (fen)"))
    stock = models.PositiveIntegerField(_("bags in stock"), default=0)
    points = models.ManyToManyField("members.Partner", related_name="+", blank=True)
    is_open = models.BooleanField(_("open to orders"), default=True)
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gift bag")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="produce_bag_unique_name"),
            models.CheckConstraint(condition=Q(grams__gt=0), name="produce_bag_grams"),
        ]

    def __str__(self) -> str:
        return self.name


class BagOrder(models.Model):
    """One member's order of a gift bag: ordered on the phone, paid at the collection point
    (cash, the point's code, or online), collected. Collection moves the stock, spends the
    subsidy and counts in the figures, once (the status guards it)."""

    bag = models.ForeignKey(GiftBag, on_delete=models.PROTECT, related_name="orders")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(
        "people.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    point = models.ForeignKey("members.Partner", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=BagOrderStatus.choices, default=BagOrderStatus.ORDERED
    )
    pay_method = models.CharField(
        _("paid by"), max_length=12, choices=PayMethod.choices, blank=True
    )
    paid_fen = models.PositiveIntegerField(_("paid (fen)"), default=0)
    payment_reference = models.CharField(_("payment reference"), max_length=64, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    collected_at = models.DateTimeField(null=True, blank=True)
    recorded_by_label = models.CharField(max_length=100, blank=True)
    grams = models.PositiveIntegerField()
    subsidy_fen = models.PositiveIntegerField()
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    city = models.CharField(max_length=6)
    county = models.CharField(max_length=6)
    month = models.DateField(null=True, blank=True)  # the month it was collected
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gift bag order")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One live order of a bag per member (a cancelled one may be ordered again).
            models.UniqueConstraint(
                fields=["bag", "member"],
                condition=~Q(status=BagOrderStatus.CANCELLED),
                name="produce_bag_order_once",
            )
        ]
        indexes = [
            models.Index(fields=["status", "city", "county", "month"], name="produce_bo_fig")
        ]

    def __str__(self) -> str:
        return f"LB{self.pk:06d}"


class BagStockMove(models.Model):
    """A change to a gift bag's stock: bags received (+) or collected (−, with the order)."""

    bag = models.ForeignKey(GiftBag, on_delete=models.PROTECT, related_name="moves")
    change = models.IntegerField(_("bags"))
    order = models.OneToOneField(
        BagOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="stock_move"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    by_label = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["bag", "at", "id"]

    def __str__(self) -> str:
        return f"{self.bag_id} {self.change:+d}"
