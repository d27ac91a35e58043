"""Gig-job corners in the API (/api/v1/gigjobs/): corners, job posts (pay in fen, refused
below the region's minimum wage), gig workers, matches with one POST per step, disputes to
the 12351 hotline. A match's answer carries the worker's phone (masked) only after the
worker's consent."""

from typing import Annotated

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.core.lists import Seek
from nuanjia.core.schemas import ErrorOut, OneOf
from nuanjia.core.workflow_api import ERROR_RESPONSES, add_step_operations
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.rules import Perm

from . import queries, services
from .rules import DisputeKind, MatchStep, PayUnit
from .workflow import MATCH_FLOW

router = Router(tags=["gigjobs"])


def _guard(request) -> None:
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)


class GigCornerIn(Schema):
    name: str = Field(..., max_length=100)
    region_code: str = Field(..., max_length=6)
    address: str = Field(..., max_length=200)
    lat: float
    lng: float
    opening_hours: str = Field("", max_length=100)
    services: str = Field("", max_length=300)
    phone: str = Field("", max_length=20)


class GigCornerOut(GigCornerIn):
    id: int
    org: str = Field(alias="org.code")
    is_active: bool


@router.get("/corners", response=list[GigCornerOut], summary="Gig-job corners in scope")
@paginate(Seek, spec=queries.CORNER_LIST)
def corner_list(request):
    _guard(request)
    return queries.visible_corners(request.user)


@router.post("/corners", response={201: GigCornerOut, **ERROR_RESPONSES},
             summary="Set up a gig-job corner for the caller's union")  # fmt: skip
def corner_create(request, payload: GigCornerIn):
    _guard(request)
    return Status(201, services.create_corner(request.user.org, by=request.user, **payload.dict()))


@router.get("/corners/{gig_corner_id}", response={200: GigCornerOut, 404: ErrorOut},
            summary="One gig-job corner")  # fmt: skip
def corner_detail(request, gig_corner_id: int):
    _guard(request)
    return queries.get_corner_for(request.user, gig_corner_id)


class GigPostIn(Schema):
    employer_name: str = Field(..., max_length=100)
    work: str = Field(..., max_length=100)
    description: str = Field("", max_length=500)
    pay_unit: Annotated[str, OneOf(PayUnit)]
    pay_fen: int = Field(..., ge=1, description="Pay in fen per day or per hour")
    region_code: str = Field("", max_length=6, description="Default: the corner's")
    address: str = Field("", max_length=200)
    lat: float | None = None
    lng: float | None = None
    starts_on: str = Field(..., description="YYYY-MM-DD")
    ends_on: str = Field(..., description="YYYY-MM-DD")
    workers_wanted: int = Field(..., ge=1, le=500)
    contact_name: str = Field(..., max_length=50)
    contact_phone: str = Field(..., max_length=20)


class GigPostOut(Schema):
    id: int
    corner_id: int
    employer_name: str
    work: str
    pay_unit: str
    pay_fen: int
    region_code: str
    address: str
    lat: float
    lng: float
    starts_on: str
    ends_on: str
    workers_wanted: int
    status: str

    @staticmethod
    def resolve_starts_on(post) -> str:
        return post.starts_on.isoformat()

    @staticmethod
    def resolve_ends_on(post) -> str:
        return post.ends_on.isoformat()


@router.get("/posts", response=list[GigPostOut], summary="Job posts in scope")
@paginate(Seek, spec=queries.POST_LIST)
def post_list(request, gig_corner_id: int | None = None):
    _guard(request)
    posts = queries.visible_posts(request.user)
    return posts.filter(corner_id=gig_corner_id) if gig_corner_id else posts


@router.post("/corners/{gig_corner_id}/posts", response={201: GigPostOut, **ERROR_RESPONSES},
             summary="Enter a job post at a corner (refused below the minimum wage)")  # fmt: skip
def post_create(request, gig_corner_id: int, payload: GigPostIn):
    _guard(request)
    corner = queries.get_corner_for(request.user, gig_corner_id, write=True)
    data = {k: v for k, v in payload.dict().items() if v not in (None, "")}
    return Status(201, services.create_post(corner, by=request.user, **data))


@router.get("/posts/{gig_post_id}", response={200: GigPostOut, 404: ErrorOut},
            summary="One job post")  # fmt: skip
def post_detail(request, gig_post_id: int):
    _guard(request)
    return queries.get_post_for(request.user, gig_post_id)


class GigWorkerIn(Schema):
    name: str = Field(..., max_length=50)
    phone: str = Field(..., max_length=20)
    skills: str = Field("", max_length=200)
    available_from: str = Field(..., description="YYYY-MM-DD")
    available_until: str = Field(..., description="YYYY-MM-DD")


class GigWorkerOut(Schema):
    id: int
    corner_id: int
    name: str
    skills: str
    available_from: str
    available_until: str
    is_active: bool

    @staticmethod
    def resolve_available_from(gig) -> str:
        return gig.available_from.isoformat()

    @staticmethod
    def resolve_available_until(gig) -> str:
        return gig.available_until.isoformat()


@router.get("/workers", response=list[GigWorkerOut], summary="Gig workers in scope")
@paginate(Seek, spec=queries.WORKER_LIST)
def worker_list(request):
    _guard(request)
    return queries.visible_workers(request.user)


@router.post("/corners/{gig_corner_id}/workers", response={201: GigWorkerOut, **ERROR_RESPONSES},
             summary="Register a gig worker at a corner")  # fmt: skip
def worker_create(request, gig_corner_id: int, payload: GigWorkerIn):
    _guard(request)
    corner = queries.get_corner_for(request.user, gig_corner_id, write=True)
    return Status(201, services.register_worker(corner, by=request.user, **payload.dict()))


class GigMatchOut(Schema):
    id: int
    number: str
    post_id: int
    gig_worker_id: int
    corner_id: int
    status: str
    contact: str = Field(description="The worker's phone, masked; empty before consent")
    days_worked: int

    @staticmethod
    def resolve_number(match) -> str:
        return str(match)

    @staticmethod
    def resolve_contact(match) -> str:
        return services.contact_masked(match)


class GigMatchIn(Schema):
    gig_worker_id: int


class GigCompleteIn(Schema):
    days_worked: int = Field(..., ge=1, le=366)
    note: str = Field("", max_length=2000)


class GigDisputeIn(Schema):
    kind: Annotated[str, OneOf(DisputeKind)]
    description: str = Field(..., max_length=400)


class GigDisputeOut(Schema):
    id: int
    match_id: int
    kind: str
    ticket_number: str = Field(alias="ticket.number")


@router.get("/matches", response=list[GigMatchOut], summary="Matches in scope")
@paginate(Seek, spec=queries.MATCH_LIST)
def match_list(request, status: str = ""):
    _guard(request)
    matches = queries.visible_matches(request.user)
    return matches.filter(status=status) if status else matches


@router.get("/matches/{gig_match_id}", response={200: GigMatchOut, 404: ErrorOut},
            summary="One match")  # fmt: skip
def match_detail(request, gig_match_id: int):
    _guard(request)
    return queries.get_match_for(request.user, gig_match_id)


@router.post("/posts/{gig_post_id}/matches", response={201: GigMatchOut, **ERROR_RESPONSES},
             summary="Propose a gig worker for a post (waits for the worker's consent)")  # fmt: skip
def match_create(request, gig_post_id: int, payload: GigMatchIn):
    _guard(request)
    post = queries.get_post_for(request.user, gig_post_id, write=True)
    gig = queries.get_worker_for(request.user, payload.gig_worker_id)
    return Status(201, services.propose_match(post, gig, by=request.user))


@router.post("/matches/{gig_match_id}/disputes", response={201: GigDisputeOut, **ERROR_RESPONSES},
             summary="Open a dispute of a match as a 12351 ticket")  # fmt: skip
def dispute_create(request, gig_match_id: int, payload: GigDisputeIn):
    _guard(request)
    match = queries.get_match_for(request.user, gig_match_id, write=True)
    return Status(201, services.open_dispute(match, by=request.user, **payload.dict()))


add_step_operations(
    router, MATCH_FLOW, path="/matches/{gig_match_id}",
    fetch=lambda request, pk: queries.get_match_for(request.user, pk, write=True),
    response=GigMatchOut, present=lambda request, match: match,
    summaries={
        MatchStep.CONSENT: "Record the worker's consent given in person",
        MatchStep.DECLINE: "Record the worker's refusal",
        MatchStep.START: "The worker started",
        MatchStep.COMPLETE: "The job is completed, with the days worked",
        MatchStep.NO_SHOW: "The worker did not come",
        MatchStep.CANCEL: "Cancel the match (a reason)",
    },
    schemas={MatchStep.COMPLETE: GigCompleteIn},
)  # fmt: skip
