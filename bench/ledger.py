"""The fund ledger at province scale: 1,000,000 postings, then every city's balances.

Posts 1,000,000 transactions (2,000,000 entries) through `funds.services.post_many`, the
documented bulk path (same invariants as the per-transaction services, paid once per batch),
in batches of 50,000: money received at the province, allocated to a city and on to a
county, reserved and paid for grants there, some released, some returned upward, over all
eight earmarks. Then computes the balances of all 18 city subtrees by earmark through
`funds.queries.subtrees_by_earmark` (one aggregate over the account table).

Figures:
- `ledger_1m_post_seconds`: the posting. Floor: the same transaction and entry rows
  inserted by bare SQL executemany into the same tables (then removed again), same batches.
- `ledger_subtree_balances_seconds` (target ≤ 1 s): the 18 subtrees by earmark. Floor: the
  same figures by one bare SQL aggregate on the same rows.

    .venv/bin/python bench/ledger.py [--rows N]            # SQLite, var/bench_ledger.sqlite3
    createdb -h 127.0.0.1 -U postgres bench_ledger
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_ledger .venv/bin/python bench/ledger.py
"""

import datetime
import time

import harness

BATCH = 50_000
CYCLE = 10  # postings per cycle of the money's life (see `cycle`)


def settle(vendor: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            cursor.execute("VACUUM ANALYZE funds_transaction")
            cursor.execute("VACUUM ANALYZE funds_entry")


def plan():
    """The orgs and accounts the postings use: province, cities with counties, one county
    per (city, earmark) cycle step."""
    from nuanjia.funds import services
    from nuanjia.funds.models import Earmark
    from nuanjia.orgs.models import Org

    province = Org.objects.get(code="410000")
    cities = list(Org.objects.filter(parent=province, kind=Org.Kind.CITY).order_by("code"))
    counties = {
        city.pk: list(Org.objects.filter(parent=city, kind=Org.Kind.COUNTY).order_by("code"))
        for city in cities
    }
    active = [city for city in cities if counties[city.pk]]
    earmarks = list(Earmark.objects.order_by("sort_order"))
    accounts = {}
    for org in [province, *active, *[county for city in active for county in counties[city.pk]]]:
        for earmark in earmarks:
            accounts[(org.pk, earmark.pk)] = services.account_for(org, earmark)
    return province, cities, active, counties, earmarks, accounts


def cycle(i: int, province, active, counties, earmarks, accounts):
    """Ten postings, in an order that never overdraws: (kind, org, counterpart, earmark,
    amount, [(account or None, bucket, signed amount, counterparty)], source id)."""
    earmark = earmarks[i % len(earmarks)]
    city = active[(i // len(earmarks)) % len(active)]
    county_list = counties[city.pk]
    county = county_list[(i // (len(earmarks) * len(active))) % len(county_list)]
    top = accounts[(province.pk, earmark.pk)]
    middle = accounts[(city.pk, earmark.pk)]
    leaf = accounts[(county.pk, earmark.pk)]
    grant = 3 * i
    return [
        (
            "receive",
            province,
            None,
            earmark,
            1_000_000,
            [(top, "available", 1_000_000, ""), (None, "external", -1_000_000, "财政")],
            "",
        ),
        (
            "allocate",
            province,
            city,
            earmark,
            900_000,
            [(top, "available", -900_000, ""), (middle, "available", 900_000, "")],
            "",
        ),
        (
            "allocate",
            city,
            county,
            earmark,
            800_000,
            [(middle, "available", -800_000, ""), (leaf, "available", 800_000, "")],
            "",
        ),
        (
            "reserve",
            county,
            None,
            earmark,
            300_000,
            [(leaf, "available", -300_000, ""), (leaf, "reserved", 300_000, "")],
            str(grant),
        ),
        (
            "reserve",
            county,
            None,
            earmark,
            250_000,
            [(leaf, "available", -250_000, ""), (leaf, "reserved", 250_000, "")],
            str(grant + 1),
        ),
        (
            "spend",
            county,
            None,
            earmark,
            300_000,
            [(leaf, "reserved", -300_000, ""), (leaf, "spent", 300_000, "")],
            str(grant),
        ),
        (
            "spend",
            county,
            None,
            earmark,
            250_000,
            [(leaf, "reserved", -250_000, ""), (leaf, "spent", 250_000, "")],
            str(grant + 1),
        ),
        (
            "return",
            county,
            city,
            earmark,
            100_000,
            [(leaf, "available", -100_000, ""), (middle, "available", 100_000, "")],
            "",
        ),
        (
            "reserve",
            county,
            None,
            earmark,
            50_000,
            [(leaf, "available", -50_000, ""), (leaf, "reserved", 50_000, "")],
            str(grant + 2),
        ),
        (
            "release",
            county,
            None,
            earmark,
            50_000,
            [(leaf, "reserved", -50_000, ""), (leaf, "available", 50_000, "")],
            str(grant + 2),
        ),
    ]


def post_ours(total: int, context, by) -> float:
    """Generate the postings batch by batch and post each batch through post_many."""
    from nuanjia.funds.services import Leg, Posting, post_many

    today = datetime.date.today()
    started = time.perf_counter()
    posted = 0
    i = 0
    while posted < total:
        postings = []
        size = min(BATCH, total - posted)
        while len(postings) < size:
            for kind, org, counterpart, earmark, amount, legs, source in cycle(i, *context):
                postings.append(
                    Posting(
                        kind=kind,
                        org=org,
                        earmark=earmark,
                        amount_fen=amount,
                        legs=[Leg(*leg) for leg in legs],
                        counterpart_org=counterpart,
                        source_type="relief.grant" if source else "",
                        source_id=source,
                        posted_on=today,
                    )
                )
            i += 1
        postings = postings[:size]
        posted += post_many(postings, by=by, memo="bench")
    return time.perf_counter() - started


def clear_ledger() -> None:
    """Start from an empty ledger even on a database used before (DATABASE_URL given, a
    PostgreSQL re-run): no transactions or entries, every account at zero."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM funds_entry")
        cursor.execute("DELETE FROM funds_transaction")
        cursor.execute(
            "UPDATE funds_fundaccount SET available_fen = 0, reserved_fen = 0, spent_fen = 0"
        )


def floor_batch(i: int, size: int, ids, context, stamps) -> tuple[int, list, list]:
    """One batch of the floor's transaction and entry rows, from cycle i on: (next i, rows)."""
    now, today = stamps
    transactions, entries = [], []
    while len(transactions) < size:
        for kind, org, counterpart, earmark, amount, legs, source in cycle(i, *context):
            if len(transactions) == size:
                break
            transaction_id = next(ids)
            transactions.append(
                (
                    transaction_id,
                    kind,
                    org.pk,
                    counterpart.pk if counterpart else None,
                    earmark.pk,
                    amount,
                    "bench",
                    "relief.grant" if source else "",
                    source,
                    None,
                    None,
                    now,
                    today,
                )
            )
            for account, bucket, signed, counterparty in legs:
                entries.append(
                    (transaction_id, account.pk if account else None, bucket, counterparty, signed)
                )
        i += 1
    return i, transactions, entries


def post_floor(total: int, context) -> float:
    """The same rows, same batches, by bare executemany. Each batch takes its ids as post_many
    does (after the table's largest, or from PostgreSQL's sequence) inside its transaction,
    never assuming the table starts empty."""
    from django.db import connection, transaction
    from django.utils import timezone

    from nuanjia.funds.models import Transaction
    from nuanjia.funds.services import _ENTRY_COLUMNS, _TRANSACTION_COLUMNS, _reserve_ids

    stamps = (
        connection.ops.adapt_datetimefield_value(timezone.now()),
        connection.ops.adapt_datefield_value(datetime.date.today()),
    )
    transaction_sql = (
        f"INSERT INTO funds_transaction ({', '.join(_TRANSACTION_COLUMNS)}) "
        f"VALUES ({', '.join(['%s'] * len(_TRANSACTION_COLUMNS))})"
    )
    entry_sql = (
        f"INSERT INTO funds_entry ({', '.join(_ENTRY_COLUMNS)}) "
        f"VALUES ({', '.join(['%s'] * len(_ENTRY_COLUMNS))})"
    )
    started = time.perf_counter()
    posted = 0
    i = 0
    while posted < total:
        size = min(BATCH, total - posted)
        # On SQLite the transaction holds the write lock from its start (IMMEDIATE), so the
        # ids read here stay ours until the commit.
        with transaction.atomic(), connection.cursor() as cursor:
            ids = iter(_reserve_ids(Transaction, size))
            i, transactions, entries = floor_batch(i, size, ids, context, stamps)
            cursor.executemany(transaction_sql, transactions)
            cursor.executemany(entry_sql, entries)
        posted += size
    return time.perf_counter() - started


def floor_balances(cities) -> list:
    from django.db import connection

    arms = " ".join(
        f"WHEN o.path >= '{city.path}' AND o.path < '{city.path[:-1]}0' THEN {city.pk}"
        for city in cities
    )
    ranges = " OR ".join(
        f"(o.path >= '{city.path}' AND o.path < '{city.path[:-1]}0')" for city in cities
    )
    sql = (
        f"SELECT CASE {arms} END AS city_id, a.earmark_id, SUM(a.available_fen), "
        "SUM(a.reserved_fen), SUM(a.spent_fen) FROM funds_fundaccount a "
        f"JOIN orgs_org o ON o.id = a.org_id WHERE {ranges} GROUP BY 1, 2"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def main() -> None:
    args = harness.arguments(__doc__, default_rows=1_000_000)
    vendor = harness.setup("bench_ledger.sqlite3")

    from nuanjia.funds import checks, queries
    from nuanjia.orgs.models import Staff
    from nuanjia.orgs.rules import Role
    from nuanjia.orgs.services import load_union_tree, set_roles

    load_union_tree()
    province, cities, active, counties, earmarks, accounts = plan()
    context = (province, active, counties, earmarks, accounts)
    staff, _created = Staff.objects.get_or_create(
        username="bench_finance", defaults={"org": province, "full_name": "bench"}
    )
    set_roles(staff, {Role.FINANCE}, by=None)
    staff = Staff.objects.get(pk=staff.pk)

    clear_ledger()
    settle(vendor)
    floor_seconds = post_floor(args.rows, context)
    clear_ledger()  # the floor's rows go again; ours are what stays
    settle(vendor)
    ours_seconds = post_ours(args.rows, context, staff)
    harness.report("ledger_1m_post_seconds", ours_seconds, "s", floor_seconds)

    settle(vendor)
    with harness.stopwatch() as floor_clock:
        floor_rows = floor_balances(cities)
    with harness.stopwatch() as ours_clock:
        figures = queries.subtrees_by_earmark(cities)
    harness.report(
        "ledger_subtree_balances_seconds", ours_clock["seconds"], "s", floor_clock["seconds"]
    )
    ours = {key: (f.available_fen, f.reserved_fen, f.spent_fen) for key, f in figures.items()}
    floor = {(row[0], row[1]): tuple(int(value) for value in row[2:]) for row in floor_rows}
    assert ours == floor, "the two ways of summing disagree"
    with harness.stopwatch() as check_clock:
        found = checks.unbalanced_transaction() or checks.account_off_its_entries()
    assert found is None, found
    print(f"# nuanjia funds check on the bench ledger: OK in {check_clock['seconds']:.1f} s")


if __name__ == "__main__":
    main()
