"""The member's phone pages under /m/ (职工端): sign in by code, who I am, joining, the card,
messages and devices; each app adds its own "my" pages (core.mypages)."""

from __future__ import annotations

import contextlib

import segno
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from nuanjia.core import mypages
from nuanjia.core.errors import RuleViolation
from nuanjia.core.workflow_pages import apply_rule_error

from . import forms, queries, services
from .auth import MEMBER_DOOR, clear_device_cookie, member_page, public_member_page
from .cards import card_text
from .models import Binding, Join, MemberDevice, Message, PartnerConsent, PhoneCode
from .services import partners
from .signin_pages import code_sign_in_page

# Translated when sent (the member's language); "%(code)s" and "%(minutes)d" are filled in.
SIGN_IN_TEXT = gettext_noop(
    "Nuanjia: your sign-in code is %(code)s, valid for %(minutes)d minutes. Tell nobody."
)


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/m/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return target
    return "/m/"


@public_member_page
def sign_in_view(request):
    """Step 1: the phone; step 2: the texted code (and, for a new account, the notice)."""
    return code_sign_in_page(
        request,
        door=MEMBER_DOOR,
        send=lambda phone, ip: services.send_code(
            phone, PhoneCode.Purpose.SIGN_IN, ip=ip, text=_(SIGN_IN_TEXT)
        ),
        sign_in=lambda data, agent: services.sign_in(
            data["phone"],
            data["code"],
            user_agent=agent,
            consent_version=services.PRIVACY_NOTICE_VERSION if data["consent"] else "",
        ),
        template="members/sign_in.html",
        next_url=_next_url(request),
        with_consent=True,
    )


@public_member_page
def privacy_view(request):
    return render(request, "members/privacy.html", {"version": services.PRIVACY_NOTICE_VERSION})


@member_page
def home_view(request):
    member = request.member
    worker = member.worker
    return render(
        request,
        "members/home.html",
        {
            "member": member,
            "worker": worker,
            "pending_binding": Binding.objects.filter(
                member=member, status=Binding.Status.PENDING
            ).first(),
            "open_join": Join.objects.filter(member=member, status__in=Join.WAITING)
            .select_related("org")
            .first(),
            "pages": mypages.pages_for(member),
            "unread": services.unread_count(member),
        },
    )


@member_page
def identify_view(request):
    member = request.member
    if member.worker_id:
        return redirect("members:home")
    form = forms.IdentifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.identify(member, **form.cleaned_data)
        except RuleViolation as error:
            apply_rule_error(form, error)
        else:
            return redirect("members:home")
    return render(request, "members/identify.html", {"form": form})


@member_page
def join_view(request):
    member = request.member
    if not member.worker_id:
        return redirect("members:identify")
    chosen = request.POST.get("region_code") or request.GET.get("region_code") or ""
    county = None
    if chosen:
        try:
            county = services.county_of_residence(chosen)
        except RuleViolation:
            county = None
    # A member moves their membership (会员关系转接) through the same form; never a second one.
    move = bool(request.POST.get("move") or request.GET.get("move"))
    form = forms.JoinForm(request.POST or None, county=county, initial={"region_code": chosen})
    if request.method == "POST" and "apply" in request.POST and form.is_valid():
        data = form.cleaned_data
        try:
            services.apply_to_join(
                member,
                occupation=data["occupation"].pk,
                employer_name=data["employer_name"],
                region_code=data["region_code"],
                address=data["address"],
                union=data["union"].pk if data["union"] else None,
                move=move,
            )
        except RuleViolation as error:
            apply_rule_error(form, error)
        else:
            return redirect("members:home")
    elif request.method == "POST":
        form = forms.JoinForm(county=county, initial=request.POST.dict())
    return render(request, "members/join.html", {"form": form, "county": county, "move": move})


@member_page
@require_POST
def withdraw_join_view(request, join_id: int):
    join = get_object_or_404(Join, pk=join_id, member=request.member)
    with contextlib.suppress(RuleViolation):  # decided meanwhile: the home page says so
        services.withdraw_join(request.member, join)
    return redirect("members:home")


@member_page
def card_view(request):
    worker = request.member.worker
    if worker is None or not worker.is_member:
        return render(request, "members/no_card.html", status=200)
    qr = segno.make(card_text(worker.pk), error="m")
    return render(
        request,
        "members/card.html",
        {
            "worker": worker,
            "qr_svg": qr.svg_inline(scale=6, border=2, title=_("Member card")),
            "refresh_seconds": 50,
        },
    )


@member_page
def messages_view(request):
    rows = list(Message.objects.filter(member=request.member)[:100])
    services.mark_read(request.member)
    return render(request, "members/messages.html", {"rows": rows})


@member_page
def devices_view(request):
    devices = MemberDevice.objects.filter(member=request.member, ended_at=None).order_by(
        "-last_seen_at"
    )
    if request.method == "POST":
        if "everywhere" in request.POST:
            services.sign_out_everywhere(request.member)
        else:
            services.sign_out(request.member_device)
        response = redirect("members:sign_in")
        clear_device_cookie(response)
        return response
    return render(
        request,
        "members/devices.html",
        {"devices": devices, "this_device": request.member_device},
    )


@member_page
def partner_consents_view(request):
    """Which partners may see my name when they scan my card (PIPL art. 23): each one given
    or withdrawn on its own."""
    member = request.member
    nearby = list(queries.partners_near(member))
    if request.method == "POST":
        partner = next((p for p in nearby if str(p.pk) == request.POST.get("partner")), None)
        if partner is None:
            raise Http404
        if request.POST.get("give") == "1":
            partners.give_partner_consent(member, partner)
        else:
            partners.withdraw_partner_consent(member, partner)
        return redirect("members:partner_consents")
    given = set(
        PartnerConsent.objects.filter(member=member, withdrawn_at=None).values_list(
            "partner_id", flat=True
        )
    )
    return render(request, "members/consents.html", {"partners": nearby, "given": given})
