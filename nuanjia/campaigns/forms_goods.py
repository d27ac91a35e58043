"""Forms of the goods pages (catalogue, donations, sending down, purchases, hand-outs); the
checks that matter are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org

from .models import Campaign, GoodsItem
from .rules import GoodsUnit, PurchaseStatus

DATE = forms.DateInput(attrs={"type": "date"})


def _items() -> Any:
    return GoodsItem.objects.filter(is_active=True)


class ItemForm(forms.Form):
    name = forms.CharField(label=_("Item"), max_length=50)
    unit = forms.ChoiceField(label=pgettext_lazy("goods", "Unit"), choices=GoodsUnit.choices)


class _StockForm(forms.Form):
    """A form that moves one item of a union's stock, optionally for a campaign."""

    org = forms.ModelChoiceField(label=_("Union"), queryset=Org.objects.none())
    item = forms.ModelChoiceField(label=_("Item"), queryset=GoodsItem.objects.none())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), required=False
    )

    def __init__(self, *args: Any, orgs: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["item"].queryset = _items()  # type: ignore[attr-defined]
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]


class DonationForm(_StockForm):
    source = forms.CharField(label=_("Donor"), max_length=100)


class AllocateForm(_StockForm):
    to_org = forms.ModelChoiceField(label=_("To the union below"), queryset=Org.objects.none())

    def __init__(self, *args: Any, children: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].label = _("From the union")
        self.fields["to_org"].queryset = children  # type: ignore[attr-defined]


class PurchaseForm(_StockForm):
    amount_yuan = forms.DecimalField(
        label=_("Amount (yuan)"), min_value=0, decimal_places=2, max_digits=14
    )
    earmark = forms.ModelChoiceField(label=_("Earmark"), queryset=Earmark.objects.none())
    supplier = forms.CharField(label=_("Supplier"), max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["earmark"].queryset = Earmark.objects.filter(is_active=True)  # type: ignore[attr-defined]


class PurchaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *PurchaseStatus.choices], required=False
    )


class WithdrawForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=200)


class BulkHandoutForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Union"), queryset=Org.objects.none())
    item = forms.ModelChoiceField(label=_("Item"), queryset=GoodsItem.objects.none())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    recipient_group = forms.CharField(label=_("Site or team"), max_length=100)
    people_count = forms.IntegerField(label=_("People"), min_value=1)
    signed_by_name = forms.CharField(
        label=_("Received and signed by"), max_length=50, required=False
    )
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE, required=False)
    signed_list = forms.FileField(
        label=_("Photo of the signed list"),
        required=False,
        help_text=_("A photo (JPEG or PNG) or a PDF, at most 5 MB."),
    )

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["item"].queryset = _items()  # type: ignore[attr-defined]


class HandoutFilterForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Union"), queryset=Org.objects.none(), required=False)
    item = forms.ModelChoiceField(
        label=_("Item"), queryset=GoodsItem.objects.none(), required=False
    )
    kind = forms.ChoiceField(
        label=_("Recipient"),
        choices=[("", _("Named and bulk")), ("named", _("Named")), ("bulk", _("Bulk"))],
        required=False,
    )

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["item"].queryset = GoodsItem.objects.all()  # type: ignore[attr-defined]


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)
