"""Rest stations (爱心驿站), their facilities, closures and photos, visits and daily rollups."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from nuanjia.core.history import StepEvent
from nuanjia.orgs.models import Org

from . import rules


class Facility(models.Model):
    """One item of the configurable facility checklist (饮水, 热饭, 充电 …).

    `bit` places the facility in Station.facility_mask, which the nearest search filters on
    without a join; `has_quantity` facilities carry a number (休息座位数).
    """

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=40, unique=True)
    bit = models.PositiveSmallIntegerField(
        _("bit"), unique=True, validators=[MaxValueValidator(62)]
    )
    has_quantity = models.BooleanField(_("has a quantity"), default=False)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "bit"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self):
        return self.name

    @property
    def mask(self) -> int:
        return 1 << self.bit


class Station(models.Model):
    """A rest station. Its location is stored once, in WGS-84 (ADR 0007)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open to visitors")  # serving workers in its opening hours
        SUSPENDED = "suspended", _("Suspended")  # closed for a while (repairs, staff); returns
        CLOSED = "closed", _("Closed for good")  # shut for good; its QR page says so

    class Operator(models.TextChoices):
        SELF_BUILT = "self_built", _("Self-built by the union")  # 自建
        CO_BUILT = "co_built", _("Co-built with a partner")  # 共建: a firm, shop, bank branch…

    code = models.CharField(_("station code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    org = models.ForeignKey(
        Org, verbose_name=_("host union"), on_delete=models.PROTECT, related_name="stations"
    )
    operator = models.CharField(
        _("operator"), max_length=20, choices=Operator.choices, default=Operator.SELF_BUILT
    )
    partner_name = models.CharField(_("partner"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200)
    region_code = models.CharField(_("region code"), max_length=6, db_index=True)
    city_code = models.CharField(max_length=6, db_index=True, editable=False)
    lat = models.FloatField(
        _("latitude (WGS-84)"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    lng = models.FloatField(
        _("longitude (WGS-84)"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    cell = models.BigIntegerField(editable=False)  # rules.cell_of(lat, lng): the grid index
    facility_mask = models.BigIntegerField(default=0, editable=False)
    opening_hours = models.CharField(_("opening hours"), max_length=300, default="24小时")
    weekly_hours = models.JSONField(default=list, editable=False)  # parsed opening_hours
    # Denormalized from weekly_hours so the nearest search reads hours only when it must.
    always_open = models.BooleanField(default=True, editable=False)
    closed_on_holidays = models.BooleanField(_("closed on statutory holidays"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    standard_checks = models.JSONField(_("standard checklist"), default=list, blank=True)
    is_published = models.BooleanField(_("listed on the public map"), default=True)
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    facilities: "models.ManyToManyField[Facility, StationFacility]" = models.ManyToManyField(
        Facility, through="StationFacility", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("rest station")
        verbose_name_plural = _("rest stations")
        indexes = [
            # The nearest search: cell ranges, covering what it filters and sorts on, so the
            # candidates of a ring come from the index alone (ADR 0007).
            models.Index(
                fields=[
                    "cell",
                    "status",
                    "is_published",
                    "facility_mask",
                    "lat",
                    "lng",
                    "always_open",
                    "closed_on_holidays",
                ],
                name="station_cell_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lat__gte=-90, lat__lte=90, lng__gte=-180, lng__lte=180),
                name="station_coordinates_in_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(operator="co_built") | ~models.Q(partner_name=""),
                name="station_co_built_has_partner",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    @property
    def hours(self) -> rules.WeeklyHours:
        return rules.WeeklyHours.from_json(self.weekly_hours)

    def in_datum(self, datum: str) -> tuple[float, float]:
        return rules.from_wgs84(self.lat, self.lng, datum)

    @property
    def gcj02(self) -> tuple[float, float]:
        return self.in_datum(rules.GCJ02)

    @property
    def is_operating(self) -> bool:
        return self.status == self.Status.OPEN


class StationFacility(models.Model):
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="facility_rows")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["station", "facility"], name="station_facility_once")
        ]

    def __str__(self):
        return f"{self.station_id}:{self.facility_id}"


class Closure(models.Model):
    """A dated closure (holiday, repairs): the station counts as shut on those days."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="closures")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=100, blank=True)

    class Meta:
        ordering = ["starts_on"]
        indexes = [models.Index(fields=["station", "ends_on"], name="closure_station_end_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="closure_ends_after"
            )
        ]

    def __str__(self):
        return f"{self.starts_on}–{self.ends_on}"


def photo_path(photo: "StationPhoto", filename: str) -> str:
    return f"stations/{photo.station_id}/{filename}"


class StationPhoto(models.Model):
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=photo_path)
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.caption or self.image.name


class Service(models.TextChoices):
    """What a visitor used; each is a boolean column of Visit and a count of StationDay."""

    WATER = "water", _("Drinking water")  # 饮水
    MEAL = "meal", _("Heating a meal")  # 热饭
    CHARGE = "charge", _("Charging")  # 充电
    REST = "rest", _("Rest")  # 休息
    TOILET = "toilet", _("Toilet")  # 如厕
    MEDICINE = "medicine", _("Medicine")  # 药箱


class Visit(models.Model):
    """One check-in. No name is kept: a member card or phone is stored only as a keyed hash
    (to count repeat visitors) and a masked hint."""

    # Indexed below as (station, on), which also serves lookups by station alone.
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="visits", db_index=False
    )
    at = models.DateTimeField()
    on = models.DateField()  # local (Asia/Shanghai) day of `at`, for set-based rollups
    hour = models.PositiveSmallIntegerField()  # local hour of `at`
    visitor_hash = models.CharField(max_length=64, blank=True)
    visitor_hint = models.CharField(max_length=20, blank=True)
    # Keyed hash of the phone or browser that checked in without a card (repeat check-ins).
    client_hash = models.CharField(max_length=64, blank=True)
    used_water = models.BooleanField(default=False)
    used_meal = models.BooleanField(default=False)
    used_charge = models.BooleanField(default=False)
    used_rest = models.BooleanField(default=False)
    used_toilet = models.BooleanField(default=False)
    used_medicine = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # The rollup of a day range reads this index alone, in its GROUP BY order.
            models.Index(
                fields=[
                    "on",
                    "station",
                    "hour",
                    "used_water",
                    "used_meal",
                    "used_charge",
                    "used_rest",
                    "used_toilet",
                    "used_medicine",
                ],
                name="visit_day_station_idx",
            ),
            # "Has this station been visited since…" (the dead-station list).
            models.Index(fields=["station", "on"], name="visit_station_day_idx"),
        ]

    def __str__(self):
        return f"{self.station_id} {self.at:%Y-%m-%d %H:%M}"


class DayTally(models.Model):
    """A keeper's count of visits for a day, for visitors who did not scan (one row a day)."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="tallies")
    on = models.DateField(_("day"))
    visits = models.PositiveIntegerField(_("visits"))
    recorded_by = models.ForeignKey(
        "orgs.Staff", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["station", "on"], name="tally_once_a_day")]

    def __str__(self):
        return f"{self.station_id} {self.on}: {self.visits}"


class StationDay(models.Model):
    """The daily rollup of a station: check-ins plus the keeper's tally, services used and
    check-ins per local hour (h00…h23). Rebuilt for a day by services.rollup_days()."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="days")
    on = models.DateField()
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=6)
    city_code = models.CharField(max_length=6)
    visits = models.PositiveIntegerField(default=0)
    checkins = models.PositiveIntegerField(default=0)
    tallied = models.PositiveIntegerField(default=0)
    water = models.PositiveIntegerField(default=0)
    meal = models.PositiveIntegerField(default=0)
    charge = models.PositiveIntegerField(default=0)
    rest = models.PositiveIntegerField(default=0)
    toilet = models.PositiveIntegerField(default=0)
    medicine = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["station", "on"], name="station_day_once")]
        indexes = [
            models.Index(fields=["city_code", "on"], name="station_day_city_idx"),
            models.Index(fields=["on"], name="station_day_on_idx"),
        ]

    def __str__(self):
        return f"{self.station_id} {self.on}: {self.visits}"


HOUR_FIELDS = tuple(f"h{hour:02d}" for hour in range(24))
for _hour_field in HOUR_FIELDS:
    StationDay.add_to_class(_hour_field, models.PositiveIntegerField(default=0))


class StationGrant(models.Model):
    """A construction or upkeep grant (驿站建设/运维补助) to a station's host union, paid
    from the host's ledger account of the earmark 户外劳动者驿站建设: reserved on approval,
    spent on payment, released on cancellation (funds.services)."""

    class Kind(models.TextChoices):
        CONSTRUCTION = "construction", _("Construction")  # 建设补助
        UPKEEP = "upkeep", _("Upkeep")  # 运维补助

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")  # may still be cancelled; no money held
        APPROVED = "approved", _("Approved")  # money reserved in the host's account
        PAID = "paid", _("Paid")  # money spent; final
        CANCELLED = "cancelled", _("Cancelled")  # any reservation released; final

    # The steps the viewer may take, set by the API on the record it answers with; not stored.
    steps: list[str]

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="grants")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")  # the paying host
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount_fen = models.BigIntegerField(_("amount"))
    purpose = models.CharField(_("purpose"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_by = models.ForeignKey(
        "orgs.Staff", null=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        "orgs.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_fen__gt=0), name="station_grant_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True)
                | ~models.Q(approved_by=models.F("proposed_by")),
                name="station_grant_maker_checker",
            ),
        ]

    def __str__(self):
        return f"{self.station.name} {self.get_kind_display()}"


class StationGrantEvent(StepEvent):
    """One step in a station grant's history (the workflow engine writes it)."""

    grant = models.ForeignKey(StationGrant, on_delete=models.PROTECT, related_name="events")

    class Meta(StepEvent.Meta):
        verbose_name = _("station grant event")
        indexes = [models.Index(fields=["grant", "at"], name="stations_grant_event_at")]

    @property
    def action_label(self) -> str:
        return str(GRANT_EVENT_LABELS.get(self.action, self.action))


GRANT_EVENT_LABELS = {
    "grant_proposed": _("Proposed"),
    "grant_approved": _("Approved; money reserved"),
    "grant_paid": _("Paid"),
    "grant_cancelled": _("Cancelled"),
}
