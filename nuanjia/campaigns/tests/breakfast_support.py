"""What the breakfast tests share: a second shop with its contract, and sanitation workers
enrolled in the breakfast activity (union members, with the last 4 of their ID known)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from nuanjia.campaigns.models import Enrolment, Roster
from nuanjia.campaigns.services.breakfasts import ZONE
from nuanjia.members.models import Partner
from nuanjia.orgs.models import Org
from nuanjia.people.membership import member_number

from .conftest import _contract, make_worker
from .partner_support import partner_with_outlet

SECOND_SHOP_PHONE = "13700004444"
LAST4 = "123X"


def enrolled_worker(activity, org_code: str = "410108", name: str | None = None):
    """A union member of `org_code` on the activity's list."""
    worker = make_worker(org_code, name=name)
    worker.union = worker.org
    worker.id_last4 = LAST4
    worker.save(update_fields=["union", "id_last4"])
    roster = Roster.objects.filter(activity=activity, org=worker.org).first()
    if roster is None:
        roster = Roster.objects.create(activity=activity, org=worker.org, row_count=0)
    Enrolment.objects.create(
        activity=activity, roster=roster, worker=worker, org=worker.org, added_at=timezone.now()
    )
    return worker


def number_of(worker) -> str:
    return member_number(worker.pk)


def second_shop(activity, by):
    """Another shop (洛阳 street stall) with its own contract for the activity."""
    partner, outlet, person = partner_with_outlet(
        by, org=Org.objects.get(code="410000"), name="洛阳早餐铺", kind=Partner.Kind.SHOP,
        outlet="中州路店", phone=SECOND_SHOP_PHONE,
    )  # fmt: skip
    _contract(activity, partner, by, price_fen=700)
    return partner, outlet, person


def local(year, month, day, hour, minute) -> datetime.datetime:
    """A moment in Asia/Shanghai."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=ZONE)


def said(msgid: str, **values) -> str:
    """A message as the user reads it (translated when the catalogue has it)."""
    from django.utils.translation import gettext

    text = gettext(msgid)
    return text % values if values else text
