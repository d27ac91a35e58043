"""Figures operations of the campaigns API: an activity's figures per union, and the rows
behind one figure, as the figures pages show them."""

from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from nuanjia.core.errors import RuleViolation
from nuanjia.core.pagination import Pages

from . import figures, queries
from .api_common import guard, org_by_code

router = Router(tags=["campaigns"])


class CampaignUnionFiguresOut(Schema):
    org: str
    name: str
    values: dict[str, int]


class CampaignGoodsFigureOut(Schema):
    item_id: int
    item: str
    unit: str
    quantity: int
    handouts: int


class CampaignFiguresOut(Schema):
    at: str
    total: dict[str, int]
    per_union: list[CampaignUnionFiguresOut]
    goods: list[CampaignGoodsFigureOut]
    findings: dict[str, int]


class CampaignFigureRowOut(Schema):
    """One row behind a figure: a visit, hand-out, booking or finding (with its worker), or
    a worker for people reached."""

    id: int
    org: str = Field(..., alias="org.code")
    worker_id: int | None = None

    @staticmethod
    def resolve_worker_id(row: Any) -> int | None:
        return getattr(row, "worker_id", None)


def _at(request: Any, at: str) -> Any:
    return org_by_code(request, at, "at") if at else request.user.org


@router.get(
    "/activities/{activity_id}/figures",
    response=CampaignFiguresOut,
    summary="An activity's figures, in total and per union right below `at` (yours by default)",
)
def activity_figures(request, activity_id: int, at: str = ""):
    guard(request)
    activity = queries.get_activity_for(request.user, activity_id)
    found = figures.activity_figures(activity, _at(request, at))
    return {
        "at": found.at.code,
        "total": found.total,
        "per_union": [
            {"org": row.org.code, "name": row.org.name, "values": row.values}
            for row in found.per_union
        ],
        "goods": [
            {
                "item_id": item["item_id"],
                "item": item["item__name"],
                "unit": item["item__unit"],
                "quantity": item["quantity"],
                "handouts": item["handouts"],
            }
            for item in found.goods
        ],
        "findings": found.findings,
    }


@router.get(
    "/activities/{activity_id}/figures/rows",
    response=list[CampaignFigureRowOut],
    summary="The rows one figure adds up (measure: people, visits, cash_proposed, cash_paid, "
    "bulk_people, places_attended, goods, findings)",
)
@paginate(Pages, page_size=500)
def figure_rows(request, activity_id: int, measure: str = "", at: str = ""):
    guard(request)
    activity = queries.get_activity_for(request.user, activity_id)
    if measure not in figures.MEASURES:
        raise RuleViolation(_("Choose one of the figures."), field="measure")
    return (
        figures.measure_rows(activity, measure, _at(request, at))
        .select_related("org")
        .order_by("pk")
    )
