"""A partner's phone pages under /p/ (合作机构端): sign in by code, scan a member's card at an
outlet (the QR text from a scanner or the member number with the last 4 of the ID), and the
partner's own scans. Nothing here shows a name unmasked without the member's consent."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from nuanjia.core import partnerpages
from nuanjia.core.errors import RuleViolation
from nuanjia.core.workflow_pages import apply_rule_error

from . import services
from .auth import PARTNER_DOOR, partner_page, public_member_page
from .models import CardScan
from .services import partners
from .signin_pages import code_sign_in_page

PARTNER_CODE_TEXT = gettext_noop(
    "Nuanjia partner sign-in code: %(code)s, valid for %(minutes)d minutes. Tell nobody."
)
STATUS_LABELS = {
    services.CardStatus.VALID: gettext_lazy("Valid member card"),
    services.CardStatus.NOT_MEMBER: gettext_lazy("Not a union member"),
    services.CardStatus.EXPIRED: gettext_lazy("The code is too old: ask for the card again"),
    services.CardStatus.INVALID: gettext_lazy("Not a valid card"),
}


class ScanForm(forms.Form):
    outlet = forms.ChoiceField(label=gettext_lazy("Outlet"), choices=())
    use = forms.ChoiceField(label=gettext_lazy("What for"), choices=())
    code = forms.CharField(
        label=gettext_lazy("Card code (from the scanner)"), max_length=200, required=False
    )
    number = forms.CharField(
        label=gettext_lazy("Or the member number"), max_length=20, required=False
    )
    id_last4 = forms.CharField(
        label=gettext_lazy("with the last 4 of the ID number"), max_length=4, required=False
    )

    def __init__(self, *args, partner=None, **kwargs):
        super().__init__(*args, **kwargs)
        outlets = partner.outlets.filter(is_active=True) if partner else []
        self.fields["outlet"].choices = [(outlet.pk, outlet.name) for outlet in outlets]  # type: ignore[attr-defined]
        self.fields["use"].choices = [(name, use.label) for name, use in services.uses().items()]  # type: ignore[attr-defined]


@public_member_page
def partner_sign_in_view(request):
    return code_sign_in_page(
        request,
        door=PARTNER_DOOR,
        send=lambda phone, ip: partners.send_partner_code(phone, ip=ip, text=_(PARTNER_CODE_TEXT)),
        sign_in=lambda data, agent: partners.partner_sign_in(
            data["phone"], data["code"], user_agent=agent
        ),
        template="members/partner/sign_in.html",
        next_url="/p/",
        with_consent=False,
    )


@partner_page
def partner_home_view(request):
    """Scan a card; the answer appears above the form, and the scan joins the list."""
    user = request.partner_user
    form = ScanForm(request.POST or None, partner=user.partner)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = partners.partner_scan(user, **data)
        except RuleViolation as error:
            apply_rule_error(form, error)
        else:
            form = ScanForm(
                partner=user.partner, initial={"outlet": data["outlet"], "use": data["use"]}
            )
    return render(
        request,
        "members/partner/home.html",
        {
            "user": user,
            "form": form,
            "result": result,
            "result_label": STATUS_LABELS.get(result.status) if result else "",
            "pages": partnerpages.pages_for(user.partner.kind),
        },
    )


@partner_page
def partner_scans_view(request):
    rows = CardScan.objects.filter(partner=request.partner_user.partner).select_related("outlet")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for scan in page:
        scan.status_label = STATUS_LABELS.get(scan.status, scan.status)  # type: ignore[attr-defined]
    return render(request, "members/partner/scans.html", {"page": page})


@partner_page
def partner_sign_out_view(request):
    if request.method == "POST":
        partners.end_partner_device(request.partner_user_device)
        response = redirect("members:partner_sign_in")
        PARTNER_DOOR.clear_cookie(response)
        return response
    return redirect("members:partner_home")
