"""Forms of the ledger pages. Amounts are typed in 元 and read by core.money.parse_yuan."""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from nuanjia.core import clock
from nuanjia.core.errors import RuleViolation
from nuanjia.core.money import parse_yuan
from nuanjia.orgs.models import Org

from .models import Earmark
from .services import RECEIVE_SOURCES

MEMO_INPUT = forms.TextInput(attrs={"maxlength": 200})


class AmountField(forms.CharField):
    """An amount in yuan as typed ("2,500.50"), cleaned to integer 分."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Amount (yuan)"))
        kwargs.setdefault("help_text", _("In yuan with at most two decimals, e.g. 2500 or 2500.50"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> int:  # 分, not the typed text
        value = super().clean(value)
        try:
            return parse_yuan(value, field="amount", label=str(self.label))
        except RuleViolation as error:
            raise ValidationError(error.message) from None


class EarmarkField(forms.ModelChoiceField[Earmark]):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Earmark"))
        super().__init__(queryset=Earmark.objects.filter(is_active=True), **kwargs)


class PostingForm(forms.Form):
    """What every money move asks: earmark, amount, business date, memo."""

    earmark = EarmarkField()
    amount = AmountField()
    posted_on = forms.DateField(
        label=_("Business date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    memo = forms.CharField(label=_("Memo"), required=False, max_length=200, widget=MEMO_INPUT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("posted_on", clock.today())
        super().__init__(*args, **kwargs)


class ReceiveForm(PostingForm):
    source = forms.ChoiceField(
        label=_("Comes from"), choices=[(source, source) for source in RECEIVE_SOURCES]
    )
    field_order = ["earmark", "source", "amount", "posted_on", "memo"]


class AllocateForm(PostingForm):
    to_org: forms.ModelChoiceField[Org] = forms.ModelChoiceField(label=_("To union"), queryset=None)
    field_order = ["to_org", "earmark", "amount", "posted_on", "memo"]

    def __init__(self, *args: Any, children: QuerySet[Org], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        to_org = self.fields["to_org"]
        assert isinstance(to_org, forms.ModelChoiceField)  # declared above
        to_org.queryset = children


class ReturnForm(PostingForm):
    pass


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, widget=MEMO_INPUT)


class AllocationImportForm(PostingForm):
    """A sheet of allocations: the amounts come from its rows."""

    amount = None  # type: ignore[assignment]  # Django's way to leave an inherited field out
    file = forms.FileField(label=_("File (xlsx or CSV)"))
    field_order = ["earmark", "file", "posted_on", "memo"]

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > 5 * 1024 * 1024:
            raise ValidationError(_("The file is larger than %(size)d MB.") % {"size": 5})
        return upload


class ClosePeriodForm(forms.Form):
    month = forms.CharField(
        label=_("Month"),
        help_text=_("e.g. 2026-02"),
        widget=forms.TextInput(attrs={"type": "month"}),
    )

    def clean_month(self) -> tuple[int, int]:
        text = self.cleaned_data["month"].strip()
        try:
            day = datetime.datetime.strptime(text, "%Y-%m").date()
        except ValueError:
            raise ValidationError(_("Enter the month as YYYY-MM, e.g. 2026-02.")) from None
        return day.year, day.month
