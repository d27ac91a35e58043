"""Forms of the campaign pages; the checks that matter are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nuanjia.orgs.models import Org

from .rules import ActivityKind

DATE = forms.DateInput(attrs={"type": "date"})


class CampaignForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=32, help_text=_("e.g. 2026-winter"))
    name = forms.CharField(label=_("Name"), max_length=100)
    lead_org = forms.ModelChoiceField(label=_("Lead union"), queryset=Org.objects.none())
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    levels = forms.MultipleChoiceField(
        label=_("Levels taking part"),
        choices=Org.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    earmarks: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Earmarks it may spend"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        from nuanjia.funds.models import Earmark

        super().__init__(*args, **kwargs)
        self.fields["lead_org"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["earmarks"].queryset = Earmark.objects.filter(is_active=True)  # type: ignore[attr-defined]


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    org = forms.ModelChoiceField(label=_("Organising union"), queryset=Org.objects.none())
    grant_type: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Grant type for cash"), queryset=None, required=False
    )
    cash_yuan = forms.DecimalField(
        label=_("Cash per person (yuan)"), required=False, min_value=0, decimal_places=2
    )
    uses_places = forms.BooleanField(label=_("Limited places"), required=False)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE, required=False)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        from nuanjia.relief.models import GrantType

        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["grant_type"].queryset = GrantType.objects.filter(is_active=True)  # type: ignore[attr-defined]
