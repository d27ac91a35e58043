"""Free breakfasts' pages. The shop's phone pages under /p/campaigns/breakfast/: scan a card
(or type the member number and the last 4 of the ID) → a big green or red answer, today's
count at the outlet; a paper list typed in or uploaded; the shop's own daily counts. The staff
pages: an activity's daily counts per shop or per city, each figure opening the meal rows
that add up to it (and their Excel export)."""

from __future__ import annotations

import datetime
import tempfile
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import XLSX_CONTENT_TYPE
from nuanjia.core.listexport import ListExport, column
from nuanjia.core.workflow_pages import apply_rule_error
from nuanjia.members.auth import partner_page
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import queries, queries_breakfast, services
from ..imports_breakfast import import_meal_list, parse_last4, parse_time, write_meal_template
from ..imports_screening import parse_day
from ..rules import ActivityKind
from ..tabs import activity_context

PAGE_SIZE = 50
PAPER_ROWS = 5


def _outlets(partner: Any) -> list[tuple[int, str]]:
    return [(outlet.pk, outlet.name) for outlet in partner.outlets.filter(is_active=True)]


class BreakfastScanForm(forms.Form):
    outlet = forms.TypedChoiceField(label=_("Outlet"), choices=(), coerce=int)
    code = forms.CharField(
        label=_("Card code (from the scanner)"), max_length=200, required=False,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )  # fmt: skip
    number = forms.CharField(
        label=_("Or the member number"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )  # fmt: skip
    id_last4 = forms.CharField(
        label=_("with the last 4 of the ID number"), max_length=4, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )  # fmt: skip

    def __init__(self, *args: Any, partner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outlet"].choices = _outlets(partner)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("code") and not data.get("number"):
            raise forms.ValidationError(_("Scan the card or type the member number."))
        if data.get("number") and not data.get("code") and not data.get("id_last4"):
            self.add_error("id_last4", _("Enter the last 4 of the ID number."))
        return data


@partner_page
def breakfast_scan_view(request):
    """The shop's scan page: the answer in big green or red above the form."""
    user = request.partner_user
    partner = user.partner
    form = BreakfastScanForm(request.POST or None, partner=partner,
                             initial={"outlet": request.GET.get("outlet")})  # fmt: skip
    result = None
    outlet = request.POST.get("outlet") or request.GET.get("outlet") or ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.scan_breakfast(
                user, outlet=data["outlet"], code=data["code"], number=data["number"],
                id_last4=data["id_last4"],
            )  # fmt: skip
        except RuleViolation as error:
            apply_rule_error(form, error)
        else:
            form = BreakfastScanForm(partner=partner, initial={"outlet": data["outlet"]})
            outlet = str(data["outlet"])
    outlets = _outlets(partner)
    if not outlet.isdigit() and outlets:
        outlet = str(outlets[0][0])
    today = services.meal_day()
    return render(
        request,
        "campaigns/breakfast/scan.html",
        {
            "user": user,
            "form": form,
            "result": result,
            "today": today,
            "count": queries_breakfast.outlet_count(partner, int(outlet or 0) or None, today),
            "outlet_name": dict(outlets).get(int(outlet or 0), ""),
        },
    )


class PaperForm(forms.Form):
    """A paper list typed in on the phone (a few rows) or uploaded as a sheet."""

    outlet = forms.TypedChoiceField(label=_("Outlet"), choices=(), coerce=int)
    file = forms.FileField(label=_("Or upload the list (xlsx or CSV)"), required=False)

    def __init__(self, *args: Any, partner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outlet"].choices = _outlets(partner)  # type: ignore[attr-defined]
        for n in range(1, PAPER_ROWS + 1):
            self.fields[f"number_{n}"] = forms.CharField(
                label=_("Member number"), max_length=20, required=False
            )
            self.fields[f"last4_{n}"] = forms.CharField(
                label=_("Last 4 of the ID"), max_length=4, required=False
            )
            self.fields[f"day_{n}"] = forms.CharField(
                label=_("Date"), max_length=10, required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )  # fmt: skip
            self.fields[f"time_{n}"] = forms.CharField(
                label=_("Time"), max_length=8, required=False,
                widget=forms.TimeInput(attrs={"type": "time"}),
            )  # fmt: skip

    def row_fields(self) -> list[list[Any]]:
        return [
            [self[f"{name}_{n}"] for name in ("number", "last4", "day", "time")]
            for n in range(1, PAPER_ROWS + 1)
        ]

    def paper_rows(self) -> list[services.PaperRow]:
        """The typed rows (numbered as on the page), or a form error on the cell at fault."""
        rows = []
        for n in range(1, PAPER_ROWS + 1):
            data = self.cleaned_data
            number, last4 = data.get(f"number_{n}", ""), data.get(f"last4_{n}", "")
            day, time = data.get(f"day_{n}", ""), data.get(f"time_{n}", "")
            if not (number or last4 or day or time):
                continue
            values: dict[str, Any] = {}
            for key, text, parse in (
                ("last4", last4, parse_last4),
                ("day", day, parse_day),
                ("time", time, parse_time),
            ):
                if not text:
                    continue
                try:
                    values[key] = parse(text)
                except forms.ValidationError as error:
                    self.add_error(f"{key}_{n}", error)
            for key, text in (("number", number), ("last4", last4), ("day", day)):
                if not text:
                    self.add_error(f"{key}_{n}", _("This field is required."))
            if number and "last4" in values and "day" in values:
                rows.append(
                    services.PaperRow(
                        row=n,
                        number=number,
                        id_last4=values["last4"],
                        day=values["day"],
                        time=values.get("time"),
                    )
                )
        return rows


@partner_page
def breakfast_paper_view(request):
    """A paper list: rows typed in, or a sheet uploaded; the list recorded with its refusals."""
    user = request.partner_user
    partner = user.partner
    form = PaperForm(request.POST or None, request.FILES or None, partner=partner)
    meal_list, file_errors = None, []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            if upload:
                outcome = import_meal_list(
                    upload, user, outlet=form.cleaned_data["outlet"], file_name=upload.name
                )
                meal_list, file_errors = outcome.meal_list, outcome.errors
            else:
                rows = form.paper_rows()
                if not form.errors:
                    meal_list = services.record_meal_list(
                        user, outlet=form.cleaned_data["outlet"], rows=rows
                    )
        except RuleViolation as error:
            apply_rule_error(form, error)
    return render(
        request,
        "campaigns/breakfast/paper.html",
        {"form": form, "meal_list": meal_list, "file_errors": file_errors},
    )


def _span(request: Any, default_days: int = 7) -> tuple[datetime.date, datetime.date]:
    """?from= and ?to= (YYYY-MM-DD), the last week by default, at most MAX_DAYS long."""
    until = _day(request.GET.get("to")) or services.meal_day()
    since = _day(request.GET.get("from")) or until - datetime.timedelta(days=default_days - 1)
    if since > until:
        since, until = until, since
    limit = datetime.timedelta(days=queries_breakfast.MAX_DAYS - 1)
    return max(since, until - limit), until


def _day(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text or "")
    except ValueError:
        return None


@partner_page
def breakfast_shop_counts_view(request):
    """The shop's own meals per day and outlet."""
    since, until = _span(request, 31)
    rows = queries_breakfast.shop_counts(request.partner_user.partner, since, until)
    return render(
        request,
        "campaigns/breakfast/shop_counts.html",
        {"rows": rows, "since": since, "until": until, "total": sum(r.count for r in rows)},
    )


# ---- Staff: daily counts and the rows behind them --------------------------------------------

MEAL_EXPORT = ListExport(
    "campaigns.breakfasts",
    _("Free breakfasts"),
    (
        column(_("Day"), "day"),
        column(_("Name"), "worker.name"),
        column(_("ID number"), "worker.id_number_masked"),
        column(_("Union"), "org.name"),
        column(_("Shop"), "partner.name"),
        column(_("Outlet"), lambda meal: meal.outlet.name if meal.outlet else ""),
        column(_("Recorded by"), "get_source_display"),
        column(_("Time"), "recorded_at"),
    ),
)


def _breakfast_activity(request: Any, activity_id: int) -> Any:
    activity = queries.get_activity_for(request.user, activity_id)
    if activity.kind != ActivityKind.BREAKFAST:
        raise Http404
    return activity


@requires(Perm.VIEW_BUSINESS)
def breakfast_counts_view(request, activity_id: int):
    """Meals per day and shop (?by=shop) or city (?by=city), each figure a link to its rows."""
    activity = _breakfast_activity(request, activity_id)
    by = "city" if request.GET.get("by") == "city" else "shop"
    since, until = _span(request)
    counting = (
        queries_breakfast.counts_per_city if by == "city" else queries_breakfast.counts_per_shop
    )
    rows = counting(request.user, activity, since, until)
    return render(
        request,
        "campaigns/breakfast/counts.html",
        activity_context(
            activity, "breakfasts", rows=rows, by=by, since=since, until=until,
            total=sum(row.count for row in rows),
        ),
    )  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def breakfast_rows_view(request, activity_id: int):
    """The meals a figure adds up (?day=&partner= or ?day=&city=), paged; ?export=1 for Excel."""
    activity = _breakfast_activity(request, activity_id)
    day = _day(request.GET.get("day"))
    since, until = (None, None) if day else _span(request)
    partner, city = request.GET.get("partner", ""), request.GET.get("city", "")
    rows = queries_breakfast.meal_rows(
        request.user, activity, day=day, since=since, until=until, partner=partner, city=city
    )
    filters = {"activity": activity.pk, "day": str(day or ""), "partner": partner, "city": city}
    if request.GET.get("export"):
        return MEAL_EXPORT.download(request, rows, filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "campaigns/breakfast/rows.html",
        activity_context(
            activity, "breakfasts", header=MEAL_EXPORT.header(),
            lines=[MEAL_EXPORT.cells(row) for row in page], page=page,
            query=params.urlencode(), day=day,
        ),
    )  # fmt: skip


@partner_page
def breakfast_paper_template_view(request):
    """The paper list's sheet with its columns, for a shop to fill in and upload."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it
    write_meal_template(output)
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        filename="爱心早餐纸质登记表.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
