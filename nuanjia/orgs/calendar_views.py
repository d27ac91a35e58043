"""The holiday calendar pages of the system administrator (issue 12 #23): the days of a year,
add, change and delete one, mark a year complete, import the State Council notice as a sheet."""

import io
from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from nuanjia.core import workdays
from nuanjia.core.calendar import (
    confirm_calendar_year,
    delete_calendar_day,
    may_edit_calendar,
    save_calendar_day,
)
from nuanjia.core.calendar_import import CALENDAR_SHEET, import_calendar, write_calendar_template
from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import (
    XLSX_CONTENT_TYPE,
    ImportForm,
    owned_error_sheet,
    result_context,
)
from nuanjia.core.models import CalendarDay, CalendarYear

from .forms import CalendarDayForm, CalendarYearForm, add_rule_error
from .permissions import StaffRequest, deny, requires
from .rules import Perm

TEMPLATE_FILE_NAME = "节假日安排导入模板.xlsx"
ERROR_SHEET_FILE_NAME = "节假日安排导入错误.xlsx"

P = ParamSpec("P")
StaffView = Callable[Concatenate[StaffRequest, P], HttpResponseBase]


def province_calendar(view: StaffView[P]) -> StaffView[P]:
    """The calendar pages are the province's system administrator's (core.calendar): other
    system administrators are refused like any role without the permission."""

    @wraps(view)
    def wrapper(request: StaffRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        if not may_edit_calendar(request.user):
            deny(request.user, Perm.MANAGE_CALENDAR, request.path)
        return view(request, *args, **kwargs)

    return requires(Perm.MANAGE_CALENDAR)(wrapper)


def _year_url(year: int) -> str:
    return f"{reverse('orgs:calendar')}?{urlencode({'year': year})}"


def _chosen_year(request: StaffRequest) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or 0)
    except ValueError:
        year = 0
    if 2000 <= year <= 2100:
        return year
    missing = [y for y in (today.year, today.year + 1) if not workdays.schedule_known(y)]
    return missing[0] if missing else today.year


def _years(chosen: int) -> list[dict[str, Any]]:
    today = timezone.localdate()
    entered = {day.year for day in CalendarDay.objects.dates("day", "year")}
    confirmed = set(CalendarYear.objects.values_list("year", flat=True))
    years = sorted(entered | confirmed | {today.year, today.year + 1, chosen}, reverse=True)
    return [
        {"year": year, "known": workdays.schedule_known(year), "chosen": year == chosen}
        for year in years
    ]


@province_calendar
def calendar_view(request: StaffRequest) -> HttpResponseBase:
    """The days of one year, with the form that adds a day."""
    year = _chosen_year(request)
    form = CalendarDayForm(request.POST or None, initial={"kind": CalendarDayForm.HOLIDAY})
    if request.method == "POST" and form.is_valid():
        try:
            row, _outcome = save_calendar_day(
                day=form.cleaned_data["day"],
                is_workday=form.is_workday,
                name=form.cleaned_data["name"],
                by=request.user,
            )
        except RuleViolation as error:
            add_rule_error(form, error)
        else:
            messages.success(request, _("%(day)s saved.") % {"day": row.day.isoformat()})
            return redirect(_year_url(row.day.year))
    context = {
        "year": year,
        "years": _years(year),
        "days": CalendarDay.objects.filter(day__year=year).order_by("day"),
        "confirmed": CalendarYear.objects.filter(year=year).first(),
        "library_knows": workdays.library_knows(year),
        "form": form,
        "year_form": CalendarYearForm(initial={"year": year}),
    }
    return render(request, "orgs/calendar.html", context)


@province_calendar
def calendar_day_view(request: StaffRequest, day_id: int) -> HttpResponseBase:
    """Change one day (its date, kind or name)."""
    row = get_object_or_404(CalendarDay, pk=day_id)
    kind = CalendarDayForm.WORKDAY if row.is_workday else CalendarDayForm.HOLIDAY
    form = CalendarDayForm(
        request.POST or None, initial={"day": row.day, "kind": kind, "name": row.name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            save_calendar_day(
                day=form.cleaned_data["day"],
                is_workday=form.is_workday,
                name=form.cleaned_data["name"],
                by=request.user,
                instance=row,
            )
        except RuleViolation as error:
            add_rule_error(form, error)
        else:
            messages.success(request, _("%(day)s saved.") % {"day": row.day.isoformat()})
            return redirect(_year_url(row.day.year))
    return render(request, "orgs/calendar_day.html", {"form": form, "row": row})


@require_POST
@province_calendar
def calendar_day_delete_view(request: StaffRequest, day_id: int) -> HttpResponseBase:
    row = get_object_or_404(CalendarDay, pk=day_id)
    year, day = row.day.year, row.day
    try:
        delete_calendar_day(row, by=request.user)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(day)s removed.") % {"day": day.isoformat()})
    return redirect(_year_url(year))


@require_POST
@province_calendar
def calendar_year_view(request: StaffRequest) -> HttpResponseBase:
    """Mark a year's schedule as completely entered."""
    form = CalendarYearForm(request.POST)
    year = _chosen_year(request)
    try:
        if not form.is_valid():
            raise RuleViolation(_("Choose a year."))
        confirm_calendar_year(
            form.cleaned_data["year"], source=form.cleaned_data["source"], by=request.user
        )
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The holiday schedule of %(year)d is complete.") % {"year": year}
        )
    return redirect(_year_url(year))


@province_calendar
def calendar_import_view(request: StaffRequest) -> HttpResponseBase:
    """Upload the notice as a sheet; show its errors (and the error sheet) or what was entered."""
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": CALENDAR_SHEET.columns}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_calendar(
                upload, by=request.user, mode=form.cleaned_data["mode"], file_name=upload.name
            )
        except RuleViolation as error:
            form.add_error(None, error.message)
        else:
            context |= result_context(result, owner_id=request.user.pk)
    return render(request, "orgs/calendar_import.html", context)


@province_calendar
@require_GET
def calendar_import_errors_view(request: StaffRequest, import_token: str) -> HttpResponseBase:
    return owned_error_sheet(
        request, import_token, filename=ERROR_SHEET_FILE_NAME, what="calendar import error sheet"
    )


@province_calendar
@require_GET
def calendar_template_view(request: StaffRequest) -> HttpResponseBase:
    buffer = io.BytesIO()
    write_calendar_template(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        content_disposition_header(True, TEMPLATE_FILE_NAME) or "attachment"
    )
    return response
