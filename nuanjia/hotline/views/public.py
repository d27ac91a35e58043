"""The public 12351 pages (no sign-in, rate-limited): submit a request, follow it, add files."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from nuanjia.core.errors import RuleViolation
from nuanjia.core.middleware import client_ip
from nuanjia.core.ratelimit import RateLimited
from nuanjia.core.workflow_pages import (
    apply_rule_error,
)

from .. import forms, queries, ratelimit, rules, services

# ---- Public pages -------------------------------------------------------------------------


def _limited(request, name: str, subject: str) -> bool:
    return not ratelimit.hit(name, subject)


@login_not_required
def public_submit_view(request):
    """The phone-friendly request page: no sign-in, rate-limited per address and phone."""
    places = queries.place_choices()
    form = forms.PublicSubmitForm(request.POST or None, request.FILES or None, places=places)
    ticket = None
    limited = False
    if request.method == "POST":
        if _limited(request, "submit_ip", client_ip(request) or "-"):
            limited = True
            form.add_error(None, _("Too many requests from this address: please try again later."))
        elif form.is_valid():
            data = form.cleaned_data
            if _limited(request, "submit_phone", services.normalized_phone(data["phone"])):
                limited = True
                form.add_error(None, _("Too many requests for this phone: please try again later."))
            else:
                try:
                    ticket, _is_new = services.submit_request(channel=rules.Channel.WEB, **data)
                except RuleViolation as error:
                    apply_rule_error(form, error)
    return render(
        request,
        "hotline/public_submit.html",
        {"form": form, "ticket": ticket},
        status=429 if limited else 200,
    )


@login_not_required
def public_follow_view(request):
    """Follow a request by its number and the last 4 digits of the phone. An unknown number
    and a wrong phone get the same answer. A followed request can take more files."""
    attaching = request.method == "POST" and "attach" in request.POST
    form = forms.FollowForm(None if attaching else request.POST or None)
    attach_form = None
    ticket = None
    not_found = attached = False
    if request.method == "POST":
        try:
            if _limited(request, "follow_ip", client_ip(request) or "-"):
                raise RateLimited(_("Too many look-ups from this address: please try again later."))
            if attaching:
                ticket, attach_form, attached = _attach_from_follow(request)
                not_found = ticket is None
            elif form.is_valid():
                data = form.cleaned_data
                ticket = ratelimit.follow_with_limit(
                    services.follow_ticket, data["number"], data["last4"]
                )
                not_found = ticket is None
        except RateLimited as error:
            form = _refused(request, error.message)
    if ticket is not None and attach_form is None:
        attach_form = forms.CallerAttachForm(
            initial={"number": ticket.number, "last4": request.POST.get("last4", "")}
        )
    return render(
        request,
        "hotline/public_follow.html",
        {"form": form, "ticket": ticket, "not_found": not_found,
         "attach_form": attach_form, "attached": attached},
    )  # fmt: skip


def _refused(request, message: str) -> forms.FollowForm:
    """The look-up form, showing what was sent, with the refusal on top."""
    form = forms.FollowForm(request.POST)
    form.is_valid()
    form.add_error(None, message)
    return form


def _attach_from_follow(request):
    """(ticket or None, the attach form, whether files were kept)."""
    attach_form = forms.CallerAttachForm(request.POST, request.FILES)
    if not attach_form.is_valid():
        return None, None, False
    data = attach_form.cleaned_data
    try:
        ticket = ratelimit.follow_with_limit(
            lambda number, last4: services.attach_files_to_followed(number, last4, data["files"]),
            data["number"],
            data["last4"],
        )
    except RateLimited:
        raise
    except RuleViolation as error:
        ticket = services.follow_ticket(data["number"], data["last4"])
        apply_rule_error(attach_form, error)
        return ticket, attach_form, False
    return ticket, None, ticket is not None
