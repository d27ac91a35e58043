"""The reports' pre-aggregated facts and the state of their refresh (issue 20, ADR 0021).

A Fact is one day × union × measure × dimension values (× the receiving union, for a flow)
with its value in the measure's integer unit (分, grams, people, visits, items). Dashboards
read facts only; the source rows are read again only for a drill-down to the rows.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from nuanjia.orgs.models import Org


class Fact(models.Model):
    measure = models.CharField(_("measure"), max_length=64)
    day = models.DateField(_("day"))
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", db_index=False)
    # The union's materialized path, copied: a subtree's facts are one index range.
    path = models.CharField(max_length=255)
    d1 = models.CharField(max_length=64, blank=True, default="")
    d2 = models.CharField(max_length=64, blank=True, default="")
    # For a flow (money allocated down): the receiving union's path; "" otherwise.
    peer_path = models.CharField(max_length=255, blank=True, default="")
    value = models.BigIntegerField(_("value"))
    # An adjustment of a frozen (closed) month: the FrozenPeriod's id, 0 for a fact of the
    # rows. In the closed month it takes back what late rows changed (the month keeps its
    # frozen figure); `carried` marks its counterpart in the next open month (shown 调整).
    adjusts = models.PositiveIntegerField(default=0)
    carried = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("fact")
        verbose_name_plural = _("facts")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "day", "org", "d1", "d2", "peer_path", "adjusts"],
                name="fact_once",
            )
        ]
        indexes = [
            # The dashboard: every measure of a subtree and a range of days.
            models.Index(fields=["path", "day"], name="fact_path_day"),
            models.Index(fields=["day", "path"], name="fact_day_path"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.day} {self.path}: {self.value}"


class FeedCursor(models.Model):
    """How far the refresh has read one change feed of a measure: the highest stamp seen
    (an ISO datetime or an integer id, as text)."""

    measure = models.CharField(max_length=64)
    feed = models.PositiveSmallIntegerField(default=0)
    stamp = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["measure", "feed"], name="feed_cursor_once")]

    def __str__(self) -> str:
        return f"{self.measure}#{self.feed}: {self.stamp}"


class CheckRun(models.Model):
    """The nightly check of one day: every measure computed again from its rows and compared
    with the stored facts. The differences found are repaired and kept here for reading."""

    day = models.DateField(_("day checked"))
    ran_at = models.DateTimeField(_("ran at"), auto_now_add=True)
    measures = models.PositiveIntegerField(_("measures checked"), default=0)
    differences = models.PositiveIntegerField(_("differences"), default=0)
    # The first differences: [{"measure", "org_id", "d1", "d2", "peer_path", "stored", "computed"}]
    details = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("facts check")
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"{self.day}: {self.differences}"


class FrozenPeriod(models.Model):
    """A month of a union's subtree frozen when the union closed its books (funds' 结账): the
    figure set (FrozenFact) and its SHA-256. The month's figures stay those, whatever rows
    arrive later; the difference is carried to the next open month as an adjustment."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255)
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    frozen_at = models.DateTimeField(auto_now_add=True)
    facts = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("frozen month")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "month"], name="frozen_period_once")
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.year}-{self.month:02d}"


class FrozenFact(models.Model):
    """One figure of a frozen month: the month's sum of a union's facts of one measure,
    dimension values and receiver."""

    period = models.ForeignKey(FrozenPeriod, on_delete=models.CASCADE, related_name="figures")
    measure = models.CharField(max_length=64)
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", db_index=False)
    path = models.CharField(max_length=255)
    d1 = models.CharField(max_length=64, blank=True, default="")
    d2 = models.CharField(max_length=64, blank=True, default="")
    peer_path = models.CharField(max_length=255, blank=True, default="")
    value = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "measure", "org", "d1", "d2", "peer_path"],
                name="frozen_fact_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.path}: {self.value}"


class MapShape(models.Model):
    """An approved GeoJSON of Henan's cities and counties loaded by an operator; the map draws
    the latest as SVG paths (the schematic grid otherwise). Every feature's code is a GB/T
    2260 code of the province."""

    name = models.CharField(_("name"), max_length=100)
    geojson = models.JSONField()
    sha256 = models.CharField(max_length=64)
    codes = models.PositiveIntegerField(default=0)
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(
        "orgs.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("map outline")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name


class NamedPeriod(models.Model):
    """A period an app names (a campaign's dates), copied from core.measures.named_periods by
    each refresh so that the period picker reads the reports' tables only."""

    key = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100)
    first = models.DateField()
    last = models.DateField()
    path = models.CharField(max_length=255)

    class Meta:
        ordering = ["-first", "key"]

    def __str__(self) -> str:
        return self.name


from .models_report import ReportTemplate  # noqa: E402,F401  (the campaign report's templates)
