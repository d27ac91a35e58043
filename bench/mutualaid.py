"""Mutual aid at a city's size: 100,000 members enrolled from one xlsx, then the automatic
check over 100,000 received claims of 3 invoice lines each, caps counted.

Setup (not timed): the tree, a 郑州 inpatient plan, `--rows` workers of 惠济区 in the
registry (ID numbers with their blind indexes), the enrolment sheet written as xlsx.

- `mutualaid_enrol_100k_seconds`: the engine the pages and the API queue, run directly (not
  through the task queue): `import_runs.start_enrolment_import` keeps the sheet, then
  `run_enrolment_import` checks every row (one read), then writes the rows chunk by chunk
  (a second read; each chunk checked again against the registry and the plan, written by
  COPY / executemany with its contributions' posting and the run's progress, committed),
  one audit event at the end. Floor: the same
  number of enrolment rows inserted in bare SQL (executemany). Target ≤ 30 s.
- `mutualaid_adjudicate_100k_seconds`: `services.bulk_check.check_received` over `--rows`
  received claims (two per member, so the caps bind), each with 3 lines and its own
  invoices, counters and episodes (made with bulk inserts, not timed). Floor: the same reads
  (claims, enrolments, lines, counters, episodes, invoices per chunk of 2,000) and writes
  (lines, counters, episodes, invoices, claims, invoice uses, history rows) in bare SQL, the
  amounts taken as asked, rolled back. Target ≤ 60 s.

    .venv/bin/python bench/mutualaid.py [--rows N]          # SQLite, var/bench_mutualaid.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_mutualaid .venv/bin/python bench/mutualaid.py
"""

from __future__ import annotations

import datetime
import io
import json

import harness

START = datetime.date(2026, 1, 1)
TODAY = datetime.date(2026, 11, 20)


def populate(total: int):
    from openpyxl import Workbook

    from nuanjia.core import crypto
    from nuanjia.core.idnumbers import id_check_char
    from nuanjia.mutualaid import services
    from nuanjia.orgs.models import Org, Staff
    from nuanjia.orgs.rules import Role
    from nuanjia.orgs.services import load_union_tree, set_roles
    from nuanjia.people.models import Worker

    load_union_tree()
    staff = {}
    for username, code, role in (
        ("bench_ma_case", "410108", Role.CASEWORKER),
        ("bench_ma_plan", "410100", Role.APPROVER),
    ):
        person = Staff.objects.create(
            username=username, full_name=username, org=Org.objects.get(code=code)
        )
        set_roles(person, {role}, by=None)
        staff[username] = Staff.objects.get(pk=person.pk)
    plan = services.create_plan(
        code="zz-zy", name="郑州职工住院医疗互助", kind="inpatient", pool_org=Org.objects.get(code="410100"),
        by=staff["bench_ma_plan"],
    )  # fmt: skip
    services.add_version(
        plan, START, rules={"percent": 60, "deductible_fen": 10_000}, by=staff["bench_ma_plan"],
        contribution_fen=6_000, union_share_fen=3_000, member_share_fen=3_000, term_months=12,
        waiting_days=30, cap_claim_fen=500_000, cap_episode_fen=800_000, cap_year_fen=1_000_000,
        sample_percent=5, review_above_fen=300_000,
    )  # fmt: skip
    huiji = Org.objects.get(code="410108")
    ring = crypto.field_keyring()
    numbers = []
    workers = []
    for n in range(total):
        born = datetime.date(1970, 1, 1) + datetime.timedelta(days=n % 9000)
        first17 = f"410108{born:%Y%m%d}{n % 1000:03d}"
        number = first17 + id_check_char(first17)
        numbers.append(number)
        workers.append(
            Worker(org=huiji, name=f"职工{n}", region_code="410108", birth_date=born,
                   id_number_index=ring.blind_index(number, purpose=crypto.PURPOSE_ID_NUMBER) + f"{n}"[:0])
        )  # fmt: skip
    # ID numbers must be unique: a repeat of (birth day, sequence) gets another sequence.
    seen = set()
    for n, worker in enumerate(workers):
        while worker.id_number_index in seen:
            first17 = numbers[n][:14] + f"{(int(numbers[n][14:17]) + 1) % 1000:03d}"
            numbers[n] = first17 + id_check_char(first17)
            worker.id_number_index = ring.blind_index(numbers[n], purpose=crypto.PURPOSE_ID_NUMBER)
        seen.add(worker.id_number_index)
    Worker.objects.bulk_create(workers, batch_size=5000)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("参保名单")
    sheet.append(["身份证号", "姓名", "起保日期", "缴费日期"])
    for n, number in enumerate(numbers):
        sheet.append([number, f"职工{n}", "2026-01-01", "2026-01-10"])
    sheet_file = io.BytesIO()
    book.save(sheet_file)
    return plan, huiji, staff["bench_ma_case"], sheet_file.getvalue()


def enrol_floor(plan, org, total: int) -> float:
    from django.db import connection, transaction
    from django.utils import timezone

    from nuanjia.people.models import Worker

    version = plan.versions.get()
    ids = list(Worker.objects.order_by("pk").values_list("pk", flat=True)[:total])
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = [(plan.pk, version.pk, pk, org.pk, "410100", "2026-01-01", "2026-12-31", 6000, 6000, "2026-01-10",
             "2026-01-10", "2026-02-08", False, "active", 0, now) for pk in ids]  # fmt: skip
    with harness.stopwatch() as clock, transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO mutualaid_enrolment (plan_id, version_id, worker_id, org_id, city_code, starts_on, "
            "ends_on, contribution_fen, paid_fen, paid_in_full_on, cover_starts_on, waiting_ends_on, "
            "is_continuous, status, refund_fen, created_at) VALUES "
            "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )
        transaction.set_rollback(True)
    return clock["seconds"]


def received_claims(plan, caseworker) -> int:
    """Two received claims per enrolled member, 3 lines each with their own invoices."""
    from django.db import transaction
    from django.utils import timezone

    from nuanjia.mutualaid.models import Claim, ClaimLine, Enrolment, Episode, Invoice, YearCounter

    enrolments = list(
        Enrolment.objects.order_by("pk").values_list("pk", "worker_id", "org_id", "version_id")
    )
    total = len(enrolments)
    members = enrolments[: (total + 1) // 2]
    with transaction.atomic():
        counters = YearCounter.objects.bulk_create(
            (
                YearCounter(worker_id=w, plan=plan, term_starts_on=START, cap_fen=1_000_000)
                for _e, w, _o, _v in members
            ),
            batch_size=5000,
        )
        episodes = Episode.objects.bulk_create(
            (
                Episode(worker_id=w, plan=plan, label="住院", started_on=START, cap_fen=800_000)
                for _e, w, _o, _v in members
            ),
            batch_size=5000,
        )
        invoices = Invoice.objects.bulk_create(
            (Invoice(key=f"P|B|{n}", self_paid_fen=300_000) for n in range(total * 3)),
            batch_size=5000,
        )
        now = timezone.now()
        claims = Claim.objects.bulk_create(
            (
                Claim(
                    enrolment_id=e, plan=plan, version_id=v, worker_id=w, org_id=o, pool_org_id=plan.pool_org_id,
                    city_code="410100", episode=episodes[n // 2], year_counter=counters[n // 2], illness="住院",
                    hospital="郑州大学第一附属医院", service_on=datetime.date(2026, 3, 1) + datetime.timedelta(days=n % 200),
                    consent_at=now, asked_fen=3 * (100_000 + (n % 7) * 30_000), submitted_by=caseworker,
                )
                for n, (e, w, o, v) in ((n, members[n // 2]) for n in range(total))
            ),
            batch_size=5000,
        )  # fmt: skip
        ClaimLine.objects.bulk_create(
            (
                ClaimLine(claim=claim, position=p + 1, invoice=invoices[n * 3 + p], invoice_code="B",
                          invoice_number=str(n * 3 + p), total_fen=400_000, insurance_fen=100_000,
                          self_paid_fen=300_000, eligible_fen=280_000, asked_fen=100_000 + (n % 7) * 30_000)
                for n, claim in enumerate(claims)
                for p in range(3)
            ),
            batch_size=10000,
        )  # fmt: skip
    return total


def adjudicate_floor() -> float:
    """The same reads and writes in bare SQL, per chunk of 2,000 claims, rolled back."""
    from django.db import connection, transaction
    from django.utils import timezone

    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    from nuanjia.mutualaid.services.bulk_check import update_rows

    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    stamp = timezone.now() if connection.vendor == "postgresql" else now
    with harness.stopwatch() as clock, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT id FROM mutualaid_claim WHERE status = 'received' ORDER BY id")
        ids = [row[0] for row in cursor.fetchall()]
        for start in range(0, len(ids), 2000):
            chunk = ids[start : start + 2000]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT id, enrolment_id, year_counter_id, episode_id, version_id, service_on, city_code FROM mutualaid_claim WHERE id IN ({marks}) ORDER BY id{lock}",
                chunk,
            )
            claims = cursor.fetchall()

            def fetch(sql, keys):
                keys = sorted(set(keys))
                cursor.execute(sql.format(", ".join(["%s"] * len(keys))), keys)
                return cursor.fetchall()

            fetch(
                "SELECT id, status, starts_on, ends_on, cover_starts_on, waiting_ends_on FROM mutualaid_enrolment WHERE id IN ({})",
                [c[1] for c in claims],
            )
            lines = fetch(
                "SELECT claim_id, id, asked_fen, eligible_fen, invoice_id FROM mutualaid_claimline WHERE claim_id IN ({}) ORDER BY claim_id, position",
                chunk,
            )
            fetch(
                "SELECT id, cap_fen, reserved_fen, used_fen FROM mutualaid_yearcounter WHERE id IN ({}) ORDER BY id"
                + lock,
                [c[2] for c in claims],
            )
            fetch(
                "SELECT id, cap_fen, reserved_fen, used_fen FROM mutualaid_episode WHERE id IN ({}) ORDER BY id"
                + lock,
                [c[3] for c in claims],
            )
            fetch(
                "SELECT id, self_paid_fen, used_fen FROM mutualaid_invoice WHERE id IN ({}) ORDER BY id"
                + lock,
                [row[4] for row in lines],
            )
            update_rows(
                "mutualaid_claimline",
                "proposed_fen = v.proposed_fen, cuts = v.cuts::jsonb",
                ("proposed_fen", "cuts", "id"),
                [(row[2], json.dumps([]), row[1]) for row in lines],
            )
            for table, column, keys in (
                ("mutualaid_yearcounter", "reserved_fen", {c[2] for c in claims}),
                ("mutualaid_episode", "reserved_fen", {c[3] for c in claims}),
                ("mutualaid_invoice", "used_fen", {row[4] for row in lines}),
            ):
                update_rows(
                    table,
                    f"{column} = {column} + v.amount",
                    ("amount", "id"),
                    [(1, pk) for pk in sorted(keys)],
                )
            update_rows(
                "mutualaid_claim",
                "status = v.status, proposed_fen = v.proposed_fen, reserved_fen = v.reserved_fen, "
                "second_review = v.second_review, updated_at = v.updated_at",
                ("status", "proposed_fen", "reserved_fen", "second_review", "updated_at", "id"),
                [("submitted", 0, 0, False, stamp, c[0]) for c in claims],
            )  # fmt: skip
            cursor.executemany(
                "INSERT INTO mutualaid_invoiceuse (invoice_id, line_id, city_code, amount_fen) VALUES (%s, %s, %s, %s)",
                [(row[4], row[1], "410100", 1) for row in lines],
            )
            cursor.executemany(
                "INSERT INTO mutualaid_claimevent (claim_id, action, from_status, to_status, note, changes, at) VALUES (%s, 'check', 'received', 'submitted', '', %s"
                + cast
                + ", %s)",
                [(c[0], json.dumps({"proposed_fen": 0}), now) for c in claims],
            )
        transaction.set_rollback(True)
    return clock["seconds"]


def main() -> None:
    args = harness.arguments(__doc__.splitlines()[0], 100_000)
    harness.setup("bench_mutualaid.sqlite3")
    from django.core.files.uploadedfile import SimpleUploadedFile

    from nuanjia.core import clock as business_clock
    from nuanjia.mutualaid.import_runs import run_enrolment_import, start_enrolment_import
    from nuanjia.mutualaid.models import Claim, Enrolment
    from nuanjia.mutualaid.services.bulk_check import check_received

    with business_clock.as_of(TODAY):
        plan, huiji, caseworker, sheet = populate(args.rows)
        floor = enrol_floor(plan, huiji, args.rows)
        upload = SimpleUploadedFile("参保名单.xlsx", sheet)
        with harness.stopwatch() as clock:
            run = start_enrolment_import(
                plan, huiji, by=caseworker, upload=upload, mode="all_or_nothing"
            )
            run = run_enrolment_import(run)
        assert run.status == "done" and run.created == args.rows, (
            run.status, run.failure, run.shown_errors[:3], run.sheet_errors,
        )  # fmt: skip
        assert Enrolment.objects.filter(status="active").count() == args.rows
        harness.report("mutualaid_enrol_100k_seconds", clock["seconds"], "s", floor)
        count = received_claims(plan, caseworker)
        floor = adjudicate_floor()
        with harness.stopwatch() as clock:
            checked = check_received(by=caseworker)
        assert checked == count, (checked, count)
        assert not Claim.objects.filter(status="received").exists()
        harness.report("mutualaid_adjudicate_100k_seconds", clock["seconds"], "s", floor)


if __name__ == "__main__":
    main()
