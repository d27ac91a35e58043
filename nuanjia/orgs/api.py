"""API: the caller's union tree and their own account."""

import datetime
from typing import Annotated, Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.core.errors import RuleViolation
from nuanjia.core.lists import Seek
from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import OneOf

from . import services
from .models import Org, Staff
from .permissions import StaffRequest, check_permission
from .queries import STAFF_LIST, filtered_staff, get_org_for, visible_orgs
from .rules import Perm

router = Router(tags=["orgs"])
STAFF_STATUSES = ("", "locked", "roleless", "inactive")


class OrgOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    parent_id: int | None
    region_code: str
    credit_code: str
    depth: int
    is_active: bool


class GrassrootsIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    kind: Annotated[str, OneOf(Org.Kind)]
    credit_code: str = ""


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    org: OrgOut | None
    roles: list[str]


@router.get("/me", response=MeOut, summary="The calling staff account")
def me(request: StaffRequest) -> dict[str, Any]:
    user = request.user
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "org": user.org,
        "roles": sorted(user.roles),
    }


@router.get("/orgs/", response=list[OrgOut], summary="Unions in the caller's subtree")
@paginate(Pages, page_size=100)
def list_orgs(
    request: StaffRequest,
    q: str = "",
    kind: Annotated[str, OneOf(Org.Kind)] | None = None,
    parent_id: int | None = None,
) -> QuerySet[Org]:
    orgs = visible_orgs(request.user).order_by("path")
    if q:
        orgs = orgs.filter(Q(name__icontains=q) | Q(code__startswith=q))
    if kind:
        orgs = orgs.filter(kind=kind)
    if parent_id is not None:
        orgs = orgs.filter(parent_id=parent_id)
    return orgs


@router.get("/orgs/{org_id}", response=OrgOut, summary="One union")
def get_org(request: StaffRequest, org_id: int) -> Org:
    return get_org_for(request.user, org_id)


@router.post(
    "/orgs/{org_id}/grassroots",
    response={201: OrgOut},
    summary="Register a grassroots union under a union",
)
def create_grassroots(request: StaffRequest, org_id: int, payload: GrassrootsIn) -> Status[Org]:
    check_permission(request.user, Perm.MANAGE_ORGS, request.path)
    parent = get_org_for(request.user, org_id, write=True)
    org = services.create_grassroots_union(
        parent=parent,
        name=payload.name,
        kind=payload.kind,
        credit_code=payload.credit_code,
        by=request.user,
    )
    return Status(201, org)


class StaffOut(Schema):
    """One staff account as the staff list shows it (the phone masked, never the secret)."""

    id: int
    username: str
    full_name: str
    org_code: str | None = Field(None, alias="org.code")
    org_name: str | None = Field(None, alias="org.name")
    phone_masked: str
    is_active: bool
    is_locked: bool
    roles: list[str]
    last_login: datetime.datetime | None

    @staticmethod
    def resolve_roles(member: Staff) -> list[str]:
        return sorted(member.roles)


@router.get("/staff/", response=list[StaffOut], summary="Staff accounts in the caller's subtree")
@paginate(Seek, spec=STAFF_LIST)
def list_staff(
    request: StaffRequest,
    q: str = "",
    status: str = "",
) -> QuerySet[Staff]:
    """The staff list's accounts (系统管理员, 安全管理员), by union and user name; `status`
    one of locked, roleless, inactive (blank: all)."""
    check_permission(request.user, Perm.VIEW_STAFF, request.path)
    if status not in STAFF_STATUSES:
        raise RuleViolation(
            _("Unknown status %(status)s.") % {"status": status[:20]}, field="status"
        )
    return filtered_staff(request.user, q=q.strip()[:100], status=status)
