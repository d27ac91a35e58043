"""What the benefits tests share: a merchant with an outlet and a person, its terms, offers,
union members with a card, moments in Asia/Shanghai."""

from __future__ import annotations

import datetime
import uuid

from nuanjia.benefits.services import offers
from nuanjia.benefits.services.periods import ZONE
from nuanjia.funds.models import Earmark
from nuanjia.members.cards import card_text
from nuanjia.members.models import Partner
from nuanjia.members.services import partners
from nuanjia.orgs.models import Org
from nuanjia.relief.tests.conftest import make_worker

LAST4 = "123X"
CAR_WASH_PHONE = "13700005555"


def local(year, month, day, hour=10, minute=0, second=0) -> datetime.datetime:
    """A moment in Asia/Shanghai."""
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=ZONE)


def merchant(by, *, name="郑州洁亮洗车", outlet="金水路店", phone=CAR_WASH_PHONE, org="410000"):
    """A merchant registered by `org` with one outlet and one person: (partner, outlet, person)."""
    union = Org.objects.get(code=org)
    partner = partners.register_partner(org=union, name=name, kind=Partner.Kind.MERCHANT, by=by)
    place = partners.add_outlet(partner, name=outlet, by=by)
    person = partners.add_partner_user(partner, name=f"{name}店员", phone=phone, by=by)
    return partner, place, person


def terms_for(partner, by, *, org="410000", city="郑州市", can_scan=True):
    return offers.save_terms(
        partner, org=Org.objects.get(code=org), earmark=Earmark.objects.get(code="warmth"),
        starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2027, 12, 31),
        payee_name=partner.name, bank_name="中国工商银行郑州分行",
        bank_account="6222020200112233445", city=city, can_scan=can_scan, by=by,
    )  # fmt: skip


def offer_for(terms, by, *, name="五元洗车", price=500, subsidy=2500, **kwargs):
    values = {"starts_on": datetime.date(2026, 1, 1), "ends_on": datetime.date(2027, 12, 31)}
    values.update(kwargs)
    return offers.save_offer(terms, name=name, member_price_fen=price, subsidy_fen=subsidy,
                             by=by, **values)  # fmt: skip


def member(org_code="410108", name=None):
    """A union member of `org_code` with the last 4 of the ID known."""
    worker = make_worker(org_code, name=name)
    worker.union = worker.org
    worker.id_last4 = LAST4
    worker.save(update_fields=["union", "id_last4"])
    return worker


def card(worker) -> str:
    return card_text(worker.pk)


def key() -> str:
    return str(uuid.uuid4())


def partner_client(phone: str, *, kind: str = "pages"):
    """A browser signed in on the partner pages (/p/) as the person of `phone`, or (kind
    "api") a client sending the partner token."""
    from django.test import Client

    from nuanjia.members.auth import PARTNER_DOOR
    from nuanjia.members.tests.conftest import last_code

    partners.send_partner_code(phone, ip="10.1.1.1", text="code %(code)s %(minutes)d")
    _person, raw = partners.partner_sign_in(phone, last_code(phone), kind=kind)
    if kind == "api":
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client = Client()
    client.cookies[PARTNER_DOOR.cookie] = raw
    client.cookies[PARTNER_DOOR.cookie]["path"] = "/p/"
    return client


def bound_member_client(phone: str, worker):
    """A member's phone browser, the account bound to `worker`'s record."""
    from nuanjia.members.models import Member
    from nuanjia.members.tests.conftest import member_client

    client, account = member_client(phone)
    Member.objects.filter(pk=account.pk).update(worker=worker)  # type: ignore[attr-defined]
    return client
