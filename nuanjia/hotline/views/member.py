"""The member's own 12351 requests on the phone pages (/m/requests/): the requests sent from
the signed-in phone, each followed without the last 4 digits, and a new request with the
phone already known. Listed on the member's home through core.mypages."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from nuanjia.core.errors import RuleViolation
from nuanjia.core.workflow_pages import apply_rule_error
from nuanjia.members.auth import member_page

from .. import forms, queries, ratelimit, rules, services
from ..models import Ticket


def member_tickets(member):
    """The tickets sent from the member's phone (the blind index of the number), newest first."""
    return Ticket.objects.filter(caller_phone_index=member.phone_index).select_related("org")


def open_request_count(member) -> int:
    return member_tickets(member).filter(status__in=rules.OPEN_STATUSES).count()


@member_page
def my_requests_view(request):
    rows = list(member_tickets(request.member).order_by("-received_at")[:100])
    return render(request, "hotline/member_list.html", {"rows": rows})


@member_page
def my_request_view(request, number: str):
    ticket = member_tickets(request.member).filter(number=number.upper()).first()
    if ticket is None:
        raise Http404
    return render(request, "hotline/member_detail.html", {"ticket": ticket})


@member_page
def my_request_new_view(request):
    """The public request form without the phone field: the signed-in phone is the caller's."""
    form = forms.MemberSubmitForm(
        request.POST or None,
        request.FILES or None,
        places=queries.place_choices(),
        initial={"kind": request.GET.get("kind", "")},
    )
    if request.method == "POST" and form.is_valid():
        member = request.member
        if not ratelimit.hit("submit_phone", member.phone_index):
            form.add_error(None, _("Too many requests for this phone: please try again later."))
        else:
            worker = member.worker
            try:
                ticket, _is_new = services.submit_request(
                    channel=rules.Channel.WEB,
                    phone=member.phone,
                    caller_name=form.cleaned_data["caller_name"] or (worker.name if worker else ""),
                    **{k: v for k, v in form.cleaned_data.items() if k != "caller_name"},
                )
            except RuleViolation as error:
                apply_rule_error(form, error)
            else:
                return redirect("hotline:my_request", number=ticket.number)
    return render(request, "hotline/member_new.html", {"form": form})
