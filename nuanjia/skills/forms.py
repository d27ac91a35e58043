"""The skills forms: a provider, a course, a worker by ID number (enrolment, entrant,
certificate), a session, an exam result, a certificate, a contest and its results, an
academy with its teachers and bases. Amounts are typed in 元 and kept in 分."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from nuanjia.core.errors import RuleViolation
from nuanjia.core.money import parse_yuan
from nuanjia.funds.models import Earmark

from .models import Provider
from .rules import CertificateKind, ExamResult, Level

DATE = forms.DateInput(attrs={"type": "date"})


class YuanField(forms.CharField):
    """A subsidy typed in 元 (0 allowed), cleaned to 分."""

    def clean(self, value: Any) -> int:
        try:
            return parse_yuan(super().clean(value), label=str(self.label or ""), allow_zero=True)
        except RuleViolation as error:
            raise forms.ValidationError(error.message) from None


def _day(label, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE, required=required)


class ProviderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    payee_name = forms.CharField(label=_("Payee"), max_length=100, required=False)
    bank_name = forms.CharField(label=_("Bank"), max_length=100, required=False)
    bank_account = forms.CharField(label=_("Bank account"), max_length=40, required=False)


class CourseForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    provider = forms.ModelChoiceField(
        label=_("Training provider"), queryset=Provider.objects.none()
    )
    occupation = forms.CharField(label=_("Occupation or skill"), max_length=50)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, required=False)
    starts_on = _day(_("Starts on"))
    ends_on = _day(_("Ends on"))
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    places = forms.IntegerField(label=_("Places"), min_value=1, max_value=10_000)
    subsidy_fen = YuanField(label=_("Subsidy per trainee (yuan)"))
    earmark = forms.ModelChoiceField(
        label=_("Earmark"), queryset=Earmark.objects.filter(is_active=True)
    )
    min_attendance_pct = forms.IntegerField(
        label=_("Attendance counted (%)"), min_value=0, max_value=100, initial=0,
        help_text=_("0: only trainees who pass the exam count for the subsidy."),
    )  # fmt: skip

    def __init__(self, *args, providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if providers is not None:
            cast(forms.ModelChoiceField, self.fields["provider"]).queryset = providers


class WorkerForm(forms.Form):
    """A registry worker named by ID number and name (both must match the registry)."""

    id_number = forms.CharField(label=_("ID number"), max_length=18)
    name = forms.CharField(label=_("Full name"), max_length=50)


class SessionForm(forms.Form):
    held_on = _day(_("Day"))
    topic = forms.CharField(label=_("Topic"), max_length=100)


class ExamForm(forms.Form):
    result = forms.ChoiceField(label=_("Exam result"), choices=ExamResult.choices)
    score_value = forms.DecimalField(label=_("Score"), min_value=0, max_value=1000,
                                     decimal_places=1, required=False)  # fmt: skip
    examined_on = _day(_("Exam day"))
    kind = forms.ChoiceField(label=_("Certificate kind"), choices=CertificateKind.choices,
                             initial=CertificateKind.SKILL_LEVEL)  # fmt: skip
    number = forms.CharField(label=_("Certificate number"), max_length=50, required=False,
                             help_text=_("On a pass, the certificate is recorded for the worker."))  # fmt: skip
    issuer = forms.CharField(label=_("Issuer"), max_length=100, required=False)


class CertificateForm(WorkerForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=CertificateKind.choices)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, required=False)
    occupation = forms.CharField(label=_("Occupation or skill"), max_length=50)
    number = forms.CharField(label=_("Certificate number"), max_length=50)
    issuer = forms.CharField(label=_("Issuer"), max_length=100)
    issued_on = _day(_("Issued on"))


class ContestForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    trade = forms.CharField(label=_("Trade"), max_length=50)
    held_on = _day(_("Day"))
    place = forms.CharField(label=_("Place"), max_length=100, required=False)


class ResultForm(forms.Form):
    score_value = forms.DecimalField(label=_("Score"), min_value=0, max_value=1000,
                                     decimal_places=1, required=False)  # fmt: skip
    rank = forms.IntegerField(label=_("Rank"), min_value=1, required=False)
    prize = forms.CharField(label=_("Award"), max_length=50, required=False)


class AcademyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    place = forms.CharField(label=_("Place"), max_length=100, required=False)


class TeacherForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=50, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False,
                                help_text=_("A worker in the registry: their ID number; else leave empty and give the expert's name."))  # fmt: skip
    trade = forms.CharField(label=_("Trade"), max_length=50)
    title = forms.CharField(label=_("Title"), max_length=50, required=False)


class BaseForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    trade = forms.CharField(label=_("Trade"), max_length=50, required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)
