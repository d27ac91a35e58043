"""Free breakfasts in the API. `partner_router`, mounted at /api/v1/partner/ beside the
members' scan operations: a shop's person records a scan (the meal, or the refusal with its
reason) and uploads a paper list, with a partner token. `router`, in the campaigns API: an
activity's daily counts per shop or city and the meal rows behind each, scoped like the pages.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from nuanjia.core.errors import RuleViolation
from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import parse_day
from nuanjia.core.workflow_api import ERROR_RESPONSES
from nuanjia.members.auth import PartnerTokenAuth

from . import queries, queries_breakfast, services
from .api_common import guard
from .imports_breakfast import import_meal_list
from .rules import ActivityKind

partner_router = Router(tags=["partner"])
router = Router(tags=["campaigns"])


# ---- The shop: scans and paper lists ---------------------------------------------------------


class BreakfastScanIn(Schema):
    code: str = Field("", max_length=200, description="The card QR's text.")
    number: str = Field("", max_length=20, description="A typed member number, with id_last4.")
    id_last4: str = Field("", max_length=4)
    outlet: int | None = Field(None, description="The shop's outlet.")


class BreakfastScanOut(Schema):
    recorded: bool = Field(..., description="True: the meal is recorded (green).")
    status: str = Field(
        ...,
        description="recorded, already, not_enrolled, no_contract, or the card's "
        "invalid, expired, not_member",
    )
    message: str
    name: str = Field("", description="Masked, unless the member consented for this shop.")
    member_number: str = ""
    day: datetime.date | None = None
    meal_id: int | None = None
    first_at: datetime.datetime | None = Field(None, description="already: the first meal's time")
    first_outlet: str = ""


def _scan_out(result: services.BreakfastResult) -> dict[str, Any]:
    return {
        "recorded": result.ok, "status": result.status, "message": result.message,
        "name": result.name, "member_number": result.member_number, "day": result.day,
        "meal_id": result.meal_id, "first_at": result.first_at,
        "first_outlet": result.first_outlet,
    }  # fmt: skip


@partner_router.post(
    "/breakfast",
    auth=PartnerTokenAuth(),
    response={200: BreakfastScanOut, **ERROR_RESPONSES},
    summary="Record a free breakfast by a card scan (the meal, or why not)",
)
def breakfast_scan(request, payload: BreakfastScanIn):
    if not payload.code and not payload.number:
        raise RuleViolation(_("Scan the card or type the member number."), field="code")
    result = services.scan_breakfast(
        request.partner_user, outlet=payload.outlet, code=payload.code, number=payload.number,
        id_last4=payload.id_last4,
    )  # fmt: skip
    return _scan_out(result)


class BreakfastRefusalOut(Schema):
    row: int
    reason: str


class BreakfastListOut(Schema):
    id: int | None = None
    rows: int = 0
    recorded: int = 0
    refused: int = 0
    refusals: list[BreakfastRefusalOut] = []
    file_errors: list[str] = Field([], description="The whole file refused: nothing written.")


NO_FILE = File(None)  # a missing file is answered in Chinese, not by a 422


@partner_router.post(
    "/breakfast/lists",
    auth=PartnerTokenAuth(),
    response={201: BreakfastListOut, 400: BreakfastListOut, **ERROR_RESPONSES},
    summary="Upload a shop's paper list of breakfasts (multipart: outlet and file)",
)
def breakfast_list_upload(
    request, outlet: int = Form(...), file: UploadedFile | None = NO_FILE
):  # fmt: skip
    if file is None:
        raise RuleViolation(_("Choose the file to upload."), field="file")
    outcome = import_meal_list(file, request.partner_user, outlet=outlet, file_name=file.name or "")
    if outcome.meal_list is None:
        return Status(400, {"file_errors": outcome.errors})
    meal_list = outcome.meal_list
    return Status(
        201,
        {"id": meal_list.pk, "rows": meal_list.rows, "recorded": meal_list.recorded,
         "refused": meal_list.refused, "refusals": meal_list.refusals},
    )  # fmt: skip


class BreakfastDayOut(Schema):
    day: datetime.date
    key: str = Field(..., description="The shop's id or the city's code (outlet id for a shop)")
    label: str
    count: int


@partner_router.get(
    "/breakfast/counts",
    auth=PartnerTokenAuth(),
    response={200: list[BreakfastDayOut], **ERROR_RESPONSES},
    summary="The shop's own breakfasts per day and outlet",
)
def breakfast_shop_counts(request, since: str = "", until: str = ""):
    first, last = _span(since, until)
    return queries_breakfast.shop_counts(request.partner_user.partner, first, last)


# ---- Staff: daily counts and rows ------------------------------------------------------------


def _span(since: str, until: str) -> tuple[datetime.date, datetime.date]:
    last = parse_day(until, "until", required=False) or services.meal_day()
    first = parse_day(since, "since", required=False) or last - datetime.timedelta(days=6)
    if first > last:
        raise RuleViolation(_("The end date is before the start date."), field="until")
    if (last - first).days >= queries_breakfast.MAX_DAYS:
        raise RuleViolation(
            _("Ask for at most %(days)d days at a time.") % {"days": queries_breakfast.MAX_DAYS},
            field="since",
        )
    return first, last


def _activity(request: Any, activity_id: int) -> Any:
    activity = queries.get_activity_for(request.user, activity_id)
    if activity.kind != ActivityKind.BREAKFAST:
        raise RuleViolation(_("This is not a free breakfast activity."), field="activity")
    return activity


@router.get(
    "/activities/{activity_id}/breakfasts/counts",
    response={200: list[BreakfastDayOut], **ERROR_RESPONSES},
    summary="An activity's breakfasts per day and shop (by=shop) or city (by=city)",
)
def breakfast_counts(request, activity_id: int, by: str = "shop", since: str = "", until: str = ""):
    guard(request)
    activity = _activity(request, activity_id)
    first, last = _span(since, until)
    if by not in ("shop", "city"):
        raise RuleViolation(_("Count per shop or per city."), field="by")
    counting = (
        queries_breakfast.counts_per_city if by == "city" else queries_breakfast.counts_per_shop
    )
    return counting(request.user, activity, first, last)


class BreakfastMealOut(Schema):
    id: int
    day: datetime.date
    worker_id: int
    name: str = Field(..., alias="worker.name")
    id_number: str = Field(..., alias="worker.id_number_masked")
    org: str = Field(..., alias="org.code")
    partner_id: int
    partner: str = Field(..., alias="partner.name")
    outlet: str | None = Field(None, alias="outlet.name")
    source: str
    recorded_at: datetime.datetime
    meal_list_id: int | None = None


@router.get(
    "/activities/{activity_id}/breakfasts/rows",
    response=list[BreakfastMealOut],
    summary="The meals behind a figure: of a day (or since/until), a shop or a city "
    "(city=- for unions outside any city)",
)
@paginate(Pages, page_size=500)
def breakfast_rows(
    request, activity_id: int, day: str = "", since: str = "", until: str = "",
    partner: str = "", city: str = "",
):  # fmt: skip
    guard(request)
    activity = _activity(request, activity_id)
    on = parse_day(day, "day", required=False)
    first, last = (None, None) if on else _span(since, until)
    return queries_breakfast.meal_rows(
        request.user, activity, day=on, since=first, until=last, partner=partner, city=city
    )
