"""Forms of the relief pages. Amounts are typed in 元 and read by core.money.parse_yuan."""

from django import forms
from django.utils.translation import gettext_lazy as _

from nuanjia.core.imports import MAX_UPLOAD_MB
from nuanjia.funds.forms import AmountField
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org

from .models import GrantType, SchoolStage
from .services import BANK_FORMATS

REASON_INPUT = forms.Textarea(attrs={"rows": 3, "maxlength": 500})
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GrantForm(forms.Form):
    """A caseworker's proposal. The paying union is one of the proposer's subtree."""

    grant_type = forms.ModelChoiceField(label=_("Grant type"), queryset=GrantType.objects.none())
    amount = AmountField()
    school_stage = forms.ChoiceField(
        label=_("School stage (study grants)"), choices=SchoolStage.choices, required=False
    )
    org = forms.ModelChoiceField(label=_("Paying union"), queryset=Org.objects.none())
    earmark = forms.ModelChoiceField(
        label=_("Earmark"),
        queryset=Earmark.objects.filter(is_active=True),
        required=False,
        help_text=_("Empty: the grant type's default earmark."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=REASON_INPUT)

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grant_type"].queryset = GrantType.objects.filter(is_active=True)
        self.fields["org"].queryset = orgs if orgs is not None else Org.objects.none()


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=500, widget=REASON_INPUT)


class ReasonForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=500, widget=REASON_INPUT)


def payable_choices() -> list[tuple[str, str]]:
    """The registered payable kinds (core.payables), grants first: what a batch may pay."""
    from nuanjia.core import payables

    from .rules import SOURCE_TYPE

    kinds = sorted(payables.registered(), key=lambda kind: kind.source_type != SOURCE_TYPE)
    return [(kind.source_type, kind.title) for kind in kinds]


class BatchForm(forms.Form):
    """Finance builds a batch from the approved payables of one kind (grants unless another
    is chosen), of one paying union and earmark."""

    source_type = forms.ChoiceField(label=_("What to pay"), choices=payable_choices, required=False)
    org = forms.ModelChoiceField(label=_("Paying union"), queryset=Org.objects.none())
    earmark = forms.ModelChoiceField(
        label=_("Earmark"), queryset=Earmark.objects.filter(is_active=True)
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs if orgs is not None else Org.objects.none()

    def clean_source_type(self) -> str:
        """Grants when nothing is chosen (as before there was a choice)."""
        from .rules import SOURCE_TYPE

        return self.cleaned_data.get("source_type") or SOURCE_TYPE


class ExportForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you export the full account numbers"),
        max_length=200,
        help_text=_("The export is recorded in the audit trail with this reason."),
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=[(fmt, fmt.upper()) for fmt in BANK_FORMATS], initial="xlsx"
    )


class ResultsForm(forms.Form):
    file = forms.FileField(label=_("The bank's result file (xlsx or CSV)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB.") % {"size": MAX_UPLOAD_MB}
            )
        return upload


class GrantFilterForm(forms.Form):
    """The grant list's filters (page and export). A field that does not check out is shown
    with its error and filters nothing; the others still apply."""

    queue = forms.CharField(required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), required=False)
    worker = forms.CharField(
        label=_("Worker"),
        max_length=50,
        required=False,
        help_text=_("Name, pinyin, phone, ID number or its last 4"),
    )
    grant_type = forms.ModelChoiceField(
        label=_("Grant type"),
        queryset=GrantType.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Any"),
    )
    org = forms.ModelChoiceField(
        label=_("Union"), queryset=Org.objects.none(), to_field_name="code", required=False
    )
    proposed_from = forms.DateField(label=_("Proposed from"), required=False, widget=DATE_INPUT)
    proposed_to = forms.DateField(label=_("Proposed until"), required=False, widget=DATE_INPUT)

    def __init__(self, data, *, orgs, unions, statuses):
        super().__init__(data)
        self.fields["status"].choices = [("", _("Any")), *statuses]
        self.fields["org"].queryset = orgs  # any union in scope filters; the list offers some
        self.fields["org"].widget.choices = [("", _("Any"))] + [(o.code, o.name) for o in unions]

    def filters(self) -> dict:
        """The fields that check out (the others empty), by GrantFilters' names."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "queue": data.get("queue") or "",
            "status": data.get("status") or "",
            "worker": data.get("worker") or "",
            "grant_type": data["grant_type"].code if data.get("grant_type") else "",
            "org": data.get("org"),
            "proposed_from": data.get("proposed_from"),
            "proposed_to": data.get("proposed_to"),
        }
