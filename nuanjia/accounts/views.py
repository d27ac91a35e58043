"""Sign-in, two-factor, password change and API-token pages."""

import base64
from collections.abc import Callable

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.forms import add_rule_error

from . import services
from .forms import CodeForm, EnrolmentCodeForm, PasswordChangeForm, SignInForm, TokenForm
from .models import ApiToken


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@login_not_required
def login_view(request):
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_in(
                request, form.cleaned_data["username"], form.cleaned_data["password"]
            )
        except RuleViolation as error:
            form.add_error(None, error.message)
        else:
            if user.needs_two_factor:
                query = urlencode({"next": _next_url(request)})
                return redirect(f"{reverse('accounts:two_factor')}?{query}")
            return redirect(_next_url(request))
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


@login_not_required
def admin_login_view(request, extra_context=None):
    """Stands in for the Django admin's own login form (installed in AccountsConfig.ready).

    That form authenticates on its own and would bypass the lockout, the audit of failed
    sign-ins and the second factor; every sign-in goes through our login page instead.
    """
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect("admin:index")
        raise PermissionDenied
    target = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")


@login_not_required
@require_POST
def logout_view(request):
    services.sign_out(request)
    messages.info(request, _("You have signed out."))
    return redirect("accounts:login")


def _give_code(
    request,
    form: forms.Form,
    check: Callable[[HttpRequest, str], None],
    accepted: Callable[[], HttpResponse],
    field: str = "code",
) -> HttpResponse | None:
    """Give a posted code (the form's `field`: a TOTP code, an enrolment code) to `check`: the
    `accepted()` response when it passes; a refusal lands on the field (None), or, when the
    account got locked and the session was signed out, the sign-in page."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        check(request, form.cleaned_data[field])
    except RuleViolation as error:
        if not request.user.is_authenticated:
            messages.error(request, error.message)
            return redirect("accounts:login")
        form.add_error(field, error.message)
        return None
    return accepted()


def two_factor_view(request):
    """Ask for the TOTP code, or send a first-time user to enrolment."""
    if not request.user.needs_two_factor or request.user.is_verified():
        return redirect(_next_url(request))
    if services.confirmed_device(request.user) is None:
        return redirect("accounts:enrol")
    form = CodeForm(request.POST or None)
    response = _give_code(
        request, form, services.verify_second_factor, lambda: redirect(_next_url(request))
    )
    if response is not None:
        return response
    return render(request, "accounts/two_factor.html", {"form": form, "next": _next_url(request)})


@never_cache  # the page shows the TOTP secret
def enrol_view(request):
    """First-time set-up of an authenticator app: show the QR code and secret, confirm a code."""
    if services.confirmed_device(request.user) is not None and not request.user.is_verified():
        return redirect("accounts:two_factor")
    if services.enrolment_code_needed(request):
        return _enrolment_code_page(request)
    device = services.pending_device(request.user)
    form = CodeForm(request.POST or None)

    def enrolled() -> HttpResponse:
        messages.success(request, _("Two-factor sign-in is set up."))
        return redirect("desk:home")

    response = _give_code(request, form, services.confirm_enrolment, enrolled)
    if response is not None:
        return response
    secret = base64.b32encode(device.bin_key).decode()
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4)
    return render(
        request, "accounts/enrol.html", {"form": form, "secret": secret, "qr_svg": qr_svg}
    )


def _enrolment_code_page(request):
    """Before any secret is shown: the enrolment code a security administrator issued."""
    form = EnrolmentCodeForm(request.POST or None)
    response = _give_code(
        request,
        form,
        services.accept_enrolment_code,
        lambda: redirect("accounts:enrol"),
        field="enrolment_code",
    )
    if response is not None:
        return response
    return render(request, "accounts/enrol_code.html", {"form": form})


@never_cache
def password_change_view(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(
                request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except RuleViolation as error:
            add_rule_error(form, error)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("desk:home")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "must_change": request.user.must_change_password},
    )


@never_cache  # the page shows a new token in clear
def tokens_view(request):
    """A staff member's own API tokens: issue (shown once) and revoke."""
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.issue_api_token(
                request.user, name=form.cleaned_data["name"], by=request.user
            )
        except RuleViolation as error:
            form.add_error("name", error.message)
        else:
            form = TokenForm()
    tokens = ApiToken.objects.filter(staff=request.user)
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": tokens,
            "new_token": new_token,
            "token_days": settings.NUANJIA_API_TOKEN_DAYS,
        },
    )


@require_POST
def revoke_token_view(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, staff=request.user)
    services.revoke_api_token(token, by=request.user)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:tokens")
