"""Out-of-scope enterprises rows for the scoping walker (tests/test_scoping.py `other_county`):
a firm of 开封市鼓楼区 whose workplace union is the marker union, its figures, a property of
鼓楼区 with a unit let to it, a policy and a proposed relief, every text carrying the marker."""

import datetime

from nuanjia.enterprises.models import (
    CheckUp,
    FeeCollection,
    Finding,
    FirmFigures,
    FirmHelp,
    FirmProfile,
    FollowUpTask,
    Lease,
    Property,
    RebateBatch,
    RebateExceptionRow,
    ReliefLine,
    ReliefPolicy,
    RentRelief,
    ScheduleMonth,
    Unit,
    Visit,
)
from nuanjia.enterprises.rules import FirmKind, Industry, ReliefLineKind, SizeClass
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Staff
from nuanjia.people.models import Employer


def enterprise_rows(union, marker: str) -> dict[str, int]:
    county = union.parent
    employer = Employer.objects.create(
        name=f"{marker}企业", region_code="410204",
        union=union,
    )  # fmt: skip
    firm = FirmProfile.objects.create(
        employer=employer, org=county, kind=FirmKind.FIRM, industry=Industry.RETAIL,
        account_name=marker[:100], bank_name=marker[:60], account_masked="6222****7777",
    )  # fmt: skip
    FirmFigures.objects.create(
        firm=firm, year=2021, effective_on=datetime.date(2022, 1, 1), kind=FirmKind.FIRM,
        industry=Industry.RETAIL, headcount=5, revenue_fen=100, size_class=SizeClass.MICRO,
    )  # fmt: skip
    prop = Property.objects.create(org=county, name=marker, address=marker)
    unit = Unit.objects.create(property=prop, code=marker[:30], area_m2=50)
    lease = Lease.objects.create(
        unit=unit, tenant=firm, org=county, owner=county, monthly_rent_fen=100_000,
        starts_on=datetime.date(2022, 1, 1), ends_on=datetime.date(2022, 12, 31),
    )  # fmt: skip
    month = ScheduleMonth.objects.create(
        lease=lease, number=1, starts_on=datetime.date(2022, 1, 1),
        ends_on=datetime.date(2022, 1, 31), due_fen=100_000,
    )  # fmt: skip
    earmark = Earmark.objects.get(code="rent-relief")
    policy = ReliefPolicy.objects.create(
        code="kf-scope", name=f"{marker}政策", org=county, free_months=1, reduced_months=0,
        window_starts_on=datetime.date(2022, 1, 1), window_ends_on=datetime.date(2022, 12, 31),
        earmark=earmark,
    )  # fmt: skip
    relief = RentRelief.objects.create(
        lease=lease, policy=policy, org=county, payer=county, earmark=earmark, months=1,
        total_fen=100_000, note=marker[:200],
    )  # fmt: skip
    ReliefLine.objects.create(
        relief=relief, month=month, kind=ReliefLineKind.FREE, due_fen=100_000, relief_fen=100_000
    )
    batch = RebateBatch.objects.create(
        org=county, period_from=datetime.date(2022, 1, 1), period_to=datetime.date(2022, 1, 1)
    )
    collection = FeeCollection.objects.create(
        firm=firm, org=county, period_start=datetime.date(2022, 1, 1),
        period_end=datetime.date(2022, 1, 31), payroll_fen=100, fee_fen=2, paid_on=datetime.date(2022, 2, 1),
    )  # fmt: skip
    RebateExceptionRow.objects.create(
        batch=batch, collection=collection, org=county, reason="no_account", amount_fen=1
    )
    help_ = FirmHelp.objects.create(
        firm=firm, org=county, earmark=earmark, amount_fen=100, workers_reached=1,
        purpose=marker[:200], helped_on=datetime.date(2022, 3, 1),
    )  # fmt: skip
    checkup = CheckUp.objects.create(
        firm=firm, org=county, checked_on=datetime.date(2022, 3, 1), advice=marker,
        checklist={"wages": False},
    )  # fmt: skip
    finding = Finding.objects.create(checkup=checkup, org=county, item="wages", description=marker)
    visit = Visit.objects.create(
        firm=firm, org=county, visited_on=datetime.date(2022, 3, 1), difficulties=marker
    )
    owner = Staff.objects.create(username="kf_ent_task_owner", full_name=marker, org=county)
    task = FollowUpTask.objects.create(
        visit=visit, org=county, owner=owner, description=marker[:300], working_days=5,
        due_on=datetime.date(2022, 3, 8),
    )  # fmt: skip
    return {
        "checkup_id": checkup.pk,
        "finding_id": finding.pk,
        "visit_id": visit.pk,
        "task_id": task.pk,
        "help_id": help_.pk,
        "rebate_batch_id": batch.pk,
        "firm_id": firm.pk,
        "property_id": prop.pk,
        "lease_id": lease.pk,
        "relief_id": relief.pk,
        "relief_policy_id": policy.pk,
    }
