"""The dated regional tables (低保标准, 最低工资): a monthly amount per region code from a
date on. Their rows were written by the hardship app first and keep its table names."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nuanjia.core.money import format_yuan

REGION_CODE_VALIDATOR = RegexValidator(r"^\d{6}$", _("Enter a 6-digit region code."))


class RegionalAmount(models.Model):
    """A monthly amount per region code and effective date; a county falls back to its city,
    a city to the province (regions.fallback_chain)."""

    region_code = models.CharField(
        _("region code"), max_length=6, validators=[REGION_CODE_VALIDATOR]
    )
    effective_on = models.DateField(_("effective on"))
    monthly_fen = models.BigIntegerField(_("monthly amount"))  # 分 per person per month
    note = models.CharField(_("note"), max_length=200, blank=True)  # e.g. the local document number
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["region_code", "-effective_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "effective_on"], name="%(class)s_one_per_region_and_date"
            ),
            models.CheckConstraint(
                condition=Q(monthly_fen__gt=0), name="%(class)s_amount_positive"
            ),
        ]

    def __str__(self):
        return f"{self.region_code} {self.effective_on} {format_yuan(self.monthly_fen)}"


class DibaoStandard(RegionalAmount):
    """The local urban 低保 standard (城市最低生活保障标准, 元/person/month) from a date on."""

    class Meta(RegionalAmount.Meta):
        db_table = "hardship_dibaostandard"
        verbose_name = _("dibao standard")
        verbose_name_plural = _("dibao standards")


class MinimumWage(RegionalAmount):
    """The local monthly minimum wage, imputed to able-bodied jobless adults of working age."""

    class Meta(RegionalAmount.Meta):
        db_table = "hardship_minimumwage"
        verbose_name = _("minimum wage")
        verbose_name_plural = _("minimum wages")
