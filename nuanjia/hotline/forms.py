"""Forms of the agent desk, the ticket steps and the public pages (validation of shape only:
the rules live in services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from nuanjia.orgs.models import Org

from . import rules
from .rules import Channel, Kind, Satisfaction, TicketClass


class IntakeForm(forms.Form):
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autofocus": True}),
    )
    caller_name = forms.CharField(label=_("Caller"), max_length=50, required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    region_code = forms.CharField(
        label=_("Place (region code)"), max_length=6,
        widget=forms.TextInput(attrs={"list": "places", "inputmode": "numeric"}),
    )  # fmt: skip
    employer_name = forms.CharField(label=_("Employer"), max_length=120, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    ticket_class = forms.ChoiceField(
        label=_("Class"), choices=TicketClass.choices, initial=TicketClass.GENERAL
    )
    is_urgent = forms.BooleanField(label=_("Urgent"), required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}),
        max_length=rules.DESCRIPTION_MAX + 1000, required=False,
    )  # fmt: skip
    worker = forms.IntegerField(label="", widget=forms.HiddenInput, required=False)
    dispatch = forms.BooleanField(label=_("Dispatch now"), required=False, initial=True)
    dispatch_to = forms.CharField(
        label=_("Dispatch to another union (code)"), max_length=32, required=False,
        help_text=_("Leave empty to send it to the proposed union."),
    )  # fmt: skip
    reason = forms.CharField(label=_("Reason for another union"), max_length=500, required=False)


class ClassifyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    ticket_class = forms.ChoiceField(label=_("Class"), choices=TicketClass.choices)
    is_urgent = forms.BooleanField(label=_("Urgent"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DispatchForm(forms.Form):
    org = forms.CharField(
        label=_("Union code"), max_length=32, required=False,
        help_text=_("Leave empty to send it to the proposed union."),
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TransferForm(forms.Form):
    org = forms.CharField(label=_("Union code"), max_length=32)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class CallbackForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("Satisfaction"), choices=Satisfaction.choices)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    escalate = forms.BooleanField(
        label=_("Unsatisfied: escalate to the parent union"), required=False
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Attachment"))


class FastTrackForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=10, decimal_places=2, min_value=0
    )
    cause = forms.CharField(label=_("Cause"), max_length=200, required=False)
    reason = forms.CharField(
        label=_("Case notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


# What the phone's file picker offers (core.uploads checks the content).
CALLER_ACCEPT = ".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class CallerFilesField(forms.FileField):
    """Several files in one input (Django's documented pattern); the service checks them."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": CALLER_ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class PublicSubmitForm(forms.Form):
    caller_name = forms.CharField(label=_("Your name"), max_length=50, required=False)
    phone = forms.CharField(label=_("Mobile phone"), max_length=30)
    region_code = forms.ChoiceField(label=_("Where you work"), choices=())
    employer_name = forms.CharField(label=_("Employer"), max_length=120, required=False)
    kind = forms.ChoiceField(label=_("What is it about"), choices=Kind.choices)
    description = forms.CharField(
        label=_("Your request"), widget=forms.Textarea(attrs={"rows": 6}),
        max_length=rules.DESCRIPTION_MAX + 1000, required=False,
    )  # fmt: skip
    files = CallerFilesField(
        label=_("Photos or PDFs (optional)"),
        help_text=_("A pay slip, a contract, a notice: up to 3 files of 5 MB."),
    )

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = [("", "—"), *places]


class MemberSubmitForm(PublicSubmitForm):
    """The request form on the member's phone pages: the signed-in phone is the caller's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["phone"]


class FollowForm(forms.Form):
    number = forms.CharField(label=_("Ticket number"), max_length=30)
    last4 = forms.CharField(label=_("Last 4 digits of your phone"), max_length=4, min_length=4)


class CallerAttachForm(FollowForm):
    """Files added later from the follow page: the number and digits travel hidden."""

    number = forms.CharField(widget=forms.HiddenInput, max_length=30)
    last4 = forms.CharField(widget=forms.HiddenInput, max_length=4, min_length=4)
    files = CallerFilesField(
        label=_("Add photos or PDFs"), help_text=_("Up to 3 files of 5 MB at a time.")
    )


def org_by_code(code: str) -> Org | None:
    code = (code or "").strip()
    return Org.objects.filter(code=code).first() if code else None
