"""Report templates (issue 20 item 5): a union's narrative in Chinese with placeholders of our
own syntax, {measure|period|unit} (reports.narrative), rendered with the figures of the
facts. A template belongs to a union; it may name a campaign, whose dates and figures the
period `campaign` reads. Never Django template code: the body is plain text."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from nuanjia.orgs.models import Org


class ReportTemplate(models.Model):
    org = models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"), max_length=20000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title
