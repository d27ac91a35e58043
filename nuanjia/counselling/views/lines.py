"""Help line pages: the lines in scope, setting one up, a line's page (its people with their
qualifications, sign-in for volunteers, the register's import and export), the roster with
its gaps, and the swaps to decide."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from nuanjia.core.flash import attempt, saved
from nuanjia.core.imports import ImportForm, imported_context, owned_error_sheet, template_response
from nuanjia.core.listexport import ListExport, column
from nuanjia.core.workflow_pages import StepPage, offered_pages, run_step_button, step_pages
from nuanjia.orgs.permissions import deny, requires
from nuanjia.orgs.queries import visible_staff
from nuanjia.orgs.rules import Perm

from .. import forms, queries, services
from ..imports_register import REGISTER_SHEET, import_register, write_register_template
from ..rules import GAP_DAYS, SwapStatus, SwapStep
from ..workflow import SWAP_FLOW

PAGE_SIZE = 50


def _qualifications(helper) -> str:
    return "；".join(
        f"{q.kind} {q.number} {q.issuer} {q.valid_until or ''}".strip()
        for q in helper.qualifications.all()
    )


REGISTER_EXPORT = ListExport("counselling.register", _lazy("Volunteer register"), (
    column("姓名", "name"), column("类型", lambda h: "咨询师" if h.kind == "counsellor" else "志愿者"),
    column("手机号", "phone_masked"), column("资质", _qualifications),
    column(_lazy("Line"), "line.name"), column(_lazy("Union"), "org.name"),
))  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def line_list_view(request):
    lines = queries.visible_lines(request.user)
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "counselling/line_list.html", {
        "page": page, "may_add": services.may_manage(request.user, request.user.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def line_new_view(request):
    form = forms.LineForm(request.POST or None, staff=visible_staff(request.user))
    line = saved(
        request, form,
        lambda: services.create_line(request.user.org, by=request.user, **form.cleaned_data),
        _("The line has been set up."),
    )  # fmt: skip
    if line is not None:
        return redirect("counselling:line", help_line_id=line.pk)
    return render(
        request, "counselling/form.html", {"form": form, "title": _("Set up a help line")}
    )


@requires(Perm.VIEW_BUSINESS)
def line_detail_view(request, help_line_id: int):
    line = queries.get_line_for(request.user, help_line_id)
    form = forms.HelperForm(request.POST or None)
    if request.method == "POST":
        line = queries.get_line_for(request.user, help_line_id, write=True)
        helper = saved(
            request, form, lambda: services.add_helper(line, by=request.user, **form.cleaned_data),
            _("The person has been registered."),
        )  # fmt: skip
        if helper is not None:
            return redirect("counselling:line", help_line_id=line.pk)
    helpers = line.helpers.prefetch_related("qualifications").order_by("name", "pk")
    return render(request, "counselling/line_detail.html", {
        "line": line, "helpers": helpers, "form": form,
        "may_change": services.may_manage(request.user, line.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def helper_detail_view(request, helper_id: int):
    helper = queries.get_helper_for(request.user, helper_id)
    form = forms.QualificationForm(request.POST or None)
    if request.method == "POST":
        helper = queries.get_helper_for(request.user, helper_id, write=True)
        if request.POST.get("action") == "account":
            attempt(request, lambda: services.open_account(helper, by=request.user),
                    _("The volunteer can now sign in on the partner pages."))  # fmt: skip
            return redirect("counselling:helper", helper_id=helper.pk)
        row = saved(
            request, form,
            lambda: services.add_qualification(helper, by=request.user, **form.cleaned_data),
            _("The qualification has been recorded."),
        )  # fmt: skip
        if row is not None:
            return redirect("counselling:helper", helper_id=helper.pk)
    return render(request, "counselling/helper_detail.html", {
        "helper": helper, "qualifications": helper.qualifications.all(), "form": form,
        "may_change": services.may_manage(request.user, helper.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def register_export_view(request, help_line_id: int):
    line = queries.get_line_for(request.user, help_line_id)
    helpers = queries.visible_helpers(request.user).filter(line=line)
    helpers = helpers.prefetch_related("qualifications").order_by("name", "pk")
    return REGISTER_EXPORT.download(request, helpers, {"line": line.name})


@requires(Perm.VIEW_BUSINESS)
def register_import_view(request, help_line_id: int):
    line = queries.get_line_for(request.user, help_line_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": REGISTER_SHEET.columns, "line": line}
    if request.method == "POST":
        line = queries.get_line_for(request.user, help_line_id, write=True)
        if not services.may_manage(request.user, line.org):
            deny(request.user, "counselling.register.import", request.path)
        context |= imported_context(
            request, form, lambda upload, **how: import_register(line, upload, by=request.user, **how)
        )  # fmt: skip
    return render(request, "counselling/register_import.html", context)


@requires(Perm.VIEW_BUSINESS)
@require_GET
def register_import_errors_view(request, import_token: str):
    return owned_error_sheet(
        request,
        import_token,
        filename="志愿者名册导入错误.xlsx",
        what="register import error sheet",
    )


@requires(Perm.VIEW_BUSINESS)
@require_GET
def register_template_view(request):
    return template_response(write_register_template, filename="志愿者名册导入模板.xlsx")


# ---- the roster ------------------------------------------------------------------------------


@requires(Perm.VIEW_BUSINESS)
def roster_view(request, help_line_id: int):
    line = queries.get_line_for(request.user, help_line_id)
    helpers = list(line.helpers.filter(is_active=True).order_by("name", "pk"))
    form = forms.ShiftForm(request.POST or None, helpers=helpers)
    if request.method == "POST":
        line = queries.get_line_for(request.user, help_line_id, write=True)
        by_pk = {str(h.pk): h for h in helpers}
        shift = saved(
            request, form,
            lambda: services.add_shift(by_pk[form.cleaned_data["helper"]],
                                       form.cleaned_data["starts_at"], form.cleaned_data["ends_at"],
                                       by=request.user),
            _("The shift has been added."),
        )  # fmt: skip
        if shift is not None:
            return redirect("counselling:roster", help_line_id=line.pk)
    first, last = services.window(GAP_DAYS)
    shifts = queries.visible_shifts(request.user).filter(
        line=line, ends_at__gt=first, starts_at__lt=last
    )
    return render(request, "counselling/roster.html", {
        "line": line, "form": form, "shifts": shifts.order_by("starts_at", "pk")[:500],
        "gaps": services.find_gaps([line], first, last)[line.pk], "days": GAP_DAYS,
        "may_change": services.may_manage(request.user, line.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
@require_POST
def shift_remove_view(request, shift_id: int):
    shift = queries.get_shift_for(request.user, shift_id, write=True)
    attempt(request, lambda: services.remove_shift(shift, by=request.user),
            _("The shift has been removed."))  # fmt: skip
    return redirect("counselling:roster", help_line_id=shift.line_id)


@requires(Perm.VIEW_BUSINESS)
def shift_swap_view(request, shift_id: int):
    """A caseworker proposes a swap for the volunteer on the shift."""
    shift = queries.get_shift_for(request.user, shift_id)
    helpers = list(shift.line.helpers.filter(is_active=True).exclude(pk=shift.helper_id))
    form = forms.SwapForm(request.POST or None, helpers=helpers)
    if request.method == "POST":
        shift = queries.get_shift_for(request.user, shift_id, write=True)
        by_pk = {str(h.pk): h for h in helpers}
        swap = saved(
            request, form,
            lambda: services.propose_swap(shift, by_pk[form.cleaned_data["taker"]],
                                          reason=form.cleaned_data["reason"], by=request.user),
            _("The swap has been proposed."),
        )  # fmt: skip
        if swap is not None:
            return redirect("counselling:swap", swap_id=swap.pk)
    return render(request, "counselling/form.html", {"form": form, "title": _("Propose a swap")})


@requires(Perm.VIEW_BUSINESS)
def gaps_view(request):
    """The gaps of the lines in scope (the supervisor's own first) in the coming days."""
    try:
        days = int(request.GET.get("days", GAP_DAYS))
        first, last = services.window(days)
    except (ValueError, services.RuleViolation):
        days = GAP_DAYS
        first, last = services.window(days)
    lines = list(queries.visible_lines(request.user).filter(is_active=True)[:200])
    found = services.find_gaps(lines, first, last)
    names = {line.pk: line for line in lines}
    rows = sorted(
        ((names[pk], gap) for pk, gaps in found.items() for gap in gaps),
        key=lambda row: (row[0].supervisor_id != request.user.pk, row[1].starts_at),
    )
    return render(request, "counselling/gaps.html", {"rows": rows, "days": days,
                                                     "now": timezone.now()})  # fmt: skip


SWAP_STEPS = step_pages(
    [
        StepPage(SWAP_FLOW, SwapStep.APPROVE, forms.NoteForm),
        StepPage(SWAP_FLOW, SwapStep.REFUSE, forms.ReasonForm, is_danger=True),
    ]
)


@requires(Perm.VIEW_BUSINESS)
def swap_list_view(request):
    swaps = queries.visible_swaps(request.user)
    status = request.GET.get("status", SwapStatus.PROPOSED)
    if status in SwapStatus.values:
        swaps = swaps.filter(status=status)
    page = Paginator(swaps, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "counselling/swap_list.html", {
        "page": page, "statuses": SwapStatus.choices, "chosen": status,
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def swap_detail_view(request, swap_id: int):
    swap = queries.get_swap_for(request.user, swap_id)
    return render(request, "counselling/swap_detail.html", {
        "swap": swap, "events": swap.events.select_related("by"),
        "steps": offered_pages(SWAP_STEPS, swap, request.user),
    })  # fmt: skip


def swap_step_view(step: str):
    @requires(Perm.VIEW_BUSINESS)
    @require_POST
    def view(request, swap_id: int):
        swap = queries.get_swap_for(request.user, swap_id, write=True)
        return run_step_button(
            request, SWAP_STEPS[step], swap,
            back=lambda: redirect("counselling:swap", swap_id=swap.pk),
        )  # fmt: skip

    view.__name__ = f"swap_{step}_view"
    return view
