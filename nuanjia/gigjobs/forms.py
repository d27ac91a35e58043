"""The gig-job forms: a corner, a job post (pay typed in 元), a gig worker, a member's
sign-up, a proposed match, a dispute and the steps' notes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from nuanjia.core.money import parse_yuan

from .rules import DisputeKind, PayUnit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CornerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    region_code = forms.CharField(label=_("Region code"), max_length=6)
    address = forms.CharField(label=_("Address"), max_length=200)
    lat = forms.FloatField(label=_("Latitude (WGS-84)"))
    lng = forms.FloatField(label=_("Longitude (WGS-84)"))
    opening_hours = forms.CharField(label=_("Opening hours"), max_length=100, required=False,
                                    help_text=_("e.g. 周一至周五 08:00-18:00"))  # fmt: skip
    services = forms.CharField(label=_("Services offered"), max_length=300, required=False)
    phone = forms.CharField(label=_("Corner phone"), max_length=20, required=False)


class PostForm(forms.Form):
    employer_name = forms.CharField(label=_("Employer"), max_length=100)
    work = forms.CharField(label=_("Work"), max_length=100)
    description = forms.CharField(label=_("Description"), max_length=500, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    pay_unit = forms.ChoiceField(label=_("Pay per"), choices=PayUnit.choices)
    pay = forms.CharField(label=_("Pay (yuan)"), max_length=20)
    address = forms.CharField(label=_("Place of work"), max_length=200, required=False)
    lat = forms.FloatField(label=_("Latitude (WGS-84)"), required=False)
    lng = forms.FloatField(label=_("Longitude (WGS-84)"), required=False)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE)
    workers_wanted = forms.IntegerField(label=_("Workers wanted"), min_value=1, max_value=500)
    contact_name = forms.CharField(label=_("Contact"), max_length=50)
    contact_phone = forms.CharField(label=_("Contact's phone"), max_length=20)

    def clean_pay(self):
        try:
            return parse_yuan(self.cleaned_data["pay"], field="pay", label=str(_("Pay (yuan)")))
        except Exception as error:  # a RuleViolation: its message is the form's
            raise forms.ValidationError(getattr(error, "message", str(error))) from None

    def values(self, corner) -> dict:
        data = dict(self.cleaned_data)
        data["pay_fen"] = data.pop("pay")
        if data.get("lat") is None or data.get("lng") is None:
            data["lat"], data["lng"] = corner.lat, corner.lng
        return data


class AvailabilityForm(forms.Form):
    skills = forms.CharField(label=_("Skills"), max_length=200, required=False)
    available_from = forms.DateField(label=_("Available from"), widget=DATE)
    available_until = forms.DateField(label=_("Available until"), widget=DATE)


class WorkerForm(AvailabilityForm):
    name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=20)
    field_order = ["name", "phone", "skills", "available_from", "available_until"]


class SignUpForm(AvailabilityForm):
    name = forms.CharField(label=_("Name"), max_length=50)
    corner = forms.ChoiceField(label=_("Corner"))
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    field_order = ["name", "corner", "skills", "available_from", "available_until"]

    def __init__(self, *args, corners=(), **kwargs):
        super().__init__(*args, **kwargs)
        _choices(self, "corner", [(str(c.pk), c.name) for c in corners])


class ProposeForm(forms.Form):
    gig_worker = forms.ChoiceField(label=_("Gig worker"))

    def __init__(self, *args, workers=(), **kwargs):
        super().__init__(*args, **kwargs)
        _choices(self, "gig_worker", [(str(w.pk), f"{w.name} · {w.skills}") for w in workers])


class DisputeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DisputeKind.choices)
    description = forms.CharField(label=_("Description"), max_length=400,
                                  widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CompleteForm(NoteForm):
    days_worked = forms.IntegerField(label=_("Days worked"), min_value=1, max_value=366)


def _choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    """Set a choice field's choices, known only when the form is made."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices
