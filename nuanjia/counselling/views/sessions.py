"""Session pages (no notes on any list: only a session's own page opens them, for its
counsellor and a supervisor), the follow-up, classes and columns with attendance, and the
volunteer's own shifts on the partner pages (/p/) with a swap proposal."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nuanjia.core.errors import RuleViolation
from nuanjia.core.flash import attempt, saved
from nuanjia.members.auth import partner_page
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import forms, queries, services
from ..models import Shift
from ..rules import Risk

PAGE_SIZE = 50


@requires(Perm.VIEW_BUSINESS)
def session_list_view(request):
    sessions = queries.visible_sessions(request.user)
    risk = request.GET.get("risk", "")
    if risk in Risk.values:
        sessions = sessions.filter(risk=risk)
    if request.GET.get("follow_up") == "open":
        sessions = queries.waiting_follow_ups(request.user)
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "counselling/session_list.html", {
        "page": page, "risks": Risk.choices, "chosen": risk, "now": timezone.now(),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def session_new_view(request):
    helpers = list(queries.visible_helpers(request.user).filter(is_active=True)[:500])
    form = forms.SessionForm(request.POST or None, helpers=helpers)
    by_pk = {str(h.pk): h for h in helpers}

    def log():
        data = dict(form.cleaned_data)
        return services.log_session(by_pk[data.pop("helper")], by=request.user, **data)

    session = saved(request, form, log, _("The session has been logged."))
    if session is not None:
        return redirect("counselling:session", session_id=session.pk)
    return render(request, "counselling/form.html", {"form": form, "title": _("Log a session")})


@requires(Perm.VIEW_BUSINESS)
def session_detail_view(request, session_id: int):
    session = queries.get_session_for(request.user, session_id)
    return render(request, "counselling/session_detail.html", {
        "session": session, "notes": services.notes_for(request.user, session),
        "may_read": services.may_read_notes(request.user, session), "now": timezone.now(),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
@require_POST
def session_follow_up_view(request, session_id: int):
    session = queries.get_session_for(request.user, session_id, write=True)
    attempt(
        request,
        lambda: services.follow_up(session, by=request.user, note=request.POST.get("note", "")),
        _("The follow-up has been recorded."),
    )
    return redirect("counselling:session", session_id=session.pk)


# ---- classes and columns ---------------------------------------------------------------------


@requires(Perm.VIEW_BUSINESS)
def event_list_view(request):
    events = queries.visible_events(request.user)
    form = forms.EventForm(request.POST or None)
    event = saved(
        request, form,
        lambda: services.create_event(request.user.org, by=request.user, **form.cleaned_data),
        _("The class or column has been set up."),
    )  # fmt: skip
    if event is not None:
        return redirect("counselling:event", class_id=event.pk)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "counselling/event_list.html", {
        "page": page, "form": form, "may_add": services.may_manage(request.user, request.user.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def event_detail_view(request, class_id: int):
    event = queries.get_event_for(request.user, class_id)
    form = forms.AttendanceForm(request.POST or None)
    if request.method == "POST":
        event = queries.get_event_for(request.user, class_id, write=True)
        row = saved(
            request, form,
            lambda: services.add_attendance(event, by=request.user, **form.cleaned_data),
            _("The attendance has been recorded."),
        )  # fmt: skip
        if row is not None:
            return redirect("counselling:event", class_id=event.pk)
    return render(request, "counselling/event_detail.html", {
        "event": event, "attendance": event.attendance.all(), "form": form,
        "may_change": services.may_manage(request.user, event.org),
    })  # fmt: skip


# ---- the volunteer on the partner pages ------------------------------------------------------


def _volunteer(request):
    helper = queries.helper_of(request.partner_user)
    if helper is None:
        raise Http404
    return helper


@partner_page
def my_shifts_view(request):
    helper = _volunteer(request)
    if request.method == "POST":
        shift = Shift.objects.filter(
            helper=helper, pk=int(request.POST.get("shift", "0") or 0)
            if request.POST.get("shift", "").isdigit() else 0,
        ).first()  # fmt: skip
        taker = helper.line.helpers.filter(
            pk=int(request.POST["taker"]) if request.POST.get("taker", "").isdigit() else 0
        ).first()
        try:
            if shift is None or taker is None:
                raise RuleViolation(_("Choose a shift and another person."), field="taker")
            services.propose_swap(shift, taker, reason=request.POST.get("reason", ""),
                                  volunteer=helper)  # fmt: skip
            messages.success(request, _("The swap has been proposed to the supervisor."))
        except RuleViolation as error:
            messages.error(request, error.message)
        return redirect("counselling:my_shifts")
    shifts = helper.shifts.filter(ends_at__gt=timezone.now()).order_by("starts_at")[:60]
    others = helper.line.helpers.filter(is_active=True).exclude(pk=helper.pk).order_by("name")
    return render(request, "counselling/my_shifts.html", {
        "helper": helper, "shifts": shifts, "others": others,
    })  # fmt: skip
