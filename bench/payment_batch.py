"""A payment batch of 100,000 approved grants: built, its bank file exported, marked paid from
the bank's result file — through the relief services, as the batch screen runs them.

Setup (not timed): 100,000 惠济区 workers with encrypted bank accounts, and for each of them
two approved grants with their money reserved in the ledger — one from 送温暖资金 for the
services, one from 困难职工帮扶资金 for the floor, so both work on the same number of rows.

Timed: `build_batch` (lock the grants, one line each, status and history), `export_bank_file`
(CSV, the format banks' 代发 systems take, every account number decrypted, audited; the same
file as xlsx is timed beside and printed, not counted), then `import_bank_results` on the bank's
CSV saying 成功 for every line (checked, then each grant spent in the ledger through
funds.settle_many, status, line and history, all in one transaction).

Figure: `payment_batch_100k_seconds`. Floor: the same work in bare SQL and the csv module
(INSERT … SELECT the lines with their payees, UPDATE the grants, SELECT + decrypt + write the bank file as CSV,
read the result CSV, INSERT the spend transactions and entries, UPDATE grants, lines and the
account). Target: ≤ 30 s.

    .venv/bin/python bench/payment_batch.py [--rows N]            # SQLite, var/bench_payment_batch.sqlite3
    createdb -h 127.0.0.1 -U postgres bench_payment_batch
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_payment_batch .venv/bin/python bench/payment_batch.py
"""

import csv
import io
import tempfile

import harness

YUAN = 100


def populate(total: int):
    """Workers with bank accounts and two approved, reserved grants each; returns the actors."""
    from django.db import transaction

    from nuanjia.core.crypto import encrypt
    from nuanjia.funds import services as funds
    from nuanjia.funds.models import Bucket, Earmark, Transaction
    from nuanjia.orgs.models import Org, Staff
    from nuanjia.orgs.rules import Role
    from nuanjia.orgs.services import load_union_tree, set_roles
    from nuanjia.people.models import Worker
    from nuanjia.relief.models import Grant, GrantType

    load_union_tree()
    huiji = Org.objects.get(code="410108")
    staff = {}
    for username, role in (
        ("bench_caseworker", Role.CASEWORKER),
        ("bench_approver", Role.APPROVER),
        ("bench_finance", Role.FINANCE),
        ("bench_province_finance", Role.FINANCE),
    ):
        org = Org.objects.get(code="410000") if username == "bench_province_finance" else huiji
        person = Staff.objects.create(username=username, full_name=username, org=org)
        set_roles(person, {role}, by=None)
        staff[username] = Staff.objects.get(pk=person.pk)
    warmth = Earmark.objects.get(code="warmth")
    hardship = Earmark.objects.get(code="hardship")
    grant_type = GrantType.objects.get(code="warmth")
    with transaction.atomic():
        Worker.objects.bulk_create(
            (
                Worker(
                    org=huiji,
                    name=f"职工{n}",
                    name_pinyin=f"zhigong{n}",
                    region_code="410108",
                    bank_name="中国工商银行",
                    bank_account_encrypted=encrypt(f"6222{n:015d}"),
                    bank_account_masked=f"6222****{n % 10000:04d}",
                )
                for n in range(1, total + 1)
            ),
            batch_size=5000,
        )
        worker_ids = list(Worker.objects.order_by("pk").values_list("pk", flat=True))
        amount = lambda n: (500 + n % 2500) * YUAN  # noqa: E731 — 500 – 2,999 元
        for earmark in (warmth, hardship):
            Grant.objects.bulk_create(
                (
                    Grant(
                        worker_id=worker_id,
                        grant_type=grant_type,
                        earmark=earmark,
                        org=huiji,
                        region_code="410108",
                        amount_fen=amount(n),
                        reason="冬季送温暖",
                        status="approved",
                        year=2026,
                        proposed_on="2026-01-05",
                        approved_on="2026-01-06",
                        proposed_by=staff["bench_caseworker"],
                        approved_by=staff["bench_approver"],
                    )
                    for n, worker_id in enumerate(worker_ids)
                ),
                batch_size=5000,
            )
    province = Org.objects.get(code="410000")
    for earmark in (warmth, hardship):
        grants = list(
            Grant.objects.filter(earmark=earmark).order_by("pk").values_list("pk", "amount_fen")
        )
        need = sum(amount for _pk, amount in grants)
        funds.receive(huiji, earmark, need, source="本级经费", by=None)
        account = funds.account_for(huiji, earmark)
        funds.post_many(
            [
                funds.Posting(
                    kind=Transaction.Kind.RESERVE,
                    org=huiji,
                    earmark=earmark,
                    amount_fen=amount,
                    legs=[
                        funds.Leg(account, Bucket.AVAILABLE, -amount),
                        funds.Leg(account, Bucket.RESERVED, amount),
                    ],
                    source_type="relief.grant",
                    source_id=str(pk),
                )
                for pk, amount in grants
            ],
            by=None,
        )
    del province
    return huiji, warmth, hardship, staff["bench_finance"]


def services_run(org, earmark, finance) -> dict:
    """The timed work through the services; returns the seconds of each step."""
    from nuanjia.core.imports import SheetSource
    from nuanjia.relief import services

    times = {}
    with harness.stopwatch() as clock:
        batch = services.build_batch(org, earmark, by=finance)
    times["build"] = clock["seconds"]
    with tempfile.TemporaryFile() as bank_file, harness.stopwatch() as clock:
        lines = services.export_bank_file(batch, bank_file, by=finance, reason="代发", fmt="csv")
    times["export"] = clock["seconds"]
    assert lines == batch.line_count, (lines, batch.line_count)
    # The same file as xlsx (a second, audited export of the sent batch), reported beside.
    with tempfile.TemporaryFile() as bank_file, harness.stopwatch() as clock:
        services.export_bank_file(batch, bank_file, by=finance, reason="代发", fmt="xlsx")
    times["xlsx_export_not_counted"] = clock["seconds"]
    # The bank's answer (the bank's work, not timed): every reference 成功.
    references = batch.lines.order_by("pk").values_list("reference", flat=True)
    result = io.StringIO()
    writer = csv.writer(result)
    writer.writerow(["参考号", "结果", "原因"])
    writer.writerows((reference, "成功", "") for reference in references.iterator(chunk_size=10000))
    payload = result.getvalue().encode("utf-8")
    with harness.stopwatch() as clock:
        imported = services.import_bank_results(
            batch, SheetSource(io.BytesIO(payload), name="result.csv"), by=finance
        )
    times["results"] = clock["seconds"]
    assert imported.committed and imported.updated == batch.line_count, imported.counts()
    batch.refresh_from_db()
    assert batch.status == "settled" and batch.paid_count == batch.line_count
    return times


def floor_run(org, earmark) -> float:
    """The same work in bare SQL and the csv module, on the other earmark's grants."""
    from django.db import connection, transaction
    from django.utils import timezone

    from nuanjia.core.crypto import decrypt
    from nuanjia.funds.models import FundAccount

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    today = connection.ops.adapt_datefield_value(timezone.localdate())
    account = FundAccount.objects.get(org=org, earmark=earmark)
    with harness.stopwatch() as clock:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO relief_paymentbatch (org_id, earmark_id, source_type, payee_kind, "
                "status, note, line_count, total_fen, paid_count, paid_fen, failed_count, "
                "export_count, created_at, updated_at) VALUES (%s, %s, 'relief.grant', 'person', "
                "'draft', '', 0, 0, 0, 0, 0, 0, %s, %s)",
                [org.pk, earmark.pk, now, now],
            )
            cursor.execute("SELECT MAX(id) FROM relief_paymentbatch")
            batch_id = cursor.fetchone()[0]
            cursor.execute(
                "INSERT INTO relief_paymentline (batch_id, source_type, source_id, reference, "
                "amount_fen, payee_kind, payee_name, payee_account_encrypted, "
                "payee_account_masked, payee_bank, purpose, result, result_reason) "
                "SELECT %s, 'relief.grant', CAST(g.id AS TEXT), 'F' || CAST(g.id AS TEXT), "
                "g.amount_fen, 'person', w.name, w.bank_account_encrypted, w.bank_account_masked, "
                "w.bank_name, t.name, 'pending', '' FROM relief_grant g "
                "JOIN people_worker w ON w.id = g.worker_id "
                "JOIN relief_granttype t ON t.id = g.grant_type_id "
                "WHERE g.org_id = %s AND g.earmark_id = %s AND g.status = 'approved'",
                [batch_id, org.pk, earmark.pk],
            )
            cursor.execute(
                "UPDATE relief_grant SET status = 'batched', batch_id = %s WHERE org_id = %s AND "
                "earmark_id = %s AND status = 'approved'",
                [batch_id, org.pk, earmark.pk],
            )
        with tempfile.TemporaryFile("w+", newline="") as bank_file:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reference, payee_name, payee_account_encrypted, payee_bank, "
                    "amount_fen FROM relief_paymentline WHERE batch_id = %s ORDER BY id",
                    [batch_id],
                )
                writer = csv.writer(bank_file)
                while rows := cursor.fetchmany(10000):
                    writer.writerows(
                        (reference, name, decrypt(token), bank, f"{amount / 100:.2f}")
                        for reference, name, token, bank, amount in rows
                    )
            bank_file.seek(0)
            paid = [row[0] for row in csv.reader(bank_file)]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, source_id, amount_fen FROM relief_paymentline WHERE batch_id = %s",
                [batch_id],
            )
            lines = {
                f"F{grant_id}": (grant_id, amount) for _id, grant_id, amount in cursor.fetchall()
            }
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM funds_transaction")
            next_id = cursor.fetchone()[0] + 1
            transactions, entries, total = [], [], 0
            for offset, reference in enumerate(paid):
                grant_id, amount = lines[reference]
                tx_id = next_id + offset
                total += amount
                transactions.append(
                    (
                        tx_id,
                        "spend",
                        org.pk,
                        earmark.pk,
                        amount,
                        reference,
                        "relief.grant",
                        str(grant_id),
                        now,
                        today,
                    )
                )
                entries.append((tx_id, account.pk, "reserved", "", -amount))
                entries.append((tx_id, account.pk, "spent", "", amount))
            cursor.executemany(
                "INSERT INTO funds_transaction (id, kind, org_id, earmark_id, amount_fen, memo, "
                "source_type, source_id, created_at, posted_on) VALUES "
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                transactions,
            )
            cursor.executemany(
                "INSERT INTO funds_entry (transaction_id, account_id, bucket, counterparty, "
                "amount_fen) VALUES (%s, %s, %s, %s, %s)",
                entries,
            )
            cursor.execute(
                "UPDATE relief_grant SET status = 'paid', paid_on = %s WHERE batch_id = %s",
                [today, batch_id],
            )
            cursor.execute(
                "UPDATE relief_paymentline SET result = 'paid', settled_at = %s WHERE batch_id = %s",
                [now, batch_id],
            )
            cursor.execute(
                "UPDATE funds_fundaccount SET reserved_fen = reserved_fen - %s, spent_fen = "
                "spent_fen + %s WHERE id = %s",
                [total, total, account.pk],
            )
    return clock["seconds"]


def main() -> None:
    args = harness.arguments(__doc__, default_rows=100_000)
    vendor = harness.setup("bench_payment_batch.sqlite3")
    from django.db import connection

    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE relief_grantevent, relief_paymentline, relief_grant, relief_paymentbatch, "
                "funds_entry, funds_transaction, funds_fundaccount, people_worker CASCADE"
            )
    with harness.stopwatch() as setup_clock:
        org, warmth, hardship, finance = populate(args.rows)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"setup: {args.rows:,} workers, {2 * args.rows:,} reserved grants in {setup_clock['seconds']:.1f} s"
    )
    floor = floor_run(org, hardship)
    times = services_run(org, warmth, finance)
    xlsx = times.pop("xlsx_export_not_counted")
    total = sum(times.values())
    print(
        "steps: "
        + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in times.items())
        + f"; floor {floor:.2f} s; the bank file as xlsx instead of CSV: {xlsx:.2f} s"
    )
    name = (
        "payment_batch_100k_seconds"
        if args.rows == 100_000
        else f"payment_batch_{args.rows}_seconds"
    )
    harness.report(name, total, "s", floor)


if __name__ == "__main__":
    main()
