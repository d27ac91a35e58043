"""What the campaigns API's routers share: the permission guard, a union by its code, the
reason body."""

from typing import Any

from ninja import Field, Schema

from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.rules import Perm

from .queries import union_by_code


def guard(request: Any) -> None:
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)


def org_by_code(request: Any, code: str, field: str = "org") -> Org:
    return union_by_code(request.user, code, field)


class CampaignReasonIn(Schema):
    reason: str = Field(..., max_length=200)
