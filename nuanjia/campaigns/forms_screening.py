"""Forms of the screening pages; the checks that matter are the services' (the degree, the
circumstances and the date are refused there, with the field named, for pages and API alike)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nuanjia.orgs.models import Org
from nuanjia.relief.models import GRADUAL_EXIT_TYPE, GrantType

from .rules import FindingDegree

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 3})


class FindingForm(forms.Form):
    """A finding: the person (a registry worker picked from the search, or a new person's
    facts), the finding union, the degree, circumstances, when and by whom."""

    worker = forms.IntegerField(required=False, widget=forms.HiddenInput)
    org = forms.ModelChoiceField(label=_("Finding union"), queryset=Org.objects.none())
    degree = forms.ChoiceField(
        label=_("Degree of hardship"),
        choices=[("", "—"), *FindingDegree.choices],
        required=False,
    )
    circumstances = forms.CharField(
        label=_("Circumstances"), max_length=2000, required=False, widget=TEXT
    )
    found_on = forms.DateField(label=_("Found on"), required=False, widget=DATE)
    found_by_name = forms.CharField(label=_("Found by (volunteer)"), max_length=50, required=False)
    name = forms.CharField(label=_("New person: name"), max_length=50, required=False)
    id_number = forms.CharField(label=_("New person: ID number"), max_length=18, required=False)
    phone = forms.CharField(label=_("New person: phone"), max_length=20, required=False)
    address = forms.CharField(label=_("New person: address"), max_length=200, required=False)
    employer_name = forms.CharField(label=_("New person: employer"), max_length=120, required=False)

    PERSON_FIELDS = ("name", "id_number", "phone", "address", "employer_name")

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]

    def new_person(self) -> dict[str, Any] | None:
        values = {name: self.cleaned_data.get(name) or "" for name in self.PERSON_FIELDS}
        return values if any(values.values()) else None


class FindingGrantForm(forms.Form):
    """A one-off grant proposed from a finding: the type, the amount in 元, the reason."""

    grant_type = forms.ModelChoiceField(label=_("Grant type"), queryset=GrantType.objects.none())
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=12, decimal_places=2, min_value=0
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=TEXT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grant_type"].queryset = GrantType.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).exclude(code=GRADUAL_EXIT_TYPE)


class FindingNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=TEXT)


class FindingReasonForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=500, widget=TEXT)
