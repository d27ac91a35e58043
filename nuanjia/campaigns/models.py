"""Campaigns (关爱行动 / 送温暖): a campaign holds activities; an activity has an eligibility
rule, enrolment lists per union, places allocated down the tree (quotas) and the bookings that
take them, visits with cash (relief grants) and goods (stock per union), and screening findings.

Writes go through campaigns.services; history rows are written by the workflow engine."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from nuanjia.core.history import StepEvent
from nuanjia.orgs.model_fields import staff_field
from nuanjia.orgs.models import Org

from .rules import (
    ActivityKind,
    BookedVia,
    BookingStatus,
    CampaignStatus,
    FindingDegree,
    FindingStatus,
    GoodsUnit,
    PurchaseStatus,
    RosterStatus,
    StockMoveKind,
    VisitStatus,
)

_staff = staff_field


class Campaign(models.Model):
    """A campaign (关爱行动), e.g. 2026 年“关爱你我他(她)·温暖千万家”: run by a lead union for a
    period, with the levels taking part and the earmarks its activities may spend."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    lead_org = models.ForeignKey(
        Org, verbose_name=_("lead union"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # Org kinds taking part (province, city, county, grassroots kinds), as Org.Kind values.
    levels = models.JSONField(_("levels taking part"), default=list)
    earmarks = models.ManyToManyField(
        "funds.Earmark", verbose_name=_("earmarks it may spend"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    note = models.TextField(_("note"), blank=True)
    created_by = _staff(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("campaign")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="campaign_period_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    """One activity of a campaign: a 慰问 (cash and/or goods), a screening drive, or a partner
    kind. Its eligibility rule is data (people.eligibility), never SQL text."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    name = models.CharField(_("name"), max_length=100)
    org = models.ForeignKey(
        Org, verbose_name=_("organising union"), on_delete=models.PROTECT, related_name="+"
    )
    # The eligibility rule (people.eligibility's JSON form); {} means everyone in the subtree.
    rule = models.JSONField(_("who is eligible"), default=dict, blank=True)
    # Cash: paid as relief grants of this type (its caps apply); amount suggested per person.
    grant_type = models.ForeignKey(
        "relief.GrantType",
        verbose_name=_("grant type for cash"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cash_fen = models.BigIntegerField(_("cash per person"), null=True, blank=True)
    uses_places = models.BooleanField(_("limited places"), default=False)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = _staff(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["campaign", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(cash_fen__isnull=True) | Q(cash_fen__gt=0),
                name="activity_cash_positive",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Quota(models.Model):
    """Places of an activity held by one union (名额): given to it from above (`total`), passed
    on to the unions below (`allocated_down`) or taken by bookings here (`used`). The database
    refuses a row whose passed-on and used places exceed its total."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="quotas")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    total = models.PositiveIntegerField(_("places given"), default=0)
    allocated_down = models.PositiveIntegerField(_("passed on below"), default=0)
    used = models.PositiveIntegerField(_("taken"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["activity", "org__path"]
        verbose_name = _("quota")
        constraints = [
            models.UniqueConstraint(fields=["activity", "org"], name="quota_one_per_union"),
            models.CheckConstraint(
                condition=Q(allocated_down__gte=0)
                & Q(used__gte=0)
                & Q(total__gte=F("allocated_down") + F("used")),
                name="quota_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}@{self.org_id}: {self.total}"

    @property
    def remaining(self) -> int:
        return self.total - self.allocated_down - self.used


class QuotaEvent(models.Model):
    """A change of places (given from above, passed on, taken back), kept for the history."""

    quota = models.ForeignKey(Quota, on_delete=models.PROTECT, related_name="events")
    change = models.IntegerField(_("change"))
    what = models.CharField(_("what"), max_length=20)  # "given", "allocated", "withdrawn"
    counterpart = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = _staff(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.what} {self.change:+d}"


class Booking(models.Model):
    """A place of an activity taken by a worker at one union (预约/占用名额); cancelling returns
    the place to that union's quota."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="bookings")
    quota = models.ForeignKey(Quota, on_delete=models.PROTECT, related_name="bookings")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey("people.Worker", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    booked_by = _staff(null=True, blank=True)
    booked_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Partner activities (health checks, trips): where and when, who booked, how it ended.
    booked_via = models.CharField(
        _("booked"), max_length=8, choices=BookedVia.choices, default=BookedVia.UNION
    )
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # the member who booked on the phone
    partner = models.ForeignKey(
        "members.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outlet = models.ForeignKey(
        "members.Outlet", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appointment_on = models.DateField(_("appointment"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)  # 完成日期 (nothing medical)
    no_shows = models.PositiveSmallIntegerField(_("missed appointments"), default=0)
    settlement = models.ForeignKey(
        "campaigns.Settlement", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="bookings",
    )  # fmt: skip

    class Meta:
        ordering = ["-booked_at", "-id"]
        indexes = [
            models.Index(
                fields=["partner", "appointment_on"], name="campaigns_booking_partner_day"
            ),
            models.Index(fields=["activity", "status"], name="campaigns_booking_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "worker"],
                condition=~Q(status=BookingStatus.CANCELLED),
                name="booking_one_live_per_worker",
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}/{self.worker_id} {self.status}"


class Roster(models.Model):
    """An enrolment list (名单) of one activity at one union: drawn up by enrolment runs and by
    hand, approved in one maker-checker step that freezes it. A later run at the same union
    starts a new list (补充名单), numbered on."""

    # The steps the viewer may take, set by the API on the record it answers with; not stored.
    steps: list[str]

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="rosters")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("list number"), default=1)
    status = models.CharField(
        _("status"), max_length=12, choices=RosterStatus.choices, default=RosterStatus.DRAFT
    )
    row_count = models.PositiveIntegerField(_("people"), default=0)
    submitted_by = _staff(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = _staff(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    ids_hash = models.CharField(_("hash of the worker ids"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["activity", "org__path", "number"]
        verbose_name = _("enrolment list")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "org", "number"], name="roster_numbered_per_union"
            ),
            models.UniqueConstraint(
                fields=["activity", "org"],
                condition=~Q(status=RosterStatus.APPROVED),
                name="roster_one_open_per_union",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}@{self.org_id} #{self.number}"


class RosterEvent(StepEvent):
    roster = models.ForeignKey(Roster, on_delete=models.PROTECT, related_name="events")

    class Meta(StepEvent.Meta):
        indexes = [models.Index(fields=["roster", "at"], name="campaigns_roster_event_at")]


class EnrolmentRun(models.Model):
    """One run of an activity's rule at a union: chunked by worker id ranges; `last_id` is the
    highest id done, written in each chunk's transaction, so a killed run resumes there."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="runs")
    roster = models.ForeignKey(Roster, on_delete=models.PROTECT, related_name="runs")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    rule = models.JSONField(_("rule"), default=dict)
    rule_text = models.TextField(_("rule"), blank=True)  # as people read it
    expected = models.PositiveIntegerField(_("previewed"), default=0)
    max_id = models.BigIntegerField(default=0)  # the highest worker id when the run started
    last_id = models.BigIntegerField(default=0)
    added = models.PositiveIntegerField(_("added"), default=0)
    chunks = models.PositiveIntegerField(default=0)
    # sha256 chained over the chunks' hashes of the worker ids they added, in id order
    ids_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_by = _staff(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"run {self.pk} of {self.activity_id}"


class Enrolment(models.Model):
    """A worker on an activity's list: once per activity (whatever the union or list), with
    the union and region the worker had when chosen; rows of an approved list stay as they
    were, whatever the registry says later."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="enrolments")
    roster = models.ForeignKey(Roster, on_delete=models.PROTECT, related_name="enrolments")
    worker = models.ForeignKey("people.Worker", on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")  # worker's union then
    region_code = models.CharField(_("region code"), max_length=6, blank=True)
    run = models.ForeignKey(
        EnrolmentRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # empty when added by hand
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["roster", "worker_id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "worker"], name="enrolment_once")
        ]
        indexes = [models.Index(fields=["roster", "worker"], name="campaigns_enrol_roster")]

    def __str__(self) -> str:
        return f"{self.activity_id}/{self.worker_id}"


class Visit(models.Model):
    """A 慰问 of a named worker in an activity: cash (a relief grant of the activity's grant
    type, through its maker-checker and payment batches) and/or goods from the union's stock.
    Once per worker per activity; cancelling returns the goods and cancels the grant."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="visits")
    org = models.ForeignKey(
        Org, verbose_name=_("visiting union"), on_delete=models.PROTECT, related_name="+"
    )
    worker = models.ForeignKey("people.Worker", on_delete=models.PROTECT, related_name="+")
    grant = models.OneToOneField(
        "relief.Grant", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField(_("visited on"))
    status = models.CharField(
        _("status"), max_length=12, choices=VisitStatus.choices, default=VisitStatus.DONE
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    warnings = models.JSONField(default=list, blank=True)  # other unions that helped them
    recorded_by = _staff(null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "worker"],
                condition=Q(status=VisitStatus.DONE),
                name="visit_once_per_activity",
            )
        ]
        indexes = [models.Index(fields=["worker", "activity"], name="campaigns_visit_worker")]

    def __str__(self) -> str:
        return f"{self.activity_id}/{self.worker_id} {self.visited_on}"


# --- goods -----------------------------------------------------------------------------------


class GoodsItem(models.Model):
    """A kind of goods handed out (棉帽, 围巾, 暖宝贴) with its unit (顶, 条, 包, 件)."""

    name = models.CharField(_("item"), max_length=50)
    unit = models.CharField(_("unit"), max_length=4, choices=GoodsUnit.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["name", "unit"], name="goods_item_name_unit")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class Stock(models.Model):
    """One union's stock of one item: received (bought, donated, sent from above), sent on to
    unions below, handed out. The database refuses more sent on and handed out than received."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(GoodsItem, on_delete=models.PROTECT, related_name="stocks")
    received = models.PositiveIntegerField(_("received"), default=0)
    allocated_down = models.PositiveIntegerField(_("sent on below"), default=0)
    handed_out = models.PositiveIntegerField(_("handed out"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["org__path", "item__name"]
        constraints = [
            models.UniqueConstraint(fields=["org", "item"], name="stock_one_per_union_item"),
            models.CheckConstraint(
                condition=Q(received__gte=F("allocated_down") + F("handed_out")),
                name="stock_within_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org_id}/{self.item_id}: {self.remaining}"

    @property
    def remaining(self) -> int:
        return self.received - self.allocated_down - self.handed_out


class GoodsPurchase(models.Model):
    """Goods bought by a union through its ledger (maker-checker): on approval the amount is
    spent from the union's account of the earmark and the quantity received into stock."""

    # The steps the viewer may take, set by the API on the record it answers with; not stored.
    steps: list[str]

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="purchases"
    )
    item = models.ForeignKey(GoodsItem, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    amount_fen = models.BigIntegerField(_("amount"))
    earmark = models.ForeignKey("funds.Earmark", on_delete=models.PROTECT, related_name="+")
    supplier = models.CharField(_("supplier"), max_length=100)
    status = models.CharField(
        _("status"), max_length=12, choices=PurchaseStatus.choices, default=PurchaseStatus.PROPOSED
    )
    proposed_by = _staff(null=True)
    approved_by = _staff(null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0) & Q(amount_fen__gt=0),
                name="goods_purchase_positive",
            )
        ]

    def __str__(self) -> str:
        return f"GP{self.pk:06d}"


class GoodsPurchaseEvent(StepEvent):
    purchase = models.ForeignKey(GoodsPurchase, on_delete=models.PROTECT, related_name="events")

    class Meta(StepEvent.Meta):
        indexes = [models.Index(fields=["purchase", "at"], name="campaigns_purchase_event_at")]


class Handout(models.Model):
    """Goods handed out from a union's stock in an activity: to a named worker (with a visit),
    or in bulk to a site or team with a count and the receiving person's signature record
    (name and date, or a photo of the signed list)."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="handouts")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(GoodsItem, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="handouts"
    )
    worker = models.ForeignKey(
        "people.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_group = models.CharField(_("site or team"), max_length=100, blank=True)
    people_count = models.PositiveIntegerField(_("people"), default=1)
    signed_by_name = models.CharField(_("received and signed by"), max_length=50, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_list = models.CharField(_("photo of the signed list"), max_length=200, blank=True)
    returned = models.BooleanField(_("returned"), default=False)
    recorded_by = _staff(null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="handout_quantity_positive"),
            models.CheckConstraint(
                condition=Q(worker__isnull=False) | ~Q(recipient_group=""),
                name="handout_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} × {self.quantity}"


class StockMove(models.Model):
    """The stock ledger: every change of a union's stock of an item, signed (+ in, − out)."""

    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="moves")
    kind = models.CharField(_("kind"), max_length=16, choices=StockMoveKind.choices)
    quantity = models.IntegerField(_("quantity"))
    counterpart = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    purchase = models.ForeignKey(
        GoodsPurchase, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handout = models.ForeignKey(
        Handout, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = _staff(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity:+d}"


# --- screening drives -----------------------------------------------------------------------


class Finding(models.Model):
    """A person found in difficulty during a screening drive (排查), with the degree; ends as a
    hardship application, a one-off grant, or "no help needed", with who decided and when."""

    # The steps the viewer may take, set by the API on the record it answers with; not stored.
    steps: list[str]

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="findings")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey("people.Worker", on_delete=models.PROTECT, related_name="+")
    degree = models.CharField(_("degree of hardship"), max_length=10, choices=FindingDegree.choices)
    circumstances = models.TextField(_("circumstances"))
    found_by = _staff(null=True, blank=True)
    found_by_name = models.CharField(_("found by"), max_length=50, blank=True)  # a volunteer
    found_on = models.DateField(_("found on"))
    registered_here = models.BooleanField(_("registered on the spot"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=FindingStatus.choices, default=FindingStatus.FOUND
    )
    hardship_file = models.ForeignKey(
        "hardship.HardshipFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grant = models.ForeignKey(
        "relief.Grant", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = _staff(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("decision"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-found_on", "-id"]
        indexes = [models.Index(fields=["activity", "status"], name="campaigns_finding_status")]

    def __str__(self) -> str:
        return f"PC{self.pk:06d}"


class FindingEvent(StepEvent):
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="events")

    class Meta(StepEvent.Meta):
        indexes = [models.Index(fields=["finding", "at"], name="campaigns_finding_event_at")]


# The partner programmes' models (health checks, breakfasts, trips, settlements), kept apart.
from .partner_models import HealthCheckRecord as HealthCheckRecord  # noqa: E402
from .partner_models import Invitation as Invitation  # noqa: E402
from .partner_models import Meal as Meal  # noqa: E402
from .partner_models import MealList as MealList  # noqa: E402
from .partner_models import Nomination as Nomination  # noqa: E402
from .partner_models import NominationEvent as NominationEvent  # noqa: E402
from .partner_models import PartnerContract as PartnerContract  # noqa: E402
from .partner_models import Settlement as Settlement  # noqa: E402
from .partner_models import SettlementEvent as SettlementEvent  # noqa: E402
from .partner_models import Trip as Trip  # noqa: E402
