from django import forms
from django.utils.translation import gettext_lazy as _

from nuanjia.core.errors import RuleViolation

from .models import Org
from .rules import ADMIN_ROLES, Role


def add_rule_error(form, error: RuleViolation) -> None:
    """Show a service's refusal on the form: at its field when the form has it, else on top."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


GRASSROOTS_KIND_CHOICES = [
    (kind.value, kind.label)
    for kind in Org.Kind
    if kind in Org.GRASSROOTS_KINDS and kind != Org.Kind.HOLDING_POOL
]


class GrassrootsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=GRASSROOTS_KIND_CHOICES)
    credit_code = forms.CharField(
        label=_("Unified social credit code"), max_length=40, required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class StaffForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=50)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    org_code = forms.CharField(
        label=_("Union code"), max_length=32, help_text=_("e.g. 410108 for 惠济区总工会")
    )
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class StaffEditForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=50)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    org_code = forms.CharField(label=_("Union code"), max_length=32)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The system, security and audit administrator roles each stand alone."),
    )

    admin_roles = ADMIN_ROLES


class CalendarDayForm(forms.Form):
    """One day of the holiday calendar (core.calendar)."""

    HOLIDAY, WORKDAY = "holiday", "workday"

    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(HOLIDAY, _("Day off (holiday)")), (WORKDAY, _("Adjusted working day"))],
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=_("Name"), max_length=40, required=False, help_text=_("e.g. 春节 or 春节调休")
    )

    @property
    def is_workday(self) -> bool:
        return self.cleaned_data["kind"] == self.WORKDAY


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), widget=forms.HiddenInput)
    source = forms.CharField(
        label=_("Notice"),
        max_length=200,
        required=False,
        help_text=_("e.g. 国办发明电〔2026〕7号"),
    )
