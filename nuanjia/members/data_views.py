"""My data on the phone pages (/m/data/): what is held, the download after a fresh texted
code (/m/recheck/), and requests about it. Staff answer the requests in their queue
(/members/data-requests/)."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import XLSX_CONTENT_TYPE
from nuanjia.core.middleware import client_ip
from nuanjia.core.ratelimit import RateLimited
from nuanjia.core.workflow_pages import (
    ReasonForm,
    StepPage,
    apply_rule_error,
    step_pages,
)

from . import queries, services
from .auth import member_page
from .models import DataRequest, PhoneCode
from .queues import StaffQueue
from .services import mydata
from .workflow import DATA_FLOW, DataStep

RECHECK_TEXT = gettext_noop(
    "Nuanjia: your code to confirm it is you is %(code)s, valid for %(minutes)d minutes."
)


class DataRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What do you ask for"), choices=DataRequest.Kind.choices
    )
    text = forms.CharField(
        label=gettext_lazy("Details"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RecheckForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from the text message"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


@member_page
def my_data_view(request):
    member = request.member
    form = DataRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mydata.ask_about_data(member, **form.cleaned_data)
        except RuleViolation as error:
            apply_rule_error(form, error)
        else:
            return redirect("members:my_data")
    return render(
        request,
        "members/my_data.html",
        {
            "sections": mydata.held_data(member),
            "requests": DataRequest.objects.filter(member=member).order_by("-created_at"),
            "form": form,
        },
    )


@member_page
def my_data_download_view(request):
    if not services.recently_checked(request.member_device):
        query = urlencode({"next": reverse("members:my_data_download")})
        return redirect(f"{reverse('members:recheck')}?{query}")
    response = HttpResponse(mydata.data_workbook(request.member), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="my-data.xlsx"'
    return response


@member_page
def recheck_view(request):
    """Confirm it is you with a fresh texted code (再次验证), then go on to `next`."""
    target = request.GET.get("next") or request.POST.get("next") or "/m/"
    target = target if target.startswith("/m/") else "/m/"
    form = RecheckForm(request.POST if "code" in request.POST else None)
    sent = "send" in request.POST
    status = 200
    try:
        if sent:
            services.send_code(request.member.phone, PhoneCode.Purpose.RECHECK,
                               ip=client_ip(request), text=_(RECHECK_TEXT))  # fmt: skip
        elif request.method == "POST" and form.is_valid():
            services.recheck(request.member_device, form.cleaned_data["code"])
            return redirect(target)
    except RuleViolation as error:
        status = 429 if isinstance(error, RateLimited) else 200
        apply_rule_error(form, error)
    return render(request, "members/recheck.html", {"form": form, "next": target, "sent": sent},
                  status=status)  # fmt: skip


# ---- Staff: the queue ------------------------------------------------------------------------

DATA_STEPS = step_pages(
    [
        StepPage(DATA_FLOW, DataStep.DONE, ReasonForm),
        StepPage(DATA_FLOW, DataStep.REFUSE, ReasonForm, is_danger=True),
    ]
)


DATA_QUEUE = StaffQueue(
    name="data_request",
    url="members/data-requests/",
    template="members/staff/data_request",
    statuses=DataRequest.Status,
    waiting=DataRequest.Status.OPEN,
    visible=queries.visible_data_requests,
    get_for=queries.get_data_request_for,
    steps=DATA_STEPS,
)
