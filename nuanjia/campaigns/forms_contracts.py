"""The form that signs a partner's contract for an activity; the checks are the service's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nuanjia.funds.models import Earmark
from nuanjia.members.models import Partner

DATE = forms.DateInput(attrs={"type": "date"})


class ContractForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())
    earmark = forms.ModelChoiceField(label=_("Paid from"), queryset=Earmark.objects.none())
    price_yuan = forms.DecimalField(
        label=_("Price (yuan per check, meal or person)"), min_value=0, decimal_places=2
    )
    capacity_per_day = forms.IntegerField(
        label=_("Checks per outlet a day"), min_value=1, required=False
    )
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE)
    payee_name = forms.CharField(label=_("Account holder"), max_length=100)
    bank_name = forms.CharField(label=_("Bank"), max_length=60)
    bank_account = forms.CharField(label=_("Bank account"), max_length=40)

    def __init__(self, *args: Any, partners: Any, earmarks: Any, checks: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]
        self.fields["earmark"].queryset = earmarks  # type: ignore[attr-defined]
        if not checks:
            del self.fields["capacity_per_day"]
