"""Forms of the consumption-help pages; the checks that matter are the services'."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nuanjia.funds.models import Earmark
from nuanjia.members.models import Partner
from nuanjia.orgs.models import Org

from .rules import Destination, ProducerKind, Unit

DATE = forms.DateInput(attrs={"type": "date"})
LINES = 5  # product lines an order form offers


def _jin_field(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=Decimal("0.1"), decimal_places=1, max_digits=12
    )


def _yuan_field(label: Any, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=Decimal(0), decimal_places=2, max_digits=14, required=required
    )


class ProducerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProducerKind.choices)
    region_code = forms.CharField(label=_("County code"), max_length=6)
    helping_unit = forms.CharField(label=_("Helping unit"), max_length=100, required=False)
    contact_name = forms.CharField(label=_("Contact"), max_length=50, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    payee_name = forms.CharField(label=_("Account holder"), max_length=100, required=False)
    bank_name = forms.CharField(label=_("Bank"), max_length=100, required=False)
    bank_account = forms.CharField(label=_("Account number"), max_length=40, required=False)


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Product"), max_length=100)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    grams = forms.IntegerField(
        label=_("Grams per box or bag"), min_value=1, required=False,
        help_text=_("Only for a box or bag: 1 jin is 500 g, 1 kg is 1000 g."),
    )  # fmt: skip
    price_yuan = _yuan_field(_("Price per unit (yuan)"))


class CountyForm(forms.Form):
    region_code = forms.CharField(label=_("County code"), max_length=6)
    name = forms.CharField(label=_("County"), max_length=50)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_to = forms.DateField(label=_("Valid until"), widget=DATE, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class LimitForm(forms.Form):
    limit_yuan = _yuan_field(_("Limit (yuan)"))


class OrderForm(forms.Form):
    """The buying union, the producer, the earmark and up to LINES product lines."""

    org = forms.ModelChoiceField(label=_("Buying union"), queryset=Org.objects.none())
    producer = forms.ChoiceField(label=_("Producer"), choices=())
    earmark = forms.ModelChoiceField(label=_("Earmark"), queryset=Earmark.objects.all())
    ordered_on = forms.DateField(label=_("Ordered on"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, orgs: Any, products: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]
        choices = [("", "—")] + [(str(p.pk), f"{p.producer.name} · {p}") for p in products]
        producers = {p.producer_id: p.producer.name for p in products}
        self.fields["producer"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *sorted(((str(pk), name) for pk, name in producers.items()), key=lambda c: c[1]),
        ]
        for n in range(1, LINES + 1):
            self.fields[f"product_{n}"] = forms.ChoiceField(
                label=_("Product %(n)s") % {"n": n}, choices=choices, required=n == 1
            )
            self.fields[f"units_{n}"] = forms.IntegerField(
                label=_("Units %(n)s") % {"n": n}, min_value=1, required=n == 1
            )


class DestinationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Where to"), choices=Destination.choices)
    jin = _jin_field(_("Quantity (jin)"))
    sales_yuan = _yuan_field(_("Sales (yuan)"), required=False)
    hardship_file = forms.IntegerField(label=_("Hardship file id"), required=False, min_value=1)
    label = forms.CharField(label=_("Recipient or activity"), max_length=100, required=False)
    source_type = forms.CharField(label=_("Activity source"), max_length=40, required=False)
    source_id = forms.CharField(label=_("Activity id"), max_length=40, required=False)
    on = forms.DateField(label=_("Date"), widget=DATE)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class BagForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Union"), queryset=Org.objects.none())
    producer = forms.ChoiceField(label=_("Producer"), choices=())
    earmark = forms.ModelChoiceField(
        label=_("Earmark of the subsidy"), queryset=Earmark.objects.all()
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    jin = _jin_field(_("Content (jin)"))
    member_price_yuan = _yuan_field(_("Member price (yuan)"))
    subsidy_yuan = _yuan_field(_("Union subsidy per bag (yuan)"))
    points = forms.ModelMultipleChoiceField(
        label=_("Collection points"), queryset=Partner.objects.none()
    )

    def __init__(self, *args: Any, orgs: Any, producers: Any, points: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["producer"].choices = [("", "—")] + [(str(p.pk), p.name) for p in producers]  # type: ignore[attr-defined]
        self.fields["points"].queryset = points  # type: ignore[attr-defined]


class BagEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    member_price_yuan = _yuan_field(_("Member price (yuan)"))
    subsidy_yuan = _yuan_field(_("Union subsidy per bag (yuan)"))
    points = forms.ModelMultipleChoiceField(
        label=_("Collection points"), queryset=Partner.objects.none()
    )
    is_open = forms.BooleanField(label=_("Open to orders"), required=False)

    def __init__(self, *args: Any, points: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["points"].queryset = points  # type: ignore[attr-defined]


class StockForm(forms.Form):
    bags = forms.IntegerField(label=_("Bags received"), min_value=1)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
