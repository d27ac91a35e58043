"""Demo partners: a breakfast shop with two outlets in 惠济区, a health-check hospital in
郑州 and the province's 疗休养 centre, each with one person who signs in on /p/ by phone and
code (the code appears in the server log with the console SMS backend). Idempotent."""

from __future__ import annotations

from django.db import transaction

from nuanjia.orgs.models import Org, Staff
from nuanjia.orgs.rules import Role

from .models import Partner
from .services import partners

# (union code, name, kind, outlets, (person, phone))
DEMO_PARTNERS = [
    (
        "410108",
        "惠济区爱心早餐店",
        Partner.Kind.SHOP,
        ["开元路店", "天河路店"],
        ("李店长", "13700001001"),
    ),
    ("410100", "郑州市职工体检中心", Partner.Kind.HOSPITAL, ["总院"], ("王医生", "13700001002")),
    (
        "410000",
        "河南省职工疗休养中心",
        Partner.Kind.TRAVEL,
        ["嵩山疗休养基地"],
        ("赵经理", "13700001003"),
    ),
]
DEMO_PARTNER_PHONES = [phone for *_rest, (_name, phone) in DEMO_PARTNERS]


@transaction.atomic
def load_demo_partners() -> None:
    for org_code, name, kind, outlets, (person, phone) in DEMO_PARTNERS:
        org = Org.objects.get(code=org_code)
        if Partner.objects.filter(org=org, name=name).exists():
            continue
        staff = Staff.objects.filter(org=org, role_assignments__role=Role.CASEWORKER).first()
        if staff is None:
            continue
        partner = partners.register_partner(org=org, name=name, kind=kind, by=staff)
        for outlet in outlets:
            partners.add_outlet(partner, name=outlet, by=staff)
        partners.add_partner_user(partner, name=person, phone=phone, by=staff)
