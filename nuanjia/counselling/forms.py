"""The psychological-help forms: a line, a person, a qualification, a shift, a swap, a session,
an event and one attendance."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from nuanjia.orgs.models import Staff

from .rules import Channel, EventKind, HelperKind, Risk

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _when(label) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, widget=DATETIME, input_formats=DATETIME_FORMATS)


class LineForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    phone = forms.CharField(label=_("Line number"), max_length=20, required=False)
    min_on_duty = forms.IntegerField(
        label=_("Minimum on duty"), min_value=1, max_value=50, initial=1
    )
    follow_up_hours = forms.IntegerField(
        label=_("Follow-up within (hours)"), min_value=1, max_value=168, initial=24
    )
    supervisor = forms.ModelChoiceField(
        label=_("Supervisor"), queryset=Staff.objects.none(), required=False
    )

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        if staff is not None:
            cast(forms.ModelChoiceField, self.fields["supervisor"]).queryset = staff


class HelperForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=HelperKind.choices)
    name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)


class QualificationForm(forms.Form):
    kind = forms.CharField(label=_("Qualification"), max_length=50)
    number = forms.CharField(label=_("Certificate number"), max_length=50)
    issuer = forms.CharField(label=_("Issuer"), max_length=100)
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ShiftForm(forms.Form):
    helper = forms.ChoiceField(label=_("Person on duty"), choices=())
    starts_at = _when(_("Starts at"))
    ends_at = _when(_("Ends at"))

    def __init__(self, *args, helpers=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["helper"]).choices = [
            (str(h.pk), h.name) for h in helpers
        ]


class SwapForm(forms.Form):
    taker = forms.ChoiceField(label=_("Hand the shift to"), choices=())
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, helpers=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["taker"]).choices = [
            (str(h.pk), h.name) for h in helpers
        ]


class SessionForm(forms.Form):
    helper = forms.ChoiceField(label=_("Counsellor"), choices=())
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    started_at = _when(_("Started"))
    minutes = forms.IntegerField(label=_("Minutes"), min_value=0, max_value=1440)
    risk = forms.ChoiceField(label=_("Risk level"), choices=Risk.choices)
    police_called = forms.BooleanField(label=_("110 called"), required=False)
    ambulance_called = forms.BooleanField(label=_("120 called"), required=False)
    notes = forms.CharField(
        label=_("Notes (minimal, sealed)"), max_length=500, required=False, widget=forms.Textarea
    )

    def __init__(self, *args, helpers=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["helper"]).choices = [
            (str(h.pk), f"{h.line} · {h.name}") for h in helpers
        ]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    series = forms.CharField(label=_("Series"), max_length=50, initial="心灵护航")
    title = forms.CharField(label=_("Title"), max_length=100)
    held_at = _when(_("Held at"))
    place = forms.CharField(label=_("Place"), max_length=100, required=False)


class AttendanceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    workplace = forms.CharField(label=_("Workplace"), max_length=100, required=False)
