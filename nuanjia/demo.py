"""The Henan demo: the real union tree, demo staff in 省总, 郑州, 惠济区 and 开封, a few
grassroots unions, synthetic families with hardship files at every stage (demo_people), the
campaign's money down to 惠济区 and 开封, grants and a paid batch, rest stations with visits,
and hotline tickets.
Built through services, idempotent: a second run changes nothing.

`nuanjia demo` loads it in full: with the bulk rows (station visits, health checks, …) that
let the province's campaign report state the seed's figures, loaded through the bulk paths a
union would use. The tests load the small demo (`full=False`): the same people, files and
workflows without the bulk rows."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from nuanjia.benefits.demo import load_demo_benefits
from nuanjia.campaigns.demo import load_demo_campaign
from nuanjia.core.codes import credit_code_check_char
from nuanjia.counselling.demo import load_demo_counselling
from nuanjia.demo_people import load_demo_families
from nuanjia.enterprises.demo import load_demo_enterprises
from nuanjia.enterprises.demo_bulk import load_bulk_reliefs
from nuanjia.funds.demo import load_demo_funds
from nuanjia.gigjobs.demo import load_demo_gigjobs
from nuanjia.hotline.demo import load_demo_fast_track, load_demo_tickets
from nuanjia.members.demo import load_demo_partners
from nuanjia.modelworkers.demo import load_demo_modelworkers
from nuanjia.mutualaid.demo import load_demo_mutualaid
from nuanjia.orgs import services as org_services
from nuanjia.orgs.models import Org, Staff
from nuanjia.orgs.rules import Role
from nuanjia.pioneers.demo import load_demo_pioneers
from nuanjia.produce.demo import load_demo_produce
from nuanjia.relief.demo import load_demo_grants
from nuanjia.reports.demo import last_event_id, load_demo_facts
from nuanjia.skills.demo import load_demo_skills
from nuanjia.stations.demo import load_demo_stations
from nuanjia.stations.demo_bulk import load_bulk_stations

DEMO_PASSWORD = "Nuanjia@2026"


@dataclass(frozen=True)
class DemoUnion:
    parent_code: str
    name: str
    kind: str
    credit_body: str  # the first 17 characters of its 统一社会信用代码


DEMO_UNIONS = [
    DemoUnion(
        "410108", "郑州惠济区百味餐饮管理有限公司工会", Org.Kind.ENTERPRISE, "91410108MA9F0001K"
    ),
    DemoUnion("410108", "惠济区长兴路街道总工会", Org.Kind.COMMUNITY, "81410108MC0000012"),
    DemoUnion("410108", "郑州市第九人民医院工会", Org.Kind.HOSPITAL, "12410100MB0000031"),
    DemoUnion("410100", "郑州大学工会", Org.Kind.UNIVERSITY, "12410000MB0000042"),
    DemoUnion("410100", "郑州市环卫行业工会联合会", Org.Kind.INDUSTRY, "81410100MC0000055"),
    DemoUnion("410102", "中原区快递物流行业工会", Org.Kind.INDUSTRY, "81410102MC0000063"),
    DemoUnion(
        "410204", "开封市鼓楼区汴京饭店有限公司工会", Org.Kind.ENTERPRISE, "91410204MA9F0007X"
    ),
]


@dataclass(frozen=True)
class DemoStaff:
    username: str
    full_name: str
    org_code: str
    roles: tuple[str, ...]


DEMO_STAFF = [
    DemoStaff("sysadmin", "省总系统管理员", "410000", (Role.SYSTEM_ADMIN,)),
    DemoStaff("secadmin", "省总安全管理员", "410000", (Role.SECURITY_ADMIN,)),
    DemoStaff("auditor", "省总审计管理员", "410000", (Role.AUDIT_ADMIN,)),
    DemoStaff("sz_leader", "省总领导", "410000", (Role.LEADER,)),
    DemoStaff("sz_caseworker", "省总经办人", "410000", (Role.CASEWORKER,)),
    DemoStaff("sz_approver", "省总审批人", "410000", (Role.APPROVER,)),
    DemoStaff("zz_caseworker", "郑州经办人", "410100", (Role.CASEWORKER,)),
    DemoStaff("zz_reviewer", "郑州审核人", "410100", (Role.REVIEWER,)),
    DemoStaff("zz_approver", "郑州审批人", "410100", (Role.APPROVER,)),
    DemoStaff("zz_finance", "郑州财务", "410100", (Role.FINANCE,)),
    DemoStaff("zz_hotline", "郑州话务员", "410100", (Role.HOTLINE_AGENT,)),
    DemoStaff("zz_leader", "郑州领导", "410100", (Role.LEADER,)),
    DemoStaff("hj_caseworker", "惠济区经办人", "410108", (Role.CASEWORKER,)),
    DemoStaff("hj_reviewer", "惠济区审核人", "410108", (Role.REVIEWER,)),
    DemoStaff("hj_approver", "惠济区审批人", "410108", (Role.APPROVER,)),
    DemoStaff("hj_finance", "惠济区财务", "410108", (Role.FINANCE,)),
    DemoStaff("hj_hotline", "惠济区话务员", "410108", (Role.HOTLINE_AGENT,)),
    DemoStaff("kf_caseworker", "开封鼓楼区经办人", "410204", (Role.CASEWORKER,)),
    DemoStaff("kf_reviewer", "开封鼓楼区审核人", "410204", (Role.REVIEWER,)),
    DemoStaff("kf_approver", "开封鼓楼区审批人", "410204", (Role.APPROVER,)),
]
GRASSROOTS_STAFF = DemoStaff("bw_caseworker", "百味餐饮工会经办人", "", (Role.CASEWORKER,))


def ensure_demo_union(spec: DemoUnion) -> Org:
    parent = Org.objects.get(code=spec.parent_code)
    existing = Org.objects.filter(parent=parent, name=spec.name).first()
    if existing is not None:
        return existing
    credit_code = spec.credit_body + credit_code_check_char(spec.credit_body)
    return org_services.create_grassroots_union(
        parent=parent, name=spec.name, kind=spec.kind, credit_code=credit_code, by=None
    )


def ensure_demo_staff(spec: DemoStaff, org: Org, password_hash: str = "") -> Staff:
    """The account, made if missing (`password_hash`: DEMO_PASSWORD's, made once for all)."""
    staff = Staff.objects.filter(username=spec.username).first()
    if staff is None:
        staff = org_services.create_staff(
            org=org,
            username=spec.username,
            full_name=spec.full_name,
            password=DEMO_PASSWORD,
            by=None,
            password_hash=password_hash,
        )
    org_services.set_roles(staff, set(spec.roles), by=None)
    return staff


# The full demo's bulk rows, each through the bulk path a union would use (issue 20 item 6).
BULK_LOADERS: tuple[Callable[[], int], ...] = (load_bulk_stations, load_bulk_reliefs)


def _ensure_accounts(grassroots: Org) -> list[Staff]:
    """Every demo account; the one password is hashed once, and only when an account is new."""
    specs = [*DEMO_STAFF, GRASSROOTS_STAFF]
    missing = {spec.username for spec in specs} - set(
        Staff.objects.filter(username__in=[spec.username for spec in specs]).values_list(
            "username", flat=True
        )
    )
    password_hash = make_password(DEMO_PASSWORD) if missing else ""
    accounts = [
        ensure_demo_staff(spec, Org.objects.get(code=spec.org_code), password_hash)
        for spec in DEMO_STAFF
    ]
    accounts.append(ensure_demo_staff(GRASSROOTS_STAFF, grassroots, password_hash))
    return accounts


@transaction.atomic
def load_demo(*, full: bool = False) -> list[Staff]:
    """Load everything (`full`: with the bulk rows); return the demo accounts for printing.
    A second run changes nothing: the facts are rebuilt only when a loader wrote something."""
    since_event = last_event_id()
    org_services.load_union_tree()
    unions = [ensure_demo_union(spec) for spec in DEMO_UNIONS]
    accounts = _ensure_accounts(unions[0])
    load_demo_families()
    load_demo_funds(full=full)
    load_demo_grants(full=full)
    load_demo_stations()
    if full:
        load_demo_fast_track()
    load_demo_tickets()
    load_demo_partners()
    load_demo_campaign()
    load_demo_produce()
    load_demo_mutualaid()
    load_demo_benefits()
    load_demo_enterprises()
    load_demo_counselling()
    load_demo_skills()
    load_demo_gigjobs()
    load_demo_pioneers()
    load_demo_modelworkers()
    if full:
        for loader in BULK_LOADERS:
            loader()
    load_demo_facts(since_event=since_event)
    return accounts
