"""Re-assessment after a city's 低保 standard changes, on 1,000,000 filed households.

Builds 1,000,000 workers, households and filed hardship files across 郑州's counties, set-based
(INSERT … SELECT, each table from the one before), raises 郑州's standard through the service,
then times the re-assessment as the page runs it: the dry-run count, then the chunked
set-based UPDATEs that recompute every proposed category and put families whose proposal no
longer matches their category on the review due list.

Figure: `reassess_1m_seconds`. Floor: the same computation as one bare SQL UPDATE statement
on the same rows. Target: ≤ 60 s on SQLite.

    .venv/bin/python bench/reassess.py [--rows N]                      # SQLite, var/bench_reassess.sqlite3
    createdb -h 127.0.0.1 -U postgres bench_reassess
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_reassess .venv/bin/python bench/reassess.py
"""

import datetime
import sys
import time

import harness

CITY = "410100"
OLD_DIBAO_FEN = 93_000  # the demo 郑州 standard (migration 0002)
NEW_DIBAO_FEN = 100_000


def _sequence_source(vendor: str, count: int) -> tuple[str, str]:
    """(prefix, FROM clause) producing n = 1..count."""
    count = int(count)
    if vendor == "postgresql":
        return "", f"generate_series(1, {count}) AS seq(n)"
    return (
        f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {count}) ",
        "seq",
    )


def insert_select(model, source: str, expressions: dict[str, str], *, prefix: str = "") -> None:
    """INSERT INTO model's table every concrete column: the given SQL expressions, else the
    field's default as a parameter (so the bench follows the model as it grows)."""
    from django.db import connection

    columns, values, value_params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in expressions:
            values.append(expressions[field.column])
        else:
            default = field.get_default()  # "" for text fields without one
            if default is None and not field.null:
                raise SystemExit(f"bench: no value for {model.__name__}.{field.column}")
            values.append("%s")
            value_params.append(field.get_db_prep_save(default, connection))
    sql = f"{prefix}INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {source}"
    with connection.cursor() as cursor:
        cursor.execute(sql, value_params)


def populate(total: int, vendor: str) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from nuanjia.hardship.models import HardshipFile
    from nuanjia.orgs.models import Org
    from nuanjia.orgs.services import load_union_tree
    from nuanjia.people.models import Household, Worker

    load_union_tree()
    counties = list(Org.objects.filter(parent__code=CITY, kind=Org.Kind.COUNTY).order_by("code"))
    org_case = (
        "CASE "
        + " ".join(
            f"WHEN {{n}} %% {len(counties)} = {i} THEN {org.pk}" for i, org in enumerate(counties)
        )
        + " END"
    )
    region_case = (
        "CASE "
        + " ".join(
            f"WHEN {{n}} %% {len(counties)} = {i} THEN '{org.region_code}'"
            for i, org in enumerate(counties)
        )
        + " END"
    )
    stamp = f"'{timezone.now().isoformat()}'" if vendor == "sqlite" else "now()"
    prefix, source = _sequence_source(vendor, total)
    concat = "||"
    with transaction.atomic():
        # Workers: name, pinyin, union and region by number; every other column its default.
        insert_select(
            Worker,
            source,
            {
                "org_id": org_case.format(n="n"),
                "name": f"'职工' {concat} CAST(n AS TEXT)",
                "name_pinyin": f"'zhigong' {concat} CAST(n AS TEXT)",
                "region_code": region_case.format(n="n"),
                "created_at": stamp,
                "updated_at": stamp,
            },
            prefix=prefix,
        )
        # One household per worker, in the worker's union and region.
        insert_select(
            Household,
            Worker._meta.db_table,
            {
                "org_id": "org_id",
                "worker_id": "id",
                "region_code": "region_code",
                "created_at": stamp,
                "updated_at": stamp,
            },
        )
        # One filed file per household; per-capita income spread below the old relative line
        # (0 – 1,859.99 元), decided with the old standard; 5% on 低保 with illness costs.
        income = "((id * 7919) %% 186000)"  # %% is a literal % beside query parameters
        deep = f"({income} <= {OLD_DIBAO_FEN} OR (id %% 20 = 0))"
        insert_select(
            HardshipFile,
            Household._meta.db_table,
            {
                "household_id": "id",
                "org_id": "org_id",
                "region_code": "region_code",
                "status": "'filed'",
                "per_capita_income_fen": income,
                "household_size": "1 + id %% 4",
                "dibao_fen": str(OLD_DIBAO_FEN),
                "is_on_dibao": "(id %% 20 = 0)",
                "has_special_costs": "(id %% 20 = 0)",
                "category_proposed": f"CASE WHEN {deep} THEN 'deep' ELSE 'relative' END",
                "category": f"CASE WHEN {deep} THEN 'deep' ELSE 'relative' END",
                "monthly_standard_fen": f"CASE WHEN {deep} THEN {OLD_DIBAO_FEN} ELSE {OLD_DIBAO_FEN * 8 // 12} END",
                "filed_on": "'2025-06-01'",
                "assessed_on": "'2025-05-20'",
                "next_review_on": "'2026-06-01'",
                "created_at": stamp,
                "updated_at": stamp,
            },
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def floor_update(dibao_fen: int, policy, due_on: datetime.date) -> int:
    """The same computation as one bare UPDATE: the rule as a CASE, over the same rows
    (selected the same way as the chunks select them)."""
    from django.db import connection

    from nuanjia.hardship import rules

    relative = rules.relative_limit_fen(dibao_fen, policy.relative_multiple)
    tiered = rules.tiered_limit_fen(dibao_fen, policy)
    category = (
        f"CASE WHEN per_capita_income_fen <= {dibao_fen} OR (is_on_dibao AND has_special_costs) THEN 'deep' "
        f"WHEN per_capita_income_fen < {relative} AND is_sudden THEN 'sudden' "
        f"WHEN per_capita_income_fen < {relative} THEN 'relative' ELSE '' END"
    )
    true, false = ("TRUE", "FALSE")
    sql = f"""
        UPDATE hardship_hardshipfile SET
            category_proposed = {category},
            is_tiered_help = CASE WHEN per_capita_income_fen >= {relative} AND per_capita_income_fen < {tiered} THEN {true} ELSE {false} END,
            review_reason = CASE WHEN category <> ({category}) THEN 'standard' ELSE review_reason END,
            next_review_on = CASE WHEN category <> ({category}) AND (next_review_on > %s OR next_review_on IS NULL) THEN %s ELSE next_review_on END,
            dibao_fen = {dibao_fen}
        WHERE substr(region_code, 1, 4) = '4101' AND status IN ('filed', 'under_review')
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [due_on, due_on])
        return cursor.rowcount


def settle(vendor: str) -> None:
    """Put the database in the same state before each timed run (WAL folded / dead rows gone)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            cursor.execute("VACUUM ANALYZE hardship_hardshipfile")


def main() -> None:
    args = harness.arguments(__doc__, default_rows=1_000_000)
    vendor = harness.setup("bench_reassess.sqlite3")
    from django.db import connection
    from django.utils import timezone

    from nuanjia.hardship import queries, services
    from nuanjia.hardship.models import BulkRun, HardshipFile
    from nuanjia.orgs.models import Org, RoleAssignment, Staff
    from nuanjia.standards.models import DibaoStandard
    from nuanjia.standards.services import save_regional_amount

    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE hardship_fileevent, hardship_objection, hardship_hardshipfile, hardship_bulkrun, people_householdmember, people_household, people_worker RESTART IDENTITY CASCADE"
            )
    started = time.perf_counter()
    populate(args.rows, vendor)
    print(
        f"# built {HardshipFile.objects.count():,} filed households on {vendor} in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
        flush=True,
    )

    reviewer, _created = Staff.objects.get_or_create(
        username="bench_city_reviewer", defaults={"org": Org.objects.get(code=CITY)}
    )
    RoleAssignment.objects.get_or_create(staff=reviewer, role="reviewer")
    reviewer = Staff.objects.get(pk=reviewer.pk)
    DibaoStandard.objects.filter(
        region_code=CITY, effective_on=timezone.localdate()
    ).delete()  # a re-run on PostgreSQL

    standard = save_regional_amount(
        DibaoStandard,
        by=reviewer,
        region_code=CITY,
        effective_on=timezone.localdate(),
        monthly_fen=NEW_DIBAO_FEN,
    )
    as_of = services.reassessment_as_of(standard)
    policy = queries.policy_for(CITY, as_of)

    # One untimed pass first: a freshly bulk-loaded table is packed tighter than a live one,
    # and whichever timed run came first would get that advantage.
    settle(vendor)
    floor_update(NEW_DIBAO_FEN, policy, as_of)
    settle(vendor)
    with harness.stopwatch() as floor_clock:
        floor_rows = floor_update(NEW_DIBAO_FEN, policy, as_of)
    settle(vendor)
    with harness.stopwatch() as clock:
        run = services.start_reassessment(standard, by=reviewer, as_of=as_of)
        run = services.run_reassessment(run)
    assert run.state == BulkRun.State.DONE and run.done == floor_rows == args.rows, (
        run.done,
        floor_rows,
    )
    flagged = HardshipFile.objects.filter(review_reason="standard").count()
    print(
        f"# dry-run count {run.total:,}; touched {run.done:,}; on the review list {flagged:,}; floor rows {floor_rows:,}",
        file=sys.stderr,
        flush=True,
    )
    harness.report("reassess_1m_seconds", clock["seconds"], "s", floor_clock["seconds"])


if __name__ == "__main__":
    main()
