"""The two-step sign-in page members and partners' people share: the phone, then the texted
code. Each door says how a code is sent and how the code signs in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from nuanjia.core.errors import RuleViolation
from nuanjia.core.middleware import client_ip
from nuanjia.core.ratelimit import RateLimited
from nuanjia.core.workflow_pages import apply_rule_error

from . import forms, services
from .auth import DeviceDoor


def code_sign_in_page(
    request: HttpRequest,
    *,
    door: DeviceDoor,
    send: Callable[[str, str | None], None],  # (phone, client address)
    sign_in: Callable[[dict[str, Any], str], tuple[Any, str]],  # (code form data, user agent)
    template: str,
    next_url: str,
    with_consent: bool,
) -> HttpResponse:
    """Step 1 texts a code to the phone; step 2 signs in with it, sets the door's cookie and
    goes to `next_url`. A refusal shows on the form (429 when it is a limit)."""
    phone_form = forms.PhoneForm(request.POST if "send" in request.POST else None)
    code_form = None
    limited = False

    def code_form_of(data: Any = None, initial: Any = None) -> forms.CodeForm:
        form = forms.CodeForm(data, initial=initial)
        if not with_consent:
            del form.fields["consent"]
        return form

    try:
        if request.method == "POST" and "send" in request.POST and phone_form.is_valid():
            phone = services.mobile_number(phone_form.cleaned_data["phone"])
            send(phone, client_ip(request))
            code_form = code_form_of(initial={"phone": phone})
        elif request.method == "POST" and "verify" in request.POST:
            code_form = code_form_of(request.POST)
            if code_form.is_valid():
                agent = request.META.get("HTTP_USER_AGENT", "")
                _holder, raw = sign_in(code_form.cleaned_data, agent)
                response = HttpResponseRedirect(next_url)
                door.set_cookie(response, raw)
                return response
    except RuleViolation as error:
        limited = isinstance(error, RateLimited)
        apply_rule_error(code_form or phone_form, error)
    context = {"phone_form": phone_form, "code_form": code_form, "next": next_url}
    return render(request, template, context, status=429 if limited else 200)
