"""The mutual aid pages' forms: enrolling one worker, a payment, a claim with its lines (a
small formset of invoice lines in 元) and its documents."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nuanjia.core.money import yuan_to_fen
from nuanjia.core.uploads import PHOTOS_AND_PDF, accept_attribute

from .rules import APPROVER_CUTS, DocKind, Payer

DATE = forms.DateInput(attrs={"type": "date"})


class EnrolForm(forms.Form):
    id_number = forms.CharField(label=_("ID number"), max_length=18)
    starts_on = forms.DateField(label=_("Term starts"), widget=DATE)


class PayForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    payer = forms.ChoiceField(label=_("Paid by"), choices=Payer.choices)


class CancelForm(forms.Form):
    on = forms.DateField(label=_("Cancelled on"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ClaimForm(forms.Form):
    illness = forms.CharField(label=_("Illness category"), max_length=20)
    episode = forms.CharField(label=_("Illness episode"), max_length=60, required=False)
    diagnosis = forms.CharField(label=_("Diagnosis"), max_length=200, required=False)
    hospital = forms.CharField(label=_("Hospital"), max_length=80)
    service_on = forms.DateField(label=_("Admission, diagnosis or accident date"), widget=DATE)
    discharged_on = forms.DateField(label=_("Discharged on"), widget=DATE, required=False)
    bank_name = forms.CharField(label=_("Bank"), max_length=60, required=False)
    account = forms.CharField(
        label=_("Bank account (empty: the registry's)"), max_length=30, required=False
    )
    consent = forms.BooleanField(
        label=_("The member consents to the use of their health data for this claim"),
        required=False,
    )

    def __init__(self, *args, illnesses=None, **kwargs):
        super().__init__(*args, **kwargs)
        if illnesses:
            self.fields["illness"] = forms.ChoiceField(
                label=_("Illness category"), choices=sorted(illnesses.items())
            )
        for kind in DocKind:
            self.fields[f"doc_{kind.value}"] = forms.FileField(
                label=kind.label, required=False,
                widget=forms.ClearableFileInput(attrs={"accept": accept_attribute(PHOTOS_AND_PDF)}),
            )  # fmt: skip


LINE_FIELDS = (
    "invoice_code",
    "invoice_number",
    "check_code",
    "total",
    "insurance",
    "self_paid",
    "eligible",
    "asked",
)


class LineForm(forms.Form):
    invoice_code = forms.CharField(label=_("Invoice code"), max_length=20, required=False)
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=20, required=False)
    check_code = forms.CharField(label=_("Check code (e-invoice)"), max_length=20, required=False)
    total = forms.DecimalField(
        label=_("Total"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    insurance = forms.DecimalField(
        label=_("Paid by basic insurance"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    self_paid = forms.DecimalField(
        label=_("Self-paid"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    eligible = forms.DecimalField(
        label=_("Eligible"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    asked = forms.DecimalField(
        label=_("Asked"), max_digits=12, decimal_places=2, min_value=0, required=False
    )


LineFormSet = forms.formset_factory(LineForm, extra=3, max_num=20)


class ApproveForm(forms.Form):
    """Approval, with the approved amount of each line in 元 (its proposed one unless lowered)
    and the reason of each cut; `fit_lines` adds a pair of fields per line of the claim."""

    note = forms.CharField(label=_("Note"), max_length=200, required=False)


def fit_lines(form: forms.Form, claim: Any) -> None:
    choices = [("", "—"), *((code.value, code.label) for code in APPROVER_CUTS)]
    for line in claim.lines.order_by("position"):
        form.fields[f"approve_{line.position}"] = forms.DecimalField(
            label=_("Line %(position)d approved (yuan)") % {"position": line.position},
            max_digits=12, decimal_places=2, min_value=Decimal(0), required=False,
        )  # fmt: skip
        form.fields[f"reason_{line.position}"] = forms.ChoiceField(
            label=_("Line %(position)d reason for the cut") % {"position": line.position},
            choices=choices, required=False,
        )  # fmt: skip


def approve_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """The form's lines as the step's `cuts`: position → (approved fen, reason)."""
    cuts = {}
    for name, value in data.items():
        if name.startswith("approve_") and value is not None:
            position = int(name.removeprefix("approve_"))
            cuts[position] = (yuan_to_fen(value), data.get(f"reason_{position}") or "")
    return {"note": data.get("note", ""), "cuts": cuts}
