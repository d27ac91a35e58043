"""What the campaigns API's routers share: the permission guard, a union by its code, the
reason body."""

from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Schema

from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.queries import visible_orgs
from nuanjia.orgs.rules import Perm


def guard(request: Any) -> None:
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)


def org_by_code(request: Any, code: str, field: str = "org") -> Org:
    org = visible_orgs(request.user).filter(code=(code or "").strip()).first()
    if org is None:
        raise RuleViolation(_("No union with this code in your reach."), field=field)
    return org


class CampaignReasonIn(Schema):
    reason: str = Field(..., max_length=200)
