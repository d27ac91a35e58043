"""The model-worker forms: a collective and its honour, a village base, a pairing and its
visit, a row of the help standard, a case of the help register, a period's proposals and the
payment's steps. Amounts are typed in yuan and cleaned to fen."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nuanjia.core.errors import RuleViolation
from nuanjia.core.money import parse_yuan
from nuanjia.people.honour_models import HonourLevel

from .rules import CollectiveHonourKind, CollectiveKind, Frequency, StandardPer

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE, required=required)


class YuanField(forms.CharField):
    """An amount typed in yuan (0 allowed), cleaned to fen."""

    def clean(self, value: Any) -> int:
        text = super().clean(value)
        if not text:
            return 0
        try:
            return parse_yuan(text, label=str(self.label or ""), allow_zero=True)
        except RuleViolation as error:
            raise forms.ValidationError(error.message) from None


class WorkerChoiceForm(forms.Form):
    """A form choosing one of the given workers (the honoured workers in scope)."""

    worker = forms.ChoiceField(label=_("Model worker"), choices=())

    def __init__(self, *args: Any, workers: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (str(w.pk), f"{w.name}（{w.org.name}）") for w in workers
        ]


class CollectiveForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CollectiveKind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class CollectiveHonourForm(forms.Form):
    kind = forms.ChoiceField(label=_("Honour"), choices=CollectiveHonourKind.choices)
    level = forms.ChoiceField(label=_("Level"), choices=HonourLevel.choices)
    year_awarded = forms.IntegerField(label=_("Year awarded"), min_value=1950, max_value=2100)
    issuer = forms.CharField(label=_("Awarded by"), max_length=100)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class BaseForm(WorkerChoiceForm):
    region_code = forms.CharField(label=_("County region code"), max_length=6)
    village = forms.CharField(label=_("Village"), max_length=60)
    projects = forms.CharField(label=_("Projects"), widget=forms.Textarea(attrs={"rows": 3}),
                               required=False)  # fmt: skip
    money_fen = YuanField(label=_("Money brought (yuan)"), max_length=20, required=False)
    technology = forms.CharField(label=_("Technology brought"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    started_on = _date(_("Started on"))


class BaseChangeForm(forms.Form):
    money_fen = YuanField(label=_("Money brought (yuan)"), max_length=20, required=False)
    technology = forms.CharField(label=_("Technology brought"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    ended_on = _date(_("Ended on"), required=False)


class PairingForm(WorkerChoiceForm):
    hardship_file = forms.IntegerField(label=_("Hardship file number"), min_value=1,
                                       required=False)  # fmt: skip
    starts_on = _date(_("From"))
    ends_on = _date(_("Until"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class VisitForm(forms.Form):
    visited_on = _date(_("Visited on"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class StandardForm(forms.Form):
    region_code = forms.CharField(label=_("Region code"), max_length=6)
    level = forms.ChoiceField(label=_("Level"), choices=HonourLevel.choices)
    effective_on = _date(_("Effective on"))
    per = forms.ChoiceField(label=_("Per"), choices=StandardPer.choices)
    amount_fen = YuanField(label=_("Amount (yuan)"), max_length=20)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class CaseForm(WorkerChoiceForm):
    frequency = forms.ChoiceField(label=_("Paid"), choices=Frequency.choices)
    household_size = forms.IntegerField(label=_("Household size"), min_value=1, max_value=30,
                                        initial=1)  # fmt: skip
    income_monthly_fen = YuanField(label=_("Household income per month (yuan)"), max_length=20)
    income_note = forms.CharField(label=_("Income condition"), max_length=200)
    starts_on = _date(_("From"))


class EndCaseForm(forms.Form):
    ends_on = _date(_("Until"))
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ProposeForm(forms.Form):
    on = _date(_("A day of the period"), required=False)


class PeriodForm(forms.Form):
    frequency = forms.ChoiceField(label=_("Paid"), choices=Frequency.choices)
    on = _date(_("A day of the period"), required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)
