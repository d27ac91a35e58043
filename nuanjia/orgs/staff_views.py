"""Staff account pages: the system administrator manages accounts, the security administrator roles."""

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.core.flash import attempt, saved
from nuanjia.core.listexport import ListExport, column

from . import services
from .forms import PasswordResetForm, RolesForm, StaffEditForm, StaffForm, add_rule_error
from .models import Org, Staff
from .permissions import StaffRequest, requires
from .queries import STAFF_LIST, filtered_staff, get_org_by_code_for, get_staff_for
from .rules import Perm

STAFF_EXPORT = ListExport("orgs.staff", _lazy("Staff accounts"), (
    column(_lazy("Name"), "full_name"), column(_lazy("User name"), "username"),
    column(_lazy("Union"), "org.name"), column(_lazy("Mobile phone"), "phone_masked"),
    column(_lazy("Roles"), lambda member: "、".join(member.role_labels())),
    column(_lazy("Status"), lambda member: _status_label(member)), column(_lazy("Last sign-in"), "last_login"),
))  # fmt: skip


def _status_label(member: Staff) -> str:
    if not member.is_active:
        return _("Inactive")
    return _("Locked") if member.is_locked else _("Active")


def _filtered_staff(request: StaffRequest) -> tuple[QuerySet[Staff], dict[str, str]]:
    """The accounts the list's search and status select, by union and user name."""
    filters = {key: request.GET.get(key, "").strip() for key in ("q", "status")}
    return filtered_staff(request.user, **filters), filters


@requires(Perm.VIEW_STAFF)
def staff_list_view(request: StaffRequest) -> HttpResponseBase:
    staff, filters = _filtered_staff(request)
    page = STAFF_LIST.page(staff, request.GET)
    can_manage = request.user.has_perm_code(Perm.MANAGE_STAFF)
    return render(
        request,
        "orgs/staff_list.html",
        {
            "page": page,
            "query": filters["q"],
            "status": filters["status"],
            "can_manage": can_manage,
            "query_string": page.query,
        },
    )


@requires(Perm.VIEW_STAFF)
def staff_export_view(request: StaffRequest) -> HttpResponseBase:
    """The filtered staff list as xlsx: phones masked."""
    staff, filters = _filtered_staff(request)
    return STAFF_EXPORT.response(request, staff, filters)


@requires(Perm.MANAGE_STAFF)
def staff_new_view(request: StaffRequest) -> HttpResponseBase:
    form = StaffForm(
        request.POST or None,
        initial={"org_code": request.user.org.code if request.user.org else ""},
    )

    def create() -> Staff:
        data = form.cleaned_data
        return services.create_staff(
            org=_org_from_code(request.user, data["org_code"]),
            username=data["username"],
            full_name=data["full_name"],
            phone=data["phone"],
            password=data["password"],
            by=request.user,
        )

    staff = saved(
        request,
        form,
        create,
        lambda staff: (
            _("Account %(name)s created. A security administrator assigns its roles.")
            % {"name": staff.username}
        ),
    )
    if staff is not None:
        return redirect("orgs:staff_detail", user_id=staff.pk)
    return render(request, "orgs/staff_form.html", {"form": form})


def _org_from_code(user: Actor, code: str) -> Org:
    from django.http import Http404

    try:
        return get_org_by_code_for(user, code.strip())
    except Http404:
        raise RuleViolation(
            _("No union with code %(code)s within your scope.") % {"code": code}, field="org_code"
        ) from None


@requires(Perm.VIEW_STAFF)
def staff_detail_view(request: StaffRequest, user_id: int) -> HttpResponseBase:
    staff = get_staff_for(request.user, user_id)
    can_manage = request.user.has_perm_code(Perm.MANAGE_STAFF)
    initial = {
        "full_name": staff.full_name,
        "phone": staff.phone,
        "org_code": staff.org.code if staff.org else "",
        "is_active": staff.is_active,
    }
    form = StaffEditForm(request.POST or None, initial=initial) if can_manage else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            org = _org_from_code(request.user, data["org_code"])
            services.update_staff(
                staff,
                full_name=data["full_name"],
                phone=data["phone"],
                org=org,
                is_active=data["is_active"],
                by=request.user,
            )
        except RuleViolation as error:
            add_rule_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("orgs:staff_detail", user_id=staff.pk)
    context = {
        "staff_member": staff,
        "form": form,
        "password_form": PasswordResetForm() if can_manage else None,
        "roles_form": RolesForm(initial={"roles": sorted(staff.roles)})
        if request.user.has_perm_code(Perm.ASSIGN_ROLES)
        else None,
    }
    return render(request, "orgs/staff_detail.html", context)


@require_POST
@requires(Perm.MANAGE_STAFF)
def staff_password_view(request: StaffRequest, user_id: int) -> HttpResponseBase:
    staff = get_staff_for(request.user, user_id, write=True)
    form = PasswordResetForm(request.POST)

    def reset() -> None:
        if not form.is_valid():
            raise RuleViolation(_("Enter the new password."), field="password")
        services.reset_staff_password(
            staff, password=form.cleaned_data["password"], by=request.user
        )

    if attempt(request, reset, _("The password has been reset and the account unlocked.")):
        messages.info(
            request,
            _("The password is temporary: the user must change it at the next sign-in."),
        )
    return redirect("orgs:staff_detail", user_id=staff.pk)


@require_POST
@requires(Perm.MANAGE_STAFF)
def staff_unlock_view(request: StaffRequest, user_id: int) -> HttpResponseBase:
    staff = get_staff_for(request.user, user_id, write=True)
    services.unlock_staff(staff, by=request.user)
    messages.success(request, _("The account has been unlocked."))
    return redirect("orgs:staff_detail", user_id=staff.pk)


@require_POST
@requires(Perm.MANAGE_STAFF)
def staff_two_factor_reset_view(request: StaffRequest, user_id: int) -> HttpResponseBase:
    staff = get_staff_for(request.user, user_id, write=True)
    attempt(
        request,
        lambda: services.reset_two_factor(staff, by=request.user),
        _("Two-factor sign-in has been reset; the account enrols again at its next sign-in."),
    )
    return redirect("orgs:staff_detail", user_id=staff.pk)


@require_POST
@requires(Perm.ASSIGN_ROLES)
def staff_roles_view(request: StaffRequest, user_id: int) -> HttpResponseBase:
    staff = get_staff_for(request.user, user_id, write=True)
    form = RolesForm(request.POST)

    def save_roles() -> None:
        if not form.is_valid():
            raise RuleViolation(_("Choose valid roles."), field="roles")
        services.set_roles(staff, set(form.cleaned_data["roles"]), by=request.user)

    attempt(request, save_roles, _("Roles saved."))
    return redirect("orgs:staff_detail", user_id=staff.pk)


@never_cache  # the page shows the code once
@require_POST
@requires(Perm.ASSIGN_ROLES)
def staff_enrolment_code_view(request: StaffRequest, user_id: int) -> HttpResponseBase:
    """Issue an enrolment code (启用码) and show it once, to be handed to the user."""
    staff = get_staff_for(request.user, user_id, write=True)
    try:
        code = services.issue_enrolment_code(staff, by=request.user)
    except RuleViolation as error:
        messages.error(request, error.message)
        return redirect("orgs:staff_detail", user_id=staff.pk)
    context = {"staff_member": staff, "code": code, "hours": services.ENROLMENT_CODE_HOURS}
    return render(request, "orgs/staff_enrolment_code.html", context)
