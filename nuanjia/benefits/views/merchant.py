"""The merchant's phone pages under /p/benefits/: scan a card (or type the member number and
the last 4 of the ID) → the offers the member may use here with the uses left and the
member's coupons → confirm one, in big green or red. Each confirm form carries a key made
when the form was drawn: a double tap or a resent form gets the first answer back. Today's
uses, each reversible until 23:59 with a reason. No ids in the addresses: what a page
changes is looked up among the merchant's own."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from nuanjia.core.errors import RuleViolation
from nuanjia.core.money import parse_yuan
from nuanjia.core.workflow_pages import apply_rule_error
from nuanjia.members.auth import partner_page

from .. import queries
from ..services import confirm, coupons, redemptions, reversals
from ..services.periods import local_day


def _outlets(partner: Any) -> list[tuple[int, str]]:
    return [(outlet.pk, outlet.name) for outlet in partner.outlets.filter(is_active=True)]


class CardForm(forms.Form):
    outlet = forms.TypedChoiceField(label=_lazy("Outlet"), choices=(), coerce=int)
    code = forms.CharField(
        label=_lazy("Card code (from the scanner)"), max_length=200, required=False,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )  # fmt: skip
    number = forms.CharField(
        label=_lazy("Or the member number"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )  # fmt: skip
    id_last4 = forms.CharField(
        label=_lazy("with the last 4 of the ID number"), max_length=4, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )  # fmt: skip

    def __init__(self, *args: Any, partner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outlet"].choices = _outlets(partner)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("code") and not data.get("number"):
            raise forms.ValidationError(_("Scan the card or type the member number."))
        if data.get("number") and not data.get("code") and not data.get("id_last4"):
            self.add_error("id_last4", _("Enter the last 4 of the ID number."))
        return data


def _card_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data.get(name, "") for name in ("code", "number", "id_last4")}


def _confirm(request: Any, user: Any, form: CardForm) -> redemptions.Answer | None:
    """The posted confirm (an offer or a coupon), or None with the refusal on the form."""
    data = form.cleaned_data
    try:
        if request.POST.get("action") == "coupon":
            bill = parse_yuan(request.POST.get("bill", ""), field="bill", label=_("Bill"))
            return coupons.redeem_coupon(
                user, coupon=request.POST.get("coupon", ""), key=request.POST.get("key", ""),
                bill_fen=bill, outlet=data["outlet"], **_card_fields(data),
            )  # fmt: skip
        return confirm.confirm(
            user, offer=request.POST.get("offer", ""), key=request.POST.get("key", ""),
            outlet=data["outlet"], **_card_fields(data),
        )  # fmt: skip
    except RuleViolation as error:
        apply_rule_error(form, error)
        return None


@partner_page
def scan_view(request: Any) -> Any:
    """Scan (action "look"), then confirm an offer ("confirm") or a coupon ("coupon")."""
    user = request.partner_user
    partner = user.partner
    form = CardForm(request.POST or None, partner=partner,
                    initial={"outlet": request.GET.get("outlet")})  # fmt: skip
    card = answer = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("action") in ("confirm", "coupon"):
            answer = _confirm(request, user, form)
        else:
            try:
                card = redemptions.look_up(user, outlet=data["outlet"], **_card_fields(data))
            except RuleViolation as error:
                apply_rule_error(form, error)
    today = local_day()
    return render(
        request,
        "benefits/merchant/scan.html",
        {
            "user": user,
            "form": form,
            "card": card,
            "answer": answer,
            "key": uuid.uuid4(),  # each confirm form drawn: its own attempt key
            "card_fields": _card_fields(
                form.cleaned_data if form.is_bound and form.is_valid() else {}
            ),
            "outlet": form.cleaned_data.get("outlet") if card else "",
            "today": today,
            "count": queries.merchant_uses(partner.pk, today).filter(reversed=False).count(),
        },
    )


@partner_page
def uses_view(request: Any) -> Any:
    """Today's uses at the merchant, each reversible (with the reason) until 23:59."""
    user = request.partner_user
    message = error = ""
    if request.method == "POST":
        try:
            reversals.reverse(user, request.POST.get("redemption", ""),
                              reason=request.POST.get("reason", ""))  # fmt: skip
            message = _("The use is reversed; it counts again for the member.")
        except RuleViolation as refused:
            error = refused.message
    today = local_day()
    return render(
        request,
        "benefits/merchant/uses.html",
        {"user": user, "uses": queries.merchant_uses(user.partner_id, today)[:200],
         "today": today, "message": message, "error": error},
    )  # fmt: skip
