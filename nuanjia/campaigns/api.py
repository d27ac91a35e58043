"""The campaigns API (under /api/v1/campaigns/): campaigns and activities, eligibility
previews, enrolment runs and lists, places and bookings, visits; goods (api_goods) and
screening findings (api_screening) are routers of their own added here. Every operation is
scoped to the caller's subtree and refuses what the pages refuse, with the same messages."""

import datetime
from typing import Annotated, Any

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.core.errors import RuleViolation
from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import OneOf, parse_day
from nuanjia.core.workflow_api import ERROR_RESPONSES, add_step_operations
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org
from nuanjia.orgs.queries import get_scoped_or_404
from nuanjia.people.queries import get_worker_for
from nuanjia.relief.models import GrantType

from . import (
    api_breakfast,
    api_contracts,
    api_figures,
    api_goods,
    api_health,
    api_places,
    api_screening,
    api_settlements,
    queries,
    services,
    tasks,
)
from .api_common import CampaignReasonIn, guard, org_by_code
from .api_partner_figures import router as partner_figures_router
from .models import Activity, Enrolment, EnrolmentRun, Roster
from .rules import ENROL_CHUNK, ActivityKind, CampaignStatus, RosterStep
from .workflow import ROSTER_FLOW

router = Router(tags=["campaigns"])


# ---- campaigns and activities ------------------------------------------------------------


class CampaignIn(Schema):
    code: str = Field(..., max_length=32)
    name: str = Field(..., max_length=100)
    lead_org: str = Field(..., description="code of the lead union")
    starts_on: str = Field(..., description="YYYY-MM-DD")
    ends_on: str = Field(..., description="YYYY-MM-DD")
    levels: list[Annotated[str, OneOf(Org.Kind)]] = []
    earmarks: list[str] = Field([], description="earmark codes the campaign may spend")
    note: str = ""


class CampaignOut(Schema):
    id: int
    code: str
    name: str
    lead_org: str = Field(..., alias="lead_org.code")
    starts_on: datetime.date
    ends_on: datetime.date
    levels: list[str]
    status: str
    note: str


class CampaignStatusIn(Schema):
    status: Annotated[str, OneOf(CampaignStatus)]


class CampaignActivityIn(Schema):
    kind: Annotated[str, OneOf(ActivityKind)]
    name: str = Field(..., max_length=100)
    org: str = Field(..., description="code of the organising union")
    rule: dict[str, Any] = Field({}, description="the eligibility rule (people.eligibility)")
    grant_type: str | None = Field(None, description="code of the grant type cash is paid as")
    cash_fen: int | None = None
    uses_places: bool = False
    starts_on: str = Field("", description="YYYY-MM-DD")
    ends_on: str = Field("", description="YYYY-MM-DD")
    note: str = ""


class CampaignActivityOut(Schema):
    id: int
    campaign_id: int
    kind: str
    name: str
    org: str = Field(..., alias="org.code")
    rule: dict[str, Any]
    grant_type: str | None = Field(None, alias="grant_type.code")
    cash_fen: int | None
    uses_places: bool


class CampaignRuleIn(Schema):
    rule: dict[str, Any]


@router.get("/", response=list[CampaignOut], summary="Campaigns taking part")
@paginate(Pages, page_size=100)
def campaign_list(request):
    guard(request)
    return queries.visible_campaigns(request.user)


@router.post("/", response={201: CampaignOut, **ERROR_RESPONSES}, summary="Create a campaign")
def campaign_create(request, payload: CampaignIn):
    guard(request)
    earmarks = list(Earmark.objects.filter(code__in=payload.earmarks, is_active=True))
    if len(earmarks) != len(set(payload.earmarks)):
        raise RuleViolation(_("Unknown earmark."), field="earmarks")
    fields = payload.dict(exclude={"lead_org", "earmarks"})
    fields["starts_on"] = parse_day(payload.starts_on, "starts_on")
    fields["ends_on"] = parse_day(payload.ends_on, "ends_on")
    campaign = services.create_campaign(
        **fields,
        lead_org=org_by_code(request, payload.lead_org, "lead_org"),
        earmarks=earmarks,
        by=request.user,
    )
    return Status(201, campaign)


@router.get("/{campaign_id}", response=CampaignOut, summary="One campaign")
def campaign_detail(request, campaign_id: int):
    guard(request)
    return queries.get_campaign_for(request.user, campaign_id)


@router.post(
    "/{campaign_id}/status",
    response={200: CampaignOut, **ERROR_RESPONSES},
    summary="Open or close a campaign",
)
def campaign_status(request, campaign_id: int, payload: CampaignStatusIn):
    guard(request)
    campaign = queries.get_campaign_for(request.user, campaign_id, write=True)
    return services.set_campaign_status(campaign, payload.status, by=request.user)


@router.get(
    "/{campaign_id}/activities",
    response=list[CampaignActivityOut],
    summary="A campaign's activities",
)
def activity_list(request, campaign_id: int):
    guard(request)
    campaign = queries.get_campaign_for(request.user, campaign_id)
    return queries.visible_activities(request.user).filter(campaign=campaign)


def _grant_type(code: str | None) -> GrantType | None:
    if not code:
        return None
    grant_type = GrantType.objects.filter(code=code, is_active=True).first()
    if grant_type is None:
        raise RuleViolation(_("Unknown grant type."), field="grant_type")
    return grant_type


@router.post(
    "/{campaign_id}/activities",
    response={201: CampaignActivityOut, **ERROR_RESPONSES},
    summary="Add an activity to a campaign",
)
def activity_create(request, campaign_id: int, payload: CampaignActivityIn):
    guard(request)
    campaign = queries.get_campaign_for(request.user, campaign_id, write=True)
    fields = payload.dict(exclude={"org", "grant_type"})
    fields["starts_on"] = parse_day(payload.starts_on, "starts_on", required=False)
    fields["ends_on"] = parse_day(payload.ends_on, "ends_on", required=False)
    activity = services.create_activity(
        campaign,
        **fields,
        org=org_by_code(request, payload.org),
        grant_type=_grant_type(payload.grant_type),
        by=request.user,
    )
    return Status(201, activity)


@router.get("/activities/{activity_id}", response=CampaignActivityOut, summary="One activity")
def activity_detail(request, activity_id: int):
    guard(request)
    return queries.get_activity_for(request.user, activity_id)


@router.put(
    "/activities/{activity_id}/rule",
    response={200: CampaignActivityOut, **ERROR_RESPONSES},
    summary="Change who is eligible (lists already drawn up keep their rows)",
)
def activity_rule(request, activity_id: int, payload: CampaignRuleIn):
    guard(request)
    activity = queries.get_activity_for(request.user, activity_id, write=True)
    return services.change_rule(activity, payload.rule, by=request.user)


# ---- preview and enrolment -----------------------------------------------------------------


class CampaignUnionCountOut(Schema):
    org: str
    name: str
    count: int


class CampaignPreviewOut(Schema):
    org: str
    total: int
    already: int
    rule_text: str
    rule_hash: str
    per_union: list[CampaignUnionCountOut]


class CampaignRunIn(Schema):
    org: str = Field(..., description="code of the union whose subtree is enrolled")
    expected: int = Field(..., ge=0, description="the preview's total, as shown")


class CampaignRunOut(Schema):
    id: int
    activity_id: int
    roster_id: int
    org: str = Field(..., alias="org.code")
    status: str
    rule_text: str
    expected: int
    added: int
    chunks: int
    last_id: int
    max_id: int
    ids_hash: str


def _preview_out(preview: services.Preview) -> dict[str, Any]:
    return {
        "org": preview.org.code,
        "total": preview.total,
        "already": preview.already,
        "rule_text": preview.rule_text,
        "rule_hash": preview.rule_hash,
        "per_union": [
            {"org": row.org.code, "name": row.org.name, "count": row.count}
            for row in preview.per_union
        ],
    }


def _enrolling_org(request: Any, activity: Activity, code: str) -> Org:
    org = org_by_code(request, code)
    if not org.path.startswith(activity.org.path):
        raise RuleViolation(_("The union is not part of this activity."), field="org")
    return org


@router.get(
    "/activities/{activity_id}/preview",
    response={200: CampaignPreviewOut, **ERROR_RESPONSES},
    summary="Who a run at a union would add now, per union right below it",
)
def activity_preview(request, activity_id: int, org: str = ""):
    """`org`: the union's code (yours by default)."""
    guard(request)
    activity = queries.get_activity_for(request.user, activity_id)
    code = org or request.user.org.code
    return _preview_out(services.preview(activity, _enrolling_org(request, activity, code)))


@router.post(
    "/activities/{activity_id}/runs",
    response={201: CampaignRunOut, 409: CampaignPreviewOut, **ERROR_RESPONSES},
    summary="Enrol what the preview showed (409 with the new preview when the count moved)",
)
def run_start(request, activity_id: int, payload: CampaignRunIn):
    guard(request)
    activity = queries.get_activity_for(request.user, activity_id, write=True)
    org = _enrolling_org(request, activity, payload.org)
    preview = services.preview(activity, org)
    if preview.total != payload.expected:
        return Status(409, _preview_out(preview))
    run = services.start_run(activity, org, by=request.user, expected=preview.total)
    if preview.total <= ENROL_CHUNK:
        run = services.continue_run(run, by=request.user)
    else:
        tasks.enrol_task.enqueue(run.pk, request.user.pk)
    return Status(201, run)


def _run_for(request: Any, run_id: int, write: bool = False) -> EnrolmentRun:
    runs = queries.scoped(EnrolmentRun.objects.select_related("org"), request.user)
    return get_scoped_or_404(runs, request.user, write=write, pk=run_id)


@router.get("/runs/{run_id}", response=CampaignRunOut, summary="An enrolment run and its progress")
def run_detail(request, run_id: int):
    guard(request)
    return _run_for(request, run_id)


@router.post(
    "/runs/{run_id}/resume",
    response={200: CampaignRunOut, **ERROR_RESPONSES},
    summary="Resume a stopped run",
)
def run_resume(request, run_id: int):
    guard(request)
    run = _run_for(request, run_id, write=True)
    services.require_planner(request.user, run.org)
    if run.status == EnrolmentRun.Status.RUNNING:
        tasks.enrol_task.enqueue(run.pk, request.user.pk)
    return run


# ---- lists ---------------------------------------------------------------------------------


class CampaignRosterOut(Schema):
    id: int
    activity_id: int
    org: str = Field(..., alias="org.code")
    number: int
    status: str
    row_count: int
    ids_hash: str
    steps: list[str] = []


class CampaignEnrolmentOut(Schema):
    id: int
    worker_id: int
    name: str = Field(..., alias="worker.name")
    id_number: str = Field(..., alias="worker.id_number_masked")
    org: str = Field(..., alias="org.code")
    region_code: str
    by_rule: bool


class CampaignListRowIn(Schema):
    worker_id: int
    reason: str = Field(..., max_length=200)


def _roster_for(request: Any, roster_id: int, write: bool = False) -> Roster:
    rosters = queries.scoped(Roster.objects.select_related("org", "activity"), request.user)
    return get_scoped_or_404(rosters, request.user, write=write, pk=roster_id)


def _roster_out(request: Any, roster: Roster) -> Roster:
    roster.steps = ROSTER_FLOW.steps_for(roster, request.user)
    return roster


@router.get(
    "/activities/{activity_id}/lists",
    response=list[CampaignRosterOut],
    summary="An activity's lists",
)
def roster_list(request, activity_id: int):
    guard(request)
    activity = queries.get_activity_for(request.user, activity_id)
    rosters = queries.scoped(
        Roster.objects.filter(activity=activity).select_related("org"), request.user
    )
    return [_roster_out(request, roster) for roster in rosters]


@router.get("/lists/{roster_id}", response=CampaignRosterOut, summary="One list")
def roster_detail(request, roster_id: int):
    guard(request)
    return _roster_out(request, _roster_for(request, roster_id))


@router.get(
    "/lists/{roster_id}/rows", response=list[CampaignEnrolmentOut], summary="The people on a list"
)
@paginate(Pages, page_size=500)
def roster_rows(request, roster_id: int):
    guard(request)
    roster = _roster_for(request, roster_id)
    rows = roster.enrolments.select_related("worker", "org").order_by("worker_id")
    return rows.annotate(by_rule=ExpressionWrapper(Q(run__isnull=False), BooleanField()))


def _enrolment_out(row: Enrolment) -> Enrolment:
    row.by_rule = row.run_id is not None  # type: ignore[attr-defined]
    return row


@router.post(
    "/lists/{roster_id}/rows",
    response={201: CampaignEnrolmentOut, **ERROR_RESPONSES},
    summary="Add a worker to a list being drawn up, with the reason",
)
def roster_add(request, roster_id: int, payload: CampaignListRowIn):
    guard(request)
    roster = _roster_for(request, roster_id, write=True)
    worker = get_worker_for(request.user, payload.worker_id)
    row = services.add_by_hand(
        roster.activity, roster.org, worker, by=request.user, reason=payload.reason
    )
    return Status(201, _enrolment_out(row))


@router.post(
    "/list-rows/{enrolment_id}/remove",
    response={204: None, **ERROR_RESPONSES},
    summary="Take a worker off a list being drawn up, with the reason",
)
def roster_remove(request, enrolment_id: int, payload: CampaignReasonIn):
    guard(request)
    rows = queries.scoped(Enrolment.objects.all(), request.user, org_field="roster__org")
    row = get_scoped_or_404(rows, request.user, write=True, pk=enrolment_id)
    services.remove_from_list(row, by=request.user, reason=payload.reason)
    return Status(204, None)


add_step_operations(
    router,
    ROSTER_FLOW,
    path="/lists/{roster_id}",
    fetch=lambda request, pk: _roster_for(request, pk, write=True),
    response=CampaignRosterOut,
    present=_roster_out,
    summaries={
        RosterStep.SUBMIT: "Submit a list for approval",
        RosterStep.APPROVE: "Approve a submitted list (another person than who submitted it)",
        RosterStep.RETURN: "Return a submitted list for changes (note: what must change)",
    },
)


router.add_router("", api_places.router)
router.add_router("", api_figures.router)
router.add_router("", api_goods.router)
router.add_router("", api_screening.router)
router.add_router("", api_contracts.router)
router.add_router("", api_settlements.router)
router.add_router("", api_health.router)
router.add_router("", "nuanjia.campaigns.api_trips.router")
router.add_router("", partner_figures_router)
router.add_router("", api_breakfast.router)
