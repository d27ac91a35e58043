"""Member-card benefits (会员普惠, ADR 0018): merchants that give members a price the union
subsidises, per use, within limits.

- `MerchantTerms`: a merchant (members.Partner of kind "merchant") taking part, the union
  that pays its subsidies from an earmark, the dates and the account it is paid to.
- `OutletPlace`: where an outlet is (latitude, longitude), for the far-apart check.
- `Offer`: what the member pays, the union's subsidy per use, the limits per member per day /
  ISO week / calendar month / year, a budget of uses per period, validity dates, the member
  group (a people.eligibility rule) and the union subtree it serves.
- `MemberCounter` / `BudgetCounter`: the uses counted per (member, offer, period) and
  (offer, period); a use is taken by one conditional UPDATE … WHERE used < limit.
- `Attempt`: one device attempt, its key (UUID, unique) and the answer given, so a resend
  answers the same and creates nothing. `Redemption` is a use taken; `Reversal` gives it back.
- `Flag`: a suspicious pattern waiting for a benefits reviewer.
- `CouponBatch` / `Coupon`: dining coupons (餐饮消费券) with face value, threshold, expiry.
- `UsageFile`: a merchant's monthly usage file (a bus company that cannot scan).
- `Statement`: a merchant's month, Σ subsidies − reversals, confirmed by the merchant,
  approved by another person, paid as the payable "benefits.statement".
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from nuanjia.core.history import StepEvent
from nuanjia.orgs.model_fields import staff_field
from nuanjia.orgs.models import Org

from .rules import (
    CouponStatus,
    FlagKind,
    FlagStatus,
    Period,
    RedemptionSource,
    StatementStatus,
)


class MerchantTerms(models.Model):
    """A merchant's agreement (普惠商户协议): the paying union and earmark, the dates, the
    bank account its monthly subsidies go to (encrypted, masked on pages)."""

    partner = models.OneToOneField(
        "members.Partner", on_delete=models.PROTECT, related_name="benefit_terms"
    )
    org = models.ForeignKey(
        Org, verbose_name=_("paying union"), on_delete=models.PROTECT, related_name="+"
    )
    earmark = models.ForeignKey(
        "funds.Earmark", verbose_name=_("earmark"), on_delete=models.PROTECT, related_name="+"
    )
    city = models.CharField(_("city"), max_length=30, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    payee_name = models.CharField(_("account holder"), max_length=100)
    bank_name = models.CharField(_("bank"), max_length=60)
    account_encrypted = models.CharField(max_length=200)
    account_masked = models.CharField(_("bank account"), max_length=40)
    can_scan = models.BooleanField(_("scans cards"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = staff_field(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("merchant terms")
        ordering = ["partner__name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="benefits_terms_dates"
            )
        ]

    def __str__(self) -> str:
        return f"PH{self.pk:05d}"


class OutletPlace(models.Model):
    """Where a merchant's outlet is, for the far-apart check (WGS-84 degrees)."""

    outlet = models.OneToOneField("members.Outlet", on_delete=models.CASCADE, related_name="+")
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)

    def __str__(self) -> str:
        return f"{self.latitude},{self.longitude}"


class Offer(models.Model):
    """A member offer (普惠项目): 五元洗车, 五元观影, 一分乘公交… Limits left empty do not apply."""

    partner = models.ForeignKey("members.Partner", on_delete=models.PROTECT, related_name="+")
    terms = models.ForeignKey(MerchantTerms, on_delete=models.PROTECT, related_name="offers")
    org = models.ForeignKey(
        Org, verbose_name=_("for members of"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=60)
    member_price_fen = models.BigIntegerField(_("member pays"))
    subsidy_fen = models.BigIntegerField(_("union subsidy per use"))
    per_day = models.PositiveIntegerField(_("uses per member a day"), null=True, blank=True)
    per_week = models.PositiveIntegerField(_("uses per member a week"), null=True, blank=True)
    per_month = models.PositiveIntegerField(_("uses per member a month"), null=True, blank=True)
    per_year = models.PositiveIntegerField(_("uses per member a year"), null=True, blank=True)
    budget_uses = models.PositiveIntegerField(_("budget (uses)"), null=True, blank=True)
    budget_period = models.CharField(
        _("budget per"), max_length=6, choices=Period.choices, default=Period.MONTH
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    rule = models.JSONField(_("member group"), default=dict, blank=True)
    rule_text = models.CharField(_("member group"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = staff_field(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("offer")
        ordering = ["partner__name", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member_price_fen__gte=0) & Q(subsidy_fen__gte=0)
                & Q(ends_on__gte=F("starts_on")),
                name="benefits_offer_sane",
            ),
            models.UniqueConstraint(fields=["partner", "name"], name="benefits_offer_name"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name

    def limits(self) -> dict[str, int]:
        """{period: uses} of the member limits that apply."""
        found = {
            Period.DAY: self.per_day,
            Period.WEEK: self.per_week,
            Period.MONTH: self.per_month,
            Period.YEAR: self.per_year,
        }
        return {str(period): value for period, value in found.items() if value is not None}


class MemberCounter(models.Model):
    """A member's uses of an offer in one period (the period's first day)."""

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey("people.Worker", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=6, choices=Period.choices)
    starts_on = models.DateField()
    used = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "offer", "period", "starts_on"], name="benefits_member_counter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.offer_id}/{self.worker_id} {self.period} {self.starts_on}: {self.used}"


class BudgetCounter(models.Model):
    """One stripe of an offer's uses in one budget period (the period's first day): the
    period's uses are the sum of its stripes (services.counters.BUDGET_STRIPES)."""

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    stripe = models.PositiveSmallIntegerField(default=0)
    used = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "starts_on", "stripe"], name="benefits_budget_counter_stripe"
            )
        ]

    def __str__(self) -> str:
        return f"{self.offer_id} {self.starts_on} #{self.stripe}: {self.used}"


class UsageFile(models.Model):
    """A merchant's monthly usage file (月度使用明细), checked against the same limits."""

    partner = models.ForeignKey("members.Partner", on_delete=models.PROTECT, related_name="+")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        "members.PartnerUser", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    recorded = models.PositiveIntegerField(_("uses recorded"), default=0)
    refused = models.PositiveIntegerField(_("rows refused"), default=0)
    refusals = models.JSONField(default=list, blank=True)  # [{"row": 3, "reason": "…"}]
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"UF{self.pk:06d}"


class CouponBatch(models.Model):
    """A batch of dining coupons (餐饮消费券): face value off a bill of at least the
    threshold, at one merchant, until the expiry; issued to the members a rule chooses."""

    partner = models.ForeignKey("members.Partner", on_delete=models.PROTECT, related_name="+")
    terms = models.ForeignKey(MerchantTerms, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(
        Org, verbose_name=_("for members of"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=60)
    face_value_fen = models.BigIntegerField(_("face value"))
    threshold_fen = models.BigIntegerField(_("minimum bill"), default=0)
    valid_from = models.DateField(_("valid from"))
    expires_on = models.DateField(_("expires on"))
    rule = models.JSONField(_("member group"), default=dict, blank=True)
    rule_text = models.CharField(_("member group"), max_length=300, blank=True)
    issued = models.PositiveIntegerField(_("coupons issued"), default=0)
    created_by = staff_field(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coupon batch")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(face_value_fen__gt=0) & Q(threshold_fen__gte=0)
                & Q(expires_on__gte=F("valid_from")),
                name="benefits_coupon_batch_sane",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name


class Coupon(models.Model):
    """One member's coupon of a batch; used once, at the batch's merchant, before expiry."""

    batch = models.ForeignKey(CouponBatch, on_delete=models.PROTECT, related_name="coupons")
    worker = models.ForeignKey("people.Worker", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=8, choices=CouponStatus.choices, default=CouponStatus.ISSUED
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "worker"], name="benefits_coupon_once")
        ]
        indexes = [models.Index(fields=["worker", "status"], name="benefits_coupon_worker")]

    def __str__(self) -> str:
        return f"QJ{self.pk:07d}"


class Statement(models.Model):
    """A merchant's monthly statement (对账单): the month's uses × their subsidies, less the
    reversed ones, to the fen. Confirmed or disputed by the merchant, approved by another
    person (the amount reserved then), paid as the payable "benefits.statement"."""

    steps: list[str]

    partner = models.ForeignKey("members.Partner", on_delete=models.PROTECT, related_name="+")
    terms = models.ForeignKey(MerchantTerms, on_delete=models.PROTECT, related_name="statements")
    org = models.ForeignKey(
        Org, verbose_name=_("paying union"), on_delete=models.PROTECT, related_name="+"
    )
    earmark = models.ForeignKey("funds.Earmark", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    uses = models.PositiveIntegerField(_("uses"))
    subsidy_fen = models.BigIntegerField(_("subsidies"))
    reversals = models.PositiveIntegerField(_("reversals"))
    reversed_fen = models.BigIntegerField(_("reversed"))
    amount_fen = models.BigIntegerField(_("amount owed"))
    status = models.CharField(
        _("status"), max_length=10, choices=StatementStatus.choices,
        default=StatementStatus.PREPARED,
    )  # fmt: skip
    prepared_by = staff_field(null=True)
    confirmed_by = models.ForeignKey(
        "members.PartnerUser", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    approved_by = staff_field(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    batch = models.ForeignKey(
        "relief.PaymentBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("merchant statement")
        ordering = ["-month", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "month"],
                condition=~Q(status=StatementStatus.CANCELLED),
                name="benefits_statement_one_a_month",
            ),
            models.CheckConstraint(
                condition=Q(amount_fen=F("subsidy_fen") - F("reversed_fen")),
                name="benefits_statement_sum",
            ),
        ]
        indexes = [models.Index(fields=["org", "status"], name="benefits_statement_queue")]

    def __str__(self) -> str:
        return f"DZ{self.pk:06d}"


class StatementEvent(StepEvent):
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="events")

    class Meta(StepEvent.Meta):
        indexes = [models.Index(fields=["statement", "at"], name="benefits_statement_event_at")]


class Redemption(models.Model):
    """One use of an offer (or a coupon) taken at a merchant: what the member paid and the
    subsidy the union owes, on the day (Asia/Shanghai) it was taken."""

    offer = models.ForeignKey(Offer, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")  # fmt: skip
    coupon = models.OneToOneField(
        Coupon, null=True, blank=True, on_delete=models.PROTECT, related_name="redemption"
    )
    partner = models.ForeignKey("members.Partner", on_delete=models.PROTECT, related_name="+")
    outlet = models.ForeignKey(
        "members.Outlet", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    worker = models.ForeignKey("people.Worker", on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")  # worker's union
    member_price_fen = models.BigIntegerField(_("member paid"))
    subsidy_fen = models.BigIntegerField(_("subsidy"))
    day = models.DateField(_("day"))
    at = models.DateTimeField(_("time"))
    source = models.CharField(_("recorded by"), max_length=6, choices=RedemptionSource.choices)
    recorded_by = models.ForeignKey(
        "members.PartnerUser", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    usage_file = models.ForeignKey(
        UsageFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reversed = models.BooleanField(_("reversed"), default=False)

    class Meta:
        verbose_name = _("redemption")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["partner", "day"], name="benefits_redemption_partner"),
            models.Index(fields=["worker", "at"], name="benefits_redemption_worker"),
            models.Index(fields=["offer", "day"], name="benefits_redemption_offer"),
        ]

    def __str__(self) -> str:
        return f"HX{self.pk:08d}"


class Reversal(models.Model):
    """A redemption given back the same day (撤销): its uses return to the counters."""

    # No database constraint: redemptions are partitioned by month on PostgreSQL, whose key
    # (id, at) a foreign key would have to name (ADR 0023); a redemption is never deleted.
    redemption = models.OneToOneField(
        Redemption, on_delete=models.PROTECT, related_name="reversal", db_constraint=False
    )
    partner = models.ForeignKey("members.Partner", on_delete=models.PROTECT, related_name="+")
    subsidy_fen = models.BigIntegerField(_("subsidy"))
    day = models.DateField(_("day"))
    by = models.ForeignKey(
        "members.PartnerUser", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200)
    at = models.DateTimeField(_("time"))

    class Meta:
        indexes = [models.Index(fields=["partner", "day"], name="benefits_reversal_partner")]

    def __str__(self) -> str:
        return f"CX{self.pk:08d}"


class Attempt(models.Model):
    """One attempt of a merchant's device, under the key it generated (UUID): the answer
    given is kept, and a resend with the same key gets it again."""

    key = models.UUIDField(unique=True)
    partner = models.ForeignKey("members.Partner", on_delete=models.CASCADE, related_name="+")
    redemption = models.ForeignKey(  # no database constraint (ADR 0023), as Reversal's
        Redemption, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_constraint=False,
    )  # fmt: skip
    answer = models.JSONField(default=dict)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return str(self.key)


class Flag(models.Model):
    """A suspicious pattern (可疑使用) waiting for a benefits reviewer of the member's union."""

    steps: list[str]

    kind = models.CharField(_("pattern"), max_length=6, choices=FlagKind.choices)
    worker = models.ForeignKey("people.Worker", on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    redemption = models.ForeignKey(  # no database constraint (ADR 0023), as Reversal's
        Redemption, on_delete=models.PROTECT, related_name="flags", db_constraint=False
    )
    detail = models.CharField(_("detail"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN
    )
    decided_by = staff_field(null=True, blank=True)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("benefits flag")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org", "status"], name="benefits_flag_queue")]

    def __str__(self) -> str:
        return f"YC{self.pk:06d}"


class FlagEvent(StepEvent):
    flag = models.ForeignKey(Flag, on_delete=models.PROTECT, related_name="events")
