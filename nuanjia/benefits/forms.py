"""The staff forms of the benefits pages: a merchant's terms and an offer. Amounts are typed
in yuan and kept in fen; the member group is a people.eligibility rule as JSON (empty: all
members)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from nuanjia.core.errors import RuleViolation
from nuanjia.core.money import parse_yuan
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org

from .models import MerchantTerms
from .rules import Period

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class YuanField(forms.CharField):
    """An amount typed in yuan (0 allowed), cleaned to fen."""

    def clean(self, value: Any) -> int:
        text = super().clean(value)
        try:
            return parse_yuan(text, label=str(self.label or ""), allow_zero=True)
        except RuleViolation as error:
            raise forms.ValidationError(error.message) from None


class RuleField(forms.CharField):
    """A member-group rule as JSON (people.eligibility); empty: all members."""

    widget = forms.Textarea(attrs={"rows": 3})

    def clean(self, value: Any) -> dict[str, Any]:
        text = (super().clean(value) or "").strip()
        if not text:
            return {}
        try:
            data = json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("Write the member group as a rule in JSON.")) from None
        if not isinstance(data, dict):
            raise forms.ValidationError(_("Write the member group as a rule in JSON."))
        return data


class TermsForm(forms.Form):
    partner = forms.ModelChoiceField(label=_lazy("Merchant"), queryset=Org.objects.none())
    org = forms.ModelChoiceField(label=_lazy("Paying union"), queryset=Org.objects.none())
    earmark = forms.ModelChoiceField(label=_lazy("Earmark"), queryset=Earmark.objects.all())
    city = forms.CharField(label=_lazy("City"), max_length=30, required=False)
    starts_on = forms.DateField(label=_lazy("From"), widget=DATE)
    ends_on = forms.DateField(label=_lazy("Until"), widget=DATE)
    payee_name = forms.CharField(label=_lazy("Account holder"), max_length=100)
    bank_name = forms.CharField(label=_lazy("Bank"), max_length=60)
    bank_account = forms.CharField(
        label=_lazy("Bank account (blank: keep the one on file)"), max_length=40, required=False
    )
    can_scan = forms.BooleanField(label=_lazy("Scans member cards"), required=False,
                                  initial=True)  # fmt: skip

    def __init__(self, *args: Any, merchants: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = merchants  # type: ignore[attr-defined]
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]


def terms_initial(terms: MerchantTerms) -> dict[str, Any]:
    return {
        "partner": terms.partner_id, "org": terms.org_id, "earmark": terms.earmark_id,
        "city": terms.city, "starts_on": terms.starts_on, "ends_on": terms.ends_on,
        "payee_name": terms.payee_name, "bank_name": terms.bank_name, "can_scan": terms.can_scan,
    }  # fmt: skip


def _uses(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1, max_value=100_000, required=False)


class OfferForm(forms.Form):
    terms = forms.ModelChoiceField(label=_lazy("Merchant"), queryset=MerchantTerms.objects.none())
    name = forms.CharField(label=_lazy("Name"), max_length=60)
    member_price = YuanField(label=_lazy("Member pays (yuan)"), max_length=20)
    subsidy = YuanField(label=_lazy("Union subsidy per use (yuan)"), max_length=20)
    per_day = _uses(_lazy("Uses per member a day"))
    per_week = _uses(_lazy("Uses per member a week (from Monday)"))
    per_month = _uses(_lazy("Uses per member a calendar month"))
    per_year = _uses(_lazy("Uses per member a year"))
    budget_uses = _uses(_lazy("Budget (uses)"))
    budget_period = forms.ChoiceField(label=_lazy("Budget per"), choices=Period.choices,
                                      initial=Period.MONTH)  # fmt: skip
    starts_on = forms.DateField(label=_lazy("From"), widget=DATE)
    ends_on = forms.DateField(label=_lazy("Until"), widget=DATE)
    org = forms.ModelChoiceField(label=_lazy("For members of"), queryset=Org.objects.none())
    rule = RuleField(label=_lazy("Member group (rule; blank: all members)"), required=False)
    is_active = forms.BooleanField(label=_lazy("Active"), required=False, initial=True)

    def __init__(self, *args: Any, terms: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["terms"].queryset = terms  # type: ignore[attr-defined]
        self.fields["terms"].label_from_instance = lambda t: t.partner.name  # type: ignore[attr-defined]
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"], "member_price_fen": data["member_price"],
            "subsidy_fen": data["subsidy"], "starts_on": data["starts_on"],
            "ends_on": data["ends_on"], "org": data["org"],
            "limits": {"day": data["per_day"], "week": data["per_week"],
                       "month": data["per_month"], "year": data["per_year"]},
            "budget_uses": data["budget_uses"], "budget_period": data["budget_period"],
            "rule": data["rule"], "is_active": data["is_active"],
        }  # fmt: skip


def offer_initial(offer: Any) -> dict[str, Any]:
    return {
        "terms": offer.terms_id, "name": offer.name,
        "member_price": f"{offer.member_price_fen / 100:.2f}",
        "subsidy": f"{offer.subsidy_fen / 100:.2f}", "per_day": offer.per_day,
        "per_week": offer.per_week, "per_month": offer.per_month, "per_year": offer.per_year,
        "budget_uses": offer.budget_uses, "budget_period": offer.budget_period,
        "starts_on": offer.starts_on, "ends_on": offer.ends_on, "org": offer.org_id,
        "rule": json.dumps(offer.rule, ensure_ascii=False) if offer.rule else "",
        "is_active": offer.is_active,
    }  # fmt: skip


class CouponBatchForm(forms.Form):
    terms = forms.ModelChoiceField(label=_lazy("Merchant"), queryset=MerchantTerms.objects.none())
    name = forms.CharField(label=_lazy("Name"), max_length=60)
    face_value = YuanField(label=_lazy("Face value (yuan)"), max_length=20)
    threshold = YuanField(label=_lazy("Minimum bill (yuan)"), max_length=20)
    valid_from = forms.DateField(label=_lazy("Valid from"), widget=DATE)
    expires_on = forms.DateField(label=_lazy("Expires on"), widget=DATE)
    org = forms.ModelChoiceField(label=_lazy("For members of"), queryset=Org.objects.none())
    rule = RuleField(label=_lazy("Member group (rule; blank: all members)"), required=False)

    def __init__(self, *args: Any, terms: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["terms"].queryset = terms  # type: ignore[attr-defined]
        self.fields["terms"].label_from_instance = lambda t: t.partner.name  # type: ignore[attr-defined]
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]
