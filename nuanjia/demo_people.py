"""Synthetic workers, households and hardship files for the Henan demo.

Everything goes through the registry and hardship services, as a caseworker would enter it,
so the demo shows real histories: the to-do lists, the publicity list, filed families, a
gradual exit and the watch list. Files that are already filed were walked through their
steps on earlier business days (core.clock.as_of); the ID numbers are synthetic (region,
birth date, sequence and a computed check character), the people invented.

Idempotent: a worker already registered (by ID number) is left as it is, with its file.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from nuanjia.core import clock
from nuanjia.core.codes import credit_code_check_char
from nuanjia.core.idnumbers import id_check_char
from nuanjia.hardship import services as hardship
from nuanjia.hardship.rules import ExitReason, Status
from nuanjia.orgs.models import Org, Staff
from nuanjia.people import services as people
from nuanjia.people.models import HouseholdMember
from nuanjia.people.queries import find_worker_by_id_number


def demo_id(region: str, born: datetime.date, sequence: int) -> str:
    """A synthetic resident ID; the sequence's last digit gives the sex (odd male, even female),
    so each family's sequence agrees with its story."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


def demo_credit_code(body: str) -> str:
    return body + credit_code_check_char(body)


@dataclass(frozen=True)
class Member:
    relation: str
    name: str
    born: datetime.date
    yearly_income_yuan: int = 0
    health: str = ""
    school_stage: str = ""
    is_able_bodied: bool = True
    is_employed: bool = False
    yearly_illness_cost_yuan: int = 0


@dataclass(frozen=True)
class DemoFamily:
    union: str  # name of the grassroots union the worker belongs to
    name: str
    born: datetime.date
    sequence: int
    phone: str
    occupations: tuple[str, ...]
    employer: tuple[str, str]  # name, first 17 characters of the credit code
    yearly_wage_yuan: int
    members: tuple[Member, ...] = ()
    file_to: str = ""  # the hardship file's status when the demo is loaded; "" for none
    application: str = ""
    sudden_cause: str = ""
    region: str = "410108"


BAIWEI = "郑州惠济区百味餐饮管理有限公司工会"
CHANGXING = "惠济区长兴路街道总工会"
HOSPITAL = "郑州市第九人民医院工会"
KAIFENG_HOTEL = "开封市鼓楼区汴京饭店有限公司工会"
SANITATION = ("郑州市惠济区环境卫生服务中心", "12410108MB1234560")
BAIWEI_CO = ("郑州惠济区百味餐饮管理有限公司", "91410108MA9F0001K")
COURIER = ("河南顺达快递服务有限公司郑州惠济分公司", "91410108MA9G1234X")
BUILDER = ("河南中建四方建设工程有限公司", "91410100MA4K5678Y")
HOTEL = ("开封市鼓楼区汴京饭店有限公司", "91410204MA9F0007X")

FAMILIES = [
    DemoFamily(BAIWEI, "王建国", datetime.date(1978, 4, 12), 11, "13838100001", ("农民工",), BAIWEI_CO, 26_400,
               (Member("spouse", "刘桂芝", datetime.date(1980, 2, 3), health="尿毒症，每周透析", is_able_bodied=False, yearly_illness_cost_yuan=30_000),
                Member("child", "王子涵", datetime.date(2012, 9, 1), school_stage="junior")),
               file_to=Status.APPLIED, application="妻子尿毒症长期透析，家庭收入微薄，申请建档。"),
    DemoFamily(CHANGXING, "李秀英", datetime.date(1975, 8, 20), 22, "13838100002", ("环卫工人", "户外劳动者"), SANITATION, 24_000,
               (Member("child", "李浩", datetime.date(2007, 3, 15), school_stage="university"),),
               file_to=Status.CHECKED, application="单亲家庭，孩子上大学，收入难以维持。"),
    DemoFamily(CHANGXING, "张桂兰", datetime.date(1970, 11, 2), 32, "13838100003", ("环卫工人",), SANITATION, 22_800,
               (Member("spouse", "赵铁柱", datetime.date(1968, 6, 6), health="脑梗后遗症", is_able_bodied=False, yearly_illness_cost_yuan=12_000),),
               file_to=Status.VISITED, application="丈夫脑梗后丧失劳动能力。"),
    DemoFamily(BAIWEI, "赵德胜", datetime.date(1982, 1, 9), 45, "13838100004", ("外卖配送员", "新就业形态"), COURIER, 30_000,
               (Member("spouse", "孙丽", datetime.date(1984, 5, 5), is_able_bodied=False, health="重度抑郁"),
                Member("child", "赵一鸣", datetime.date(2016, 10, 10), school_stage="primary"),
                Member("parent", "赵老汉", datetime.date(1950, 1, 1), is_able_bodied=False)),
               file_to=Status.IN_PUBLICITY, application="上有老下有小，妻子患病，骑手收入不稳定。"),
    DemoFamily(HOSPITAL, "刘明", datetime.date(1969, 7, 7), 51, "13838100005", ("技术工人",), BUILDER, 9_600,
               (Member("spouse", "陈芳", datetime.date(1971, 3, 3), health="乳腺癌术后", is_able_bodied=False, yearly_illness_cost_yuan=20_000),),
               file_to=Status.FILED, application="本人工伤后只能做轻活，妻子癌症术后。"),
    DemoFamily(CHANGXING, "陈红", datetime.date(1979, 12, 12), 64, "13838100006", ("环卫工人", "户外劳动者"), SANITATION, 26_400,
               (Member("child", "陈小雨", datetime.date(2010, 4, 4), school_stage="junior", health="先天性心脏病", yearly_illness_cost_yuan=8_000),),
               file_to=Status.FILED, application="单亲母亲，孩子先心病需长期治疗。"),
    DemoFamily(BAIWEI, "孙强", datetime.date(1985, 9, 30), 77, "13838100007", ("快递员", "新就业形态"), COURIER, 12_000,
               (Member("spouse", "周敏", datetime.date(1987, 2, 14), yearly_income_yuan=18_000, is_employed=True),),
               file_to=Status.GRADUAL_EXIT, application="去年车祸致困，现已康复复工。", sudden_cause="交通事故"),
    DemoFamily(HOSPITAL, "周丽", datetime.date(1976, 5, 18), 82, "13838100008", ("劳模",), BUILDER, 14_400,
               (Member("child", "周子豪", datetime.date(2004, 8, 8), school_stage="university"),),
               file_to=Status.EXITED, application="前年丈夫去世，家庭一度困难。"),
    DemoFamily(KAIFENG_HOTEL, "郭长顺", datetime.date(1972, 3, 21), 93, "13837800009", ("农民工", "建筑工人"), HOTEL, 18_000,
               (Member("spouse", "马秀兰", datetime.date(1973, 9, 9), is_able_bodied=False, health="类风湿"),),
               file_to=Status.FILED, application="妻子长期患病，本人收入低。", region="410204"),
    DemoFamily(BAIWEI, "黄晓东", datetime.date(1995, 6, 1), 103, "13838100010", ("外卖配送员", "新就业形态"), COURIER, 54_000),
    DemoFamily(CHANGXING, "吴春梅", datetime.date(1988, 2, 28), 116, "13838100011", ("网约车司机",), BAIWEI_CO, 48_000),
    DemoFamily(HOSPITAL, "郑国庆", datetime.date(1965, 10, 1), 121, "13838100012", ("货车司机", "户外劳动者"), BUILDER, 66_000),
]  # fmt: skip


@dataclass(frozen=True)
class Crew:
    """The staff who take each step (maker-checker needs different people)."""

    caseworker: Staff
    reviewer: Staff
    approver: Staff


def _crew(region: str) -> Crew:
    if region == "410204":
        return Crew(
            caseworker=Staff.objects.get(username="kf_caseworker"),
            reviewer=Staff.objects.get(username="kf_reviewer"),
            approver=Staff.objects.get(username="kf_approver"),
        )
    return Crew(
        caseworker=Staff.objects.get(username="hj_caseworker"),
        reviewer=Staff.objects.get(username="hj_reviewer"),
        approver=Staff.objects.get(username="hj_approver"),
    )


def _register(family: DemoFamily, by: Staff):
    union = Org.objects.get(name=family.union)
    number = demo_id(family.region, family.born, family.sequence)
    existing = find_worker_by_id_number(number)
    if existing is not None:
        return existing, False
    worker = people.register_worker(
        org=union,
        by=by,
        name=family.name,
        id_number=number,
        phone=family.phone,
        address=f"{(union.parent or union).name.removesuffix('总工会')}某某小区{family.sequence}号",
        employer_name=family.employer[0],
        employer_credit_code=demo_credit_code(family.employer[1]),
        occupations=list(family.occupations),
        union=union,
        joined_union_on=datetime.date(2018, 3, 1),
        member_card_number=f"HN{family.region}{family.sequence:06d}",
        bank_name="中国工商银行",
        bank_account=f"62220202{family.sequence:011d}",
    )
    return worker, True


def _household(worker, family: DemoFamily, by: Staff):
    household = people.create_household(worker, by=by, homes_count=1, homes_area_m2=60)
    self_member = household.members.get(relation=HouseholdMember.Relation.SELF)
    people.update_member(
        self_member, by=by, wage_income_fen=family.yearly_wage_yuan * 100, is_employed=True
    )
    for member in family.members:
        people.add_member(
            household,
            by=by,
            relation=member.relation,
            name=member.name,
            birth_date=member.born,
            health=member.health,
            school_stage=member.school_stage,
            is_able_bodied=member.is_able_bodied,
            is_employed=member.is_employed,
            wage_income_fen=member.yearly_income_yuan * 100,
            illness_cost_fen=member.yearly_illness_cost_yuan * 100,
        )
    return household


# Business days on which the older files took their steps.
OPENED_ON = datetime.date(2025, 12, 1)
VISITED_ON = datetime.date(2025, 12, 5)
PUBLISHED_ON = datetime.date(2025, 12, 10)
APPROVED_ON = datetime.date(2025, 12, 22)


def _walk(household, family: DemoFamily, crew: Crew) -> None:
    target = family.file_to
    today = clock.today()
    long_ago = target in (Status.FILED, Status.GRADUAL_EXIT, Status.EXITED)
    opened_on = OPENED_ON if long_ago else today
    with clock.as_of(opened_on):
        file = hardship.open_file(household, by=crew.caseworker, note=family.application)
    if target == Status.APPLIED:
        return
    with clock.as_of(opened_on):
        file = hardship.check_file(file, by=crew.caseworker, note="材料齐全，情况属实")
    if target == Status.CHECKED:
        return
    with clock.as_of(VISITED_ON if long_ago else today):
        file = hardship.record_visit(
            file,
            by=crew.caseworker,
            consent_signed_on=VISITED_ON if long_ago else today,
            consent_evidence="家庭经济状况核对授权书（已签字）",
            note="入户走访，家中陈设简陋，收入情况与申报一致。",
            sudden_cause=family.sudden_cause,
        )
    if target == Status.VISITED:
        return
    with clock.as_of(PUBLISHED_ON if long_ago else today):
        file = hardship.review_file(file, by=crew.reviewer, civil_affairs_note="民政部门核对无异常")
        file = hardship.start_publicity(file, by=crew.reviewer)
    if target == Status.IN_PUBLICITY:
        return
    with clock.as_of(APPROVED_ON):
        file = hardship.approve_file(file, by=crew.approver, note="公示期满无异议")
        file = hardship.complete_filing(file, by=crew.caseworker)
    if target == Status.GRADUAL_EXIT:
        with clock.as_of(today - datetime.timedelta(days=40)):
            hardship.exit_file(
                file,
                by=crew.approver,
                reason=ExitReason.INCOME,
                note="复工后家庭人均收入已超过相对困难标准。",
                gradual_exit_months=3,
                gradual_exit_monthly_fen=file.monthly_standard_fen * 6 // 10,
            )
    elif target == Status.EXITED:
        with clock.as_of(today - datetime.timedelta(days=120)):
            hardship.exit_file(
                file, by=crew.approver, reason=ExitReason.INCOME, note="子女就业，收入稳定。"
            )


def load_demo_families() -> int:
    """Register the demo families and walk their files; returns how many were new."""
    added = 0
    for family in FAMILIES:
        crew = _crew(family.region)
        worker, created = _register(family, crew.caseworker)
        if not created:
            continue
        added += 1
        if not family.members and not family.file_to:
            continue
        household = _household(worker, family, crew.caseworker)
        if family.file_to:
            _walk(household, family, crew)
    return added
