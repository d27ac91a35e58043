"""Enterprises at province scale: fee rebates for 100,000 firms × 12 months, and a rent-relief
policy applied to 10,000 leases.

The rows are generated straight into the tables (untimed): the Henan union tree, `--rows`
firms (registry employers with a firm profile, spread over every county; 90 % micro, every
tenth medium, every seventh micro until July and medium from then), each with a union account,
and their 12 monthly collections of 2022 as the tax office's sheet would have imported them
(one INSERT … SELECT a month, standing in for the CSV import, which is not timed); a rebate
policy returning 40 %; `--leases` leases of 5,000 元 a month over 2022–2023 with their
24-month schedules, their tenants small firms.

Figures:
- rebates_100k_firms_seconds: enterprises.services.stage_rebates over the province for the
  12 periods (the candidates, each with its period's size class, computed once into a
  temporary table; then the exceptions and the rebates INSERT … SELECT from it). Floor: one bare `INSERT INTO enterprises_rebate … SELECT` of every
  collection at 40 %, no checks, deleted again before ours runs. Target ≤ 30 s.
- rent_relief_10k_leases_seconds: enterprises.services.stage_reliefs (3 free + 12 half) on
  every lease: eligibility, the monthly relief of each schedule month and the reliefs staged
  for approval. Floor: bare SQL inserting the same register lines. Target ≤ 10 s.

    .venv/bin/python bench/enterprises.py [--rows 100000] [--leases 10000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_enterprises .venv/bin/python bench/enterprises.py
"""

import argparse
import datetime

import harness

MONTHS = [datetime.date(2022, month, 1) for month in range(1, 13)]
NUMBERS = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s) "


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="firms (default 100,000)")
    parser.add_argument("--leases", type=int, default=10_000, help="leases (default 10,000)")
    return parser.parse_args()


def _counties() -> str:
    return (
        "(SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM orgs_org "
        "WHERE kind = 'county') c"
    )


def populate(firms: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from nuanjia.orgs.services import load_union_tree

    load_union_tree()
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM orgs_org WHERE kind = 'county'")
        counties = cursor.fetchone()[0]
        cursor.execute(
            NUMBERS + "INSERT INTO people_employer (name, credit_code, region_code, created_at) "
            "SELECT 'benchfirm' || i, '', '410108', %s FROM n",
            [firms, now],
        )
        cursor.execute(
            "INSERT INTO enterprises_firmprofile (employer_id, org_id, kind, industry, "
            "account_name, account_encrypted, account_masked, bank_name, union_account_name, "
            "union_account_encrypted, union_account_masked, union_bank_name, created_at, "
            f"updated_at) SELECT e.id, c.id, 'firm', 'retail', '', '', '', '', '工会', 'x', "
            f"'6217****0001', '建设银行', %s, %s FROM people_employer e JOIN {_counties()} "
            f"ON c.k = e.id %% {counties} WHERE e.name LIKE 'benchfirm%%'",
            [now, now],
        )
        cursor.execute(
            "INSERT INTO enterprises_firmfigures (firm_id, year, effective_on, kind, industry, "
            "headcount, revenue_fen, size_class, created_at) SELECT id, 2021, %s, 'firm', "
            "'retail', 5, 50000000, CASE WHEN id %% 10 = 0 THEN 'medium' ELSE 'micro' END, %s "
            "FROM enterprises_firmprofile",
            [datetime.date(2022, 1, 1), now],
        )
        cursor.execute(
            "INSERT INTO enterprises_firmfigures (firm_id, year, effective_on, kind, industry, "
            "headcount, revenue_fen, size_class, created_at) SELECT id, 2022, %s, 'firm', "
            "'retail', 120, 1000000000, 'medium', %s FROM enterprises_firmprofile "
            "WHERE id %% 7 = 0",
            [datetime.date(2022, 7, 1), now],
        )
        for month in MONTHS:
            end = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
            cursor.execute(
                "INSERT INTO enterprises_feecollection (firm_id, org_id, period_start, "
                "period_end, payroll_fen, fee_fen, paid_on, preparatory, created_at) "
                "SELECT id, org_id, %s, %s, 5000000 + id, 100000 + id %% 1000, %s, %s, %s "
                "FROM enterprises_firmprofile",
                [month, end - datetime.timedelta(days=1), end, False, now],
            )


def _staff(code: str, *roles):
    from nuanjia.orgs.models import Org, Staff
    from nuanjia.orgs.services import set_roles

    staff = Staff(
        username=f"bench-{code}-{'-'.join(roles)}",
        full_name="bench",
        org=Org.objects.get(code=code),
    )
    staff.set_unusable_password()
    staff.save()
    set_roles(staff, set(roles), by=None)
    return Staff.objects.get(pk=staff.pk)


FLOOR = (
    "INSERT INTO enterprises_rebate (batch_id, collection_id, firm_id, org_id, earmark_id, "
    "period_start, size_class, fee_fen, amount_fen, status) "
    "SELECT %s, c.id, c.firm_id, c.org_id, %s, c.period_start, 'micro', c.fee_fen, "
    "(c.fee_fen * 400 * 2 + 1000) / 2000, 'cancelled' FROM enterprises_feecollection c"
)


def bench_rebates(firms: int) -> None:
    from django.db import connection, transaction

    from nuanjia.enterprises import services
    from nuanjia.enterprises.models import Rebate, RebateBatch
    from nuanjia.orgs.models import Org

    populate(firms)
    finance = _staff("410000", "finance")
    services.create_rebate_policy(
        code="bench", name="bench", shares=(600, 100, 100, 200), returned_permille=400,
        effective_from=datetime.date(2021, 1, 1), effective_to=None, by=finance,
    )  # fmt: skip
    province = Org.objects.get(code="410000")
    scratch = RebateBatch.objects.create(org=province, period_from=MONTHS[0], period_to=MONTHS[-1])
    from nuanjia.funds.models import Earmark

    earmark = Earmark.objects.get(code="fee-rebate")
    with harness.stopwatch() as floor, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(FLOOR, [scratch.pk, earmark.pk])
    Rebate.objects.filter(batch=scratch).delete()
    scratch.delete()
    with harness.stopwatch() as ours:
        batch = services.stage_rebates(province, MONTHS[0], MONTHS[-1], by=finance)
    expected = sum(
        1 for firm in range(1, firms + 1) for month in range(12)
        if firm % 10 and not (firm % 7 == 0 and month >= 6)
    )  # fmt: skip
    print(f"staged {batch.count} rebates (ids of firms aside: about {expected}), "
          f"{batch.exception_count} exceptions", flush=True)  # fmt: skip
    harness.report("rebates_100k_firms_seconds", ours["seconds"], "s", floor["seconds"])


def populate_leases(leases: int) -> None:
    """One union property of the province with `leases` units, each let 2022–2023 at 5,000 元
    a month to a small firm, with its 24-month schedule."""
    from django.db import connection, transaction
    from django.utils import timezone

    from nuanjia.enterprises.models import Property
    from nuanjia.orgs.models import Org

    now = timezone.now()
    province = Org.objects.get(code="410000")
    prop = Property.objects.create(org=province, name="河南省职工服务中心", address="郑州")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            NUMBERS + "INSERT INTO enterprises_unit (property_id, code, area_m2) "
            "SELECT %s, 'U' || i, 50 FROM n",
            [leases, prop.pk],
        )
        cursor.execute(
            "INSERT INTO enterprises_lease (unit_id, tenant_id, org_id, owner_id, "
            "monthly_rent_fen, starts_on, ends_on, deposit_fen, status, created_at) "
            "SELECT u.id, f.id, f.org_id, %s, 500000, %s, %s, 0, 'active', %s FROM "
            "(SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS k FROM enterprises_unit) u JOIN "
            "(SELECT id, org_id, ROW_NUMBER() OVER (ORDER BY id) AS k FROM "
            "enterprises_firmprofile WHERE id %% 10 <> 0) f ON f.k = u.k",
            [province.pk, datetime.date(2022, 1, 1), datetime.date(2023, 12, 31), now],
        )
        for number in range(24):
            first = datetime.date(2022 + number // 12, number % 12 + 1, 1)
            last = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
            cursor.execute(
                "INSERT INTO enterprises_schedulemonth (lease_id, number, starts_on, ends_on, "
                "due_fen, paid_fen, relieved_fen) SELECT id, %s, %s, %s, 500000, 0, 0 "
                "FROM enterprises_lease",
                [number + 1, first, last - datetime.timedelta(days=1)],
            )


RELIEF_FLOOR = (
    "INSERT INTO enterprises_reliefline (relief_id, month_id, kind, due_fen, relief_fen, "
    "refund_fen) SELECT %s, s.id, CASE WHEN s.number <= 3 THEN 'free' ELSE 'reduced' END, "
    "s.due_fen, CASE WHEN s.number <= 3 THEN s.due_fen ELSE (2 * s.due_fen + 2) / 4 END, 0 "
    "FROM enterprises_schedulemonth s WHERE s.number <= 15"
)


def bench_relief(leases: int) -> None:
    from django.db import connection, transaction

    from nuanjia.enterprises import services
    from nuanjia.enterprises.models import Lease, ReliefLine, ReliefPolicy, RentRelief
    from nuanjia.funds.models import Earmark
    from nuanjia.orgs.models import Org

    populate_leases(leases)
    caseworker = _staff("410000", "caseworker")
    province = Org.objects.get(code="410000")
    policy = services.create_policy(
        province, code="bench-3-12", name="免三减半十二", free_months=3, reduced_months=12,
        window_starts_on=datetime.date(2022, 1, 1), window_ends_on=datetime.date(2022, 12, 31),
        by=caseworker,
    )  # fmt: skip
    scratch_policy = ReliefPolicy.objects.create(
        code="scratch", name="scratch", org=province, free_months=1, reduced_months=0,
        window_starts_on=policy.window_starts_on, window_ends_on=policy.window_ends_on,
        earmark=Earmark.objects.get(code="rent-relief"),
    )  # fmt: skip
    lease = Lease.objects.order_by("pk").first()
    scratch = RentRelief.objects.create(
        lease=lease, policy=scratch_policy, org=lease.org, payer=lease.owner,
        earmark=scratch_policy.earmark, months=0, total_fen=0,
    )  # fmt: skip
    with harness.stopwatch() as floor, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(RELIEF_FLOOR, [scratch.pk])
    ReliefLine.objects.filter(relief=scratch).delete()
    scratch.delete()
    with harness.stopwatch() as ours:
        staged = services.stage_reliefs(policy, province, by=caseworker)
    total = sum(RentRelief.objects.filter(policy=policy).values_list("total_fen", flat=True))
    print(f"staged {staged} reliefs of {leases} leases, {total / 100:,.2f} 元", flush=True)
    harness.report("rent_relief_10k_leases_seconds", ours["seconds"], "s", floor["seconds"])


def main() -> None:
    args = _arguments()
    harness.setup("bench_enterprises.sqlite3")
    bench_rebates(args.rows)
    bench_relief(args.leases)


if __name__ == "__main__":
    main()
