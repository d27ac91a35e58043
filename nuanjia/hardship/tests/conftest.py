"""Hardship fixtures: 惠济区 households with chosen incomes, a county 低保 standard of 800 元,
and a helper that walks a file to any status through the services."""

import datetime
import itertools
import zoneinfo

import pytest

from nuanjia.hardship import services
from nuanjia.hardship.rules import ExitReason, Status
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.people.models import Household, HouseholdMember, Worker
from nuanjia.standards.models import MinimumWage

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 3, 2)
DIBAO_FEN = 80_000  # 800.00 元 per person a month, set for 惠济区 itself in these tests
MINIMUM_WAGE_FEN = 210_000
_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def frozen_clock(frozen_clock):
    """Tests run on 2026-03-02 10:00 in Shanghai unless they travel (the root conftest's clock)."""
    return frozen_clock


@pytest.fixture
def standards(dibao):
    """The 低保 of 800 元 (root conftest) and a minimum wage of 2,100 元 in 惠济区."""
    MinimumWage.objects.create(
        region_code="410108", effective_on=datetime.date(2020, 1, 1), monthly_fen=MINIMUM_WAGE_FEN
    )


def build_household(
    org_code: str = "410108",
    *,
    monthly_per_capita_yuan: int = 500,
    size: int = 2,
    name: str | None = None,
    phone: str = "13812345678",
    id_index: str = "",
    health: str = "",
    **facts,
) -> Household:
    """A household whose per-capita monthly income is exactly `monthly_per_capita_yuan`."""
    n = next(_serial)
    org = Org.objects.get(code=org_code)
    worker = Worker.objects.create(  # type: ignore[misc]  # a sealed-phone property (core.sealed_phones)
        org=org,
        name=name or f"张{n}",
        name_pinyin=f"zhang{n}",
        phone=phone,
        id_number_index=id_index or f"test-index-{n}",
        id_number_masked="4101**********123X",
        id_last4="123X",
        region_code=org.region_code,
    )
    household = Household.objects.create(
        org=org, worker=worker, region_code=org.region_code, **facts
    )
    HouseholdMember.objects.create(
        household=household,
        relation=HouseholdMember.Relation.SELF,
        name=worker.name,
        birth_date=datetime.date(1980, 5, 1),
        wage_income_fen=monthly_per_capita_yuan * 100 * 12 * size,
        health=health,
    )
    for index in range(size - 1):
        HouseholdMember.objects.create(
            household=household,
            relation=HouseholdMember.Relation.CHILD,
            name=f"{worker.name}之子{index}",
            birth_date=datetime.date(2015, 1, 1),
            school_stage="primary",
        )
    return household


@pytest.fixture
def household(tree, standards):
    return build_household()


@pytest.fixture
def caseworker2(make_staff):
    return make_staff("410108", Role.CASEWORKER, username="hj_caseworker2")


@pytest.fixture
def reviewer2(make_staff):
    return make_staff("410108", Role.REVIEWER, username="hj_reviewer2")


@pytest.fixture
def people(caseworker, caseworker2, reviewer, reviewer2, approver):
    return {
        "caseworker": caseworker,
        "caseworker2": caseworker2,
        "reviewer": reviewer,
        "reviewer2": reviewer2,
        "approver": approver,
    }


def walk_to(hardship_file, status: str, people, clock, **visit):
    """Move a file through the services to `status` (filed families by the main path).

    Approval waits for the publicity to end: the clock moves past its last day.
    """
    caseworker, reviewer, approver = people["caseworker"], people["reviewer"], people["approver"]
    path = [
        (Status.CHECKED, lambda f: services.check_file(f, by=caseworker)),
        (
            Status.VISITED,
            lambda f: services.record_visit(
                f,
                by=caseworker,
                consent_signed_on=f.created_at.date(),
                consent_evidence="同意书-001",
                **visit,
            ),
        ),
        (
            Status.REVIEWED,
            lambda f: services.review_file(f, by=reviewer, civil_affairs_note="民政核对无异常"),
        ),
        (Status.IN_PUBLICITY, lambda f: services.start_publicity(f, by=reviewer)),
        (Status.APPROVED, lambda f: _approve_after_publicity(f, approver, clock)),
        (Status.FILED, lambda f: services.complete_filing(f, by=caseworker)),
    ]
    order = [Status.APPLIED] + [target for target, _step in path]
    start = order.index(hardship_file.status) if hardship_file.status in order else len(order)
    for target, step in path[start:]:
        if hardship_file.status == status:
            return hardship_file
        hardship_file = step(hardship_file)
        assert hardship_file.status == target
    if status == Status.UNDER_REVIEW:
        hardship_file = services.start_review(hardship_file, by=caseworker)
    if status in (Status.GRADUAL_EXIT, Status.EXITED):
        months = 3 if status == Status.GRADUAL_EXIT else None
        amount = hardship_file.monthly_standard_fen // 2 if months else None
        hardship_file = services.exit_file(
            hardship_file,
            by=approver,
            reason=ExitReason.INCOME,
            gradual_exit_months=months,
            gradual_exit_monthly_fen=amount,
        )
    assert hardship_file.status == status
    return hardship_file


def _approve_after_publicity(hardship_file, approver, clock):
    after = hardship_file.publicity_ends_on + datetime.timedelta(days=1)
    clock.move_to(datetime.datetime.combine(after, datetime.time(9), tzinfo=SHANGHAI))
    return services.approve_file(hardship_file, by=approver)


@pytest.fixture
def walk(people, frozen_clock):
    """`walk(file, status, **visit)`: the file moved to that status by the named personas."""

    def do_walk(hardship_file, status, **visit):
        return walk_to(hardship_file, status, people, frozen_clock, **visit)

    return do_walk


@pytest.fixture
def new_file(household, caseworker):
    return services.open_file(household, by=caseworker, note="家庭成员重病，收入微薄")
