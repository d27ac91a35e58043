"""The enterprises pages' forms (the services check everything again)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FirmProfile, ReliefPolicy, Unit
from .rules import FirmKind, Industry


class FirmFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or credit code"), required=False, max_length=60)
    size = forms.CharField(label=_("Size class"), required=False, max_length=10)


class FirmForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=30)
    region_code = forms.CharField(label=_("Region code"), max_length=6)
    kind = forms.ChoiceField(label=_("Kind"), choices=FirmKind.choices)
    industry = forms.ChoiceField(label=_("Industry"), choices=Industry.choices)
    account_name = forms.CharField(label=_("Account name"), max_length=100, required=False)
    account = forms.CharField(label=_("Bank account"), max_length=40, required=False)
    bank_name = forms.CharField(label=_("Bank"), max_length=60, required=False)
    union_account_name = forms.CharField(
        label=_("Union account name"), max_length=100, required=False
    )
    union_account = forms.CharField(label=_("Union bank account"), max_length=40, required=False)
    union_bank_name = forms.CharField(label=_("Union bank"), max_length=60, required=False)


class FiguresForm(forms.Form):
    year = forms.IntegerField(label=_("Year of the figures"), min_value=1990, max_value=2100)
    effective_on = forms.DateField(
        label=_("Applies from"), required=False,
        help_text=_("Left empty: 1 January of the next year."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    headcount = forms.IntegerField(label=_("Employees"), min_value=0)
    revenue = forms.DecimalField(label=_("Revenue (10,000 yuan)"), min_value=0, decimal_places=2)
    assets = forms.DecimalField(
        label=_("Total assets (10,000 yuan)"), min_value=0, decimal_places=2, required=False
    )


class PropertyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    address = forms.CharField(label=_("Address"), max_length=200)


class UnitForm(forms.Form):
    code = forms.CharField(label=_("Unit"), max_length=30)
    area_m2 = forms.DecimalField(label=_("Area (m²)"), min_value=0, decimal_places=2)


class LeaseForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    tenant = forms.ModelChoiceField(label=_("Tenant"), queryset=FirmProfile.objects.none())
    monthly_rent = forms.DecimalField(label=_("Monthly rent (yuan)"), min_value=0, decimal_places=2)
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    deposit = forms.DecimalField(
        label=_("Deposit (yuan)"), min_value=0, decimal_places=2, required=False
    )

    def __init__(self, *args, units=None, tenants=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()  # type: ignore[attr-defined]
        self.fields["tenant"].queryset = (  # type: ignore[attr-defined]
            tenants if tenants is not None else FirmProfile.objects.none()
        )


class ReliefForm(forms.Form):
    policy = forms.ModelChoiceField(label=_("Policy"), queryset=ReliefPolicy.objects.none())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, policies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy"].queryset = (  # type: ignore[attr-defined]
            policies if policies is not None else ReliefPolicy.objects.none()
        )


class RentPaidForm(forms.Form):
    up_to = forms.DateField(label=_("Paid up to"), widget=forms.DateInput(attrs={"type": "date"}))


class ReasonForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=200)


class PolicyForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    free_months = forms.IntegerField(label=_("Rent-free months"), min_value=0, max_value=60)
    reduced_months = forms.IntegerField(label=_("Reduced-rent months"), min_value=0, max_value=60)
    reduced_num = forms.IntegerField(label=_("Share relieved: numerator"), min_value=1, initial=1)
    reduced_den = forms.IntegerField(label=_("Share relieved: denominator"), min_value=1, initial=2)
    small_and_micro = forms.BooleanField(
        label=_("Small and micro firms qualify"), required=False, initial=True
    )
    individual_businesses = forms.BooleanField(
        label=_("Individual businesses qualify"), required=False, initial=True
    )
    window_starts_on = forms.DateField(
        label=_("Window from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    window_ends_on = forms.DateField(
        label=_("Window to"), widget=forms.DateInput(attrs={"type": "date"})
    )
