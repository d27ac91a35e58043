"""Honours a worker holds (劳动模范, 五一劳动奖章, 先进工作者, 工匠…): kind, level, year, issuer.

Kept in `people` so campaigns, mutual aid and benefits can choose people by them
(`people.eligibility`). Imported into `people.models`; written only by `services.honours`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

FIRST_HONOUR_YEAR = 1950  # the first national model-worker conference was held in 1950


class HonourKind(models.TextChoices):
    MODEL_WORKER = "model_worker", _("Model worker")  # 劳动模范
    MAY_DAY_MEDAL = "may_day_medal", _("May Day Labour Medal")  # 五一劳动奖章
    ADVANCED_WORKER = "advanced_worker", _("Advanced worker")  # 先进工作者
    CRAFTSMAN = "craftsman", _("Craftsman")  # 工匠 (大国工匠, 中原大工匠…)
    OTHER = "other", _("Other honour")  # 其他 (the note says what)


class HonourLevel(models.TextChoices):
    NATIONAL = "national", _("National")  # 全国 / 国家级
    PROVINCIAL = "provincial", _("Provincial")  # 省级
    CITY = "city", _("City")  # 市级
    COUNTY = "county", _("County")  # 县级
    ENTERPRISE = "enterprise", _("Enterprise")  # 企业级


class Honour(models.Model):
    """One honour awarded to one worker, as the awarding body gave it."""

    Kind = HonourKind
    Level = HonourLevel

    worker = models.ForeignKey(
        "people.Worker", verbose_name=_("worker"), on_delete=models.CASCADE, related_name="honours"
    )
    kind = models.CharField(_("honour"), max_length=16, choices=HonourKind.choices)
    level = models.CharField(_("level"), max_length=12, choices=HonourLevel.choices)
    year = models.PositiveSmallIntegerField(_("year awarded"))
    issuer = models.CharField(_("awarded by"), max_length=100)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("honour")
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=HonourKind.values), name="honour_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(level__in=HonourLevel.values), name="honour_level_known"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_HONOUR_YEAR), name="honour_year_from_1950"
            ),
        ]
        # Eligibility asks "has an honour of these kinds" per worker (EXISTS on worker, kind).
        indexes = [models.Index(fields=["worker", "kind"], name="honour_worker_kind_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_level_display()}, {self.year})"
