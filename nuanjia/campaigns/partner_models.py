"""The partner programmes of a campaign (ADR 0015): free health checks at hospitals, free
breakfasts at shops and 疗休养 trips, each run under a partner's contract and settled with the
partner once a month as a payable of the payment batches.

- `PartnerContract`: a partner (members.Partner) taking part in one activity, with its price
  per check, meal or person, the days it serves, the union that pays and its earmark, and the
  account it is paid to (encrypted, masked on pages).
- Health checks take a place of the quota as a `Booking` (with the hospital, outlet and
  appointment day); `Invitation`s are sent in priority order; `HealthCheckRecord` keeps checks
  done outside a booking (a hospital's imported list). Nothing medical is kept: "done" and the
  day only.
- `Meal`: one breakfast of one worker on one day (Asia/Shanghai), at most one per worker and
  day across every shop and activity (a unique constraint); `MealList` is a shop's paper list.
- `Trip` and `Nomination`: a trip's places, and the unions' nominations within their quota.
- `Settlement`: a month's completed rows of one contract × the price, confirmed by the
  partner, approved by another person than its maker, reserved, then paid through a batch.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from nuanjia.core.history import StepEvent
from nuanjia.orgs.model_fields import staff_field
from nuanjia.orgs.models import Org

from .rules import (
    InvitationStatus,
    MealSource,
    NominationStatus,
    SettlementStatus,
    TripStatus,
)

_staff = staff_field


class PartnerContract(models.Model):
    """A partner's agreement to serve one activity (合作协议): a hospital's checks, a shop's
    breakfasts, a travel partner's trips. The union that signed it pays its settlements from
    `earmark`; `price_fen` is per check, per meal or per person on a trip."""

    activity = models.ForeignKey(
        "campaigns.Activity", on_delete=models.PROTECT, related_name="contracts"
    )
    partner = models.ForeignKey("members.Partner", on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(
        Org, verbose_name=_("paying union"), on_delete=models.PROTECT, related_name="+"
    )
    earmark = models.ForeignKey(
        "funds.Earmark", verbose_name=_("earmark"), on_delete=models.PROTECT, related_name="+"
    )
    price_fen = models.BigIntegerField(_("price"))
    # Health checks: how many checks each outlet takes a day (None: no daily limit).
    capacity_per_day = models.PositiveIntegerField(
        _("checks per outlet a day"), null=True, blank=True
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    payee_name = models.CharField(_("account holder"), max_length=100)
    bank_name = models.CharField(_("bank"), max_length=60)
    account_encrypted = models.CharField(max_length=200)
    account_masked = models.CharField(_("bank account"), max_length=40)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = _staff(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("partner contract")
        ordering = ["activity", "partner__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "partner"], name="campaigns_contract_one_per_partner"
            ),
            models.CheckConstraint(
                condition=Q(price_fen__gte=0) & Q(ends_on__gte=F("starts_on")),
                name="campaigns_contract_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"HT{self.pk:05d}"


class Invitation(models.Model):
    """An SMS invitation to book a free health check (体检邀约), sent by a union in priority
    order: people with no check recorded first (priority 1), then the activity's other
    enrolled people (2). Round 2 is the one re-invite after a missed appointment."""

    activity = models.ForeignKey(
        "campaigns.Activity", on_delete=models.PROTECT, related_name="invitations"
    )
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")  # the inviting union
    worker = models.ForeignKey("people.Worker", on_delete=models.PROTECT, related_name="+")
    priority = models.PositiveSmallIntegerField(_("priority"))
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    status = models.CharField(
        _("status"), max_length=8, choices=InvitationStatus.choices, default=InvitationStatus.SENT
    )
    texted_to = models.CharField(_("texted to"), max_length=20, blank=True)  # masked
    booking = models.ForeignKey(
        "campaigns.Booking", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_by = _staff(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "worker", "round"], name="campaigns_invitation_once_a_round"
            )
        ]
        indexes = [
            models.Index(fields=["activity", "org", "status"], name="campaigns_invite_queue")
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}/{self.worker_id} #{self.round}"


class HealthCheckRecord(models.Model):
    """A health check done outside a booking of ours (已检记录), from a hospital's imported
    list: counts as "checked" for invitations and eligibility. Only the day is kept."""

    worker = models.ForeignKey("people.Worker", on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")  # who imported it
    checked_on = models.DateField(_("checked on"))
    institution = models.CharField(_("hospital"), max_length=100)
    imported_by = _staff(null=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-checked_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "checked_on", "institution"], name="campaigns_check_record_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.checked_on}"


class Settlement(models.Model):
    """A partner's monthly statement (结算单): the month's completed rows of one contract (its
    bookings done, meals or trip-goers) × the contract's price, to the fen. Prepared by a
    caseworker, confirmed by the partner on its pages, approved by another person (the amount
    is reserved then), and paid as the payable "campaigns.settlement" in a payment batch."""

    # The steps the viewer may take, set by the API on the record it answers with; not stored.
    steps: list[str]

    contract = models.ForeignKey(
        PartnerContract, on_delete=models.PROTECT, related_name="settlements"
    )
    activity = models.ForeignKey(
        "campaigns.Activity", on_delete=models.PROTECT, related_name="settlements"
    )
    partner = models.ForeignKey("members.Partner", on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(
        Org, verbose_name=_("paying union"), on_delete=models.PROTECT, related_name="+"
    )
    earmark = models.ForeignKey("funds.Earmark", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))  # the first day of the month settled
    units = models.PositiveIntegerField(_("units"))
    price_fen = models.BigIntegerField(_("price"))
    amount_fen = models.BigIntegerField(_("amount"))
    status = models.CharField(
        _("status"), max_length=10, choices=SettlementStatus.choices,
        default=SettlementStatus.PREPARED,
    )  # fmt: skip
    prepared_by = _staff(null=True)
    confirmed_by = models.ForeignKey(
        "members.PartnerUser", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    approved_by = _staff(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    batch = models.ForeignKey(
        "relief.PaymentBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("settlement")
        ordering = ["-month", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "month"],
                condition=~Q(status=SettlementStatus.CANCELLED),
                name="campaigns_settlement_one_a_month",
            ),
            models.CheckConstraint(
                condition=Q(amount_fen=F("units") * F("price_fen")),
                name="campaigns_settlement_units_times_price",
            ),
        ]
        indexes = [models.Index(fields=["org", "status"], name="campaigns_settlement_queue")]

    def __str__(self) -> str:
        return f"JS{self.pk:06d}"


class SettlementEvent(StepEvent):
    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="events")

    class Meta(StepEvent.Meta):
        indexes = [models.Index(fields=["settlement", "at"], name="campaigns_settlement_event_at")]


class MealList(models.Model):
    """A shop's paper list of breakfasts (纸质登记), entered or uploaded after the fact and
    checked against the same one-a-day rule: the rows refused are kept with their reasons."""

    activity = models.ForeignKey("campaigns.Activity", on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey("members.Partner", on_delete=models.PROTECT, related_name="+")
    outlet = models.ForeignKey("members.Outlet", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        "members.PartnerUser", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    recorded = models.PositiveIntegerField(_("meals recorded"), default=0)
    refused = models.PositiveIntegerField(_("rows refused"), default=0)
    refusals = models.JSONField(default=list, blank=True)  # [{"row": 3, "reason": "…"}]
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"ML{self.pk:06d}"


class Meal(models.Model):
    """One free breakfast (爱心早餐) a worker took at a partner shop on one day: at most one
    per worker and day (Asia/Shanghai) across every shop, kept by the database."""

    activity = models.ForeignKey(
        "campaigns.Activity", on_delete=models.PROTECT, related_name="meals"
    )
    worker = models.ForeignKey("people.Worker", on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    partner = models.ForeignKey("members.Partner", on_delete=models.PROTECT, related_name="+")
    outlet = models.ForeignKey(
        "members.Outlet", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")  # worker's union then
    source = models.CharField(_("recorded by"), max_length=6, choices=MealSource.choices)
    recorded_by = models.ForeignKey(
        "members.PartnerUser", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    meal_list = models.ForeignKey(
        MealList, null=True, blank=True, on_delete=models.PROTECT, related_name="meals"
    )
    recorded_at = models.DateTimeField(_("time"))
    settlement = models.ForeignKey(
        Settlement, null=True, blank=True, on_delete=models.SET_NULL, related_name="meals"
    )

    class Meta:
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "day"], name="campaigns_one_meal_a_day")
        ]
        indexes = [
            models.Index(fields=["partner", "day"], name="campaigns_meal_partner_day"),
            models.Index(fields=["activity", "day"], name="campaigns_meal_activity_day"),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.day}"


class Trip(models.Model):
    """A 疗休养 trip (疗休养团期) with a travel partner: where, when, how many places and the
    cost per person. Unions nominate within their quota; nominations hold the trip's places."""

    activity = models.ForeignKey(
        "campaigns.Activity", on_delete=models.PROTECT, related_name="trips"
    )
    contract = models.ForeignKey(PartnerContract, on_delete=models.PROTECT, related_name="trips")
    name = models.CharField(_("name"), max_length=100)
    place = models.CharField(_("destination"), max_length=100)
    starts_on = models.DateField(_("leaves on"))
    ends_on = models.DateField(_("returns on"))
    places = models.PositiveIntegerField(_("places"))
    taken = models.PositiveIntegerField(_("places taken"), default=0)
    cost_fen = models.BigIntegerField(_("cost per person"))
    status = models.CharField(
        _("status"), max_length=10, choices=TripStatus.choices, default=TripStatus.OPEN
    )
    created_by = _staff(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(taken__lte=F("places")) & Q(ends_on__gte=F("starts_on"))
                & Q(cost_fen__gte=0),
                name="campaigns_trip_sane",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name

    @property
    def remaining(self) -> int:
        return self.places - self.taken


class Nomination(models.Model):
    """A worker nominated for a trip by a union (推荐人选), holding one of the union's places
    (its `booking`) and one of the trip's; approved by another person than the nominator."""

    # The steps the viewer may take, set by the API on the record it answers with; not stored.
    steps: list[str]

    trip = models.ForeignKey(Trip, on_delete=models.PROTECT, related_name="nominations")
    booking = models.OneToOneField(
        "campaigns.Booking", on_delete=models.PROTECT, related_name="nomination"
    )
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey("people.Worker", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=NominationStatus.choices,
        default=NominationStatus.NOMINATED,
    )  # fmt: skip
    nominated_by = _staff(null=True)
    approved_by = _staff(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    settlement = models.ForeignKey(
        Settlement, null=True, blank=True, on_delete=models.SET_NULL, related_name="nominations"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["trip", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["trip", "worker"],
                condition=~Q(status=NominationStatus.WITHDRAWN),
                name="campaigns_nomination_once_a_trip",
            )
        ]
        indexes = [models.Index(fields=["org", "status"], name="campaigns_nomination_queue")]

    def __str__(self) -> str:
        return f"TN{self.pk:06d}"


class NominationEvent(StepEvent):
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="events")

    class Meta(StepEvent.Meta):
        indexes = [models.Index(fields=["nomination", "at"], name="campaigns_nomination_event_at")]
