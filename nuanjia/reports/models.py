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

    class Meta:
        verbose_name = _("fact")
        verbose_name_plural = _("facts")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "day", "org", "d1", "d2", "peer_path"], name="fact_once"
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


from .models_report import ReportTemplate  # noqa: E402,F401  (the campaign report's templates)
