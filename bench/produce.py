"""Consumption-help figures over 1,000,000 order lines.

The lines are bulk-generated straight into produce_orderline (COPY on PostgreSQL,
executemany on SQLite with the secondary indexes dropped during the load): the Henan union
tree, one producer with one product in each of 100 counties, 2,000 orders of the city
unions, 1,000,000 lines spread over the 18 cities, the 100 counties of origin and the 12
months of 2026, ~90 % received (they count) and ~70 % paid.

Figure:
- produce_rollup_1m_seconds: produce.figures.figures(None, ["city", "county", "month"]) —
  斤 received and 元 paid to producers by the buying union's city, the county of origin and
  the month (with the gift bags' and the destinations' GROUP BYs, empty here), best of 3.
  Floor: one bare `SELECT city, county, month, SUM(grams), SUM(CASE WHEN paid …) FROM
  produce_orderline WHERE arrived GROUP BY 1, 2, 3`, best of 3. Target ≤ 10 s.

    .venv/bin/python bench/produce.py [--rows 1000000]        # var/bench_produce.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hNN .venv/bin/python bench/produce.py
"""

import datetime
import random
import sys

import harness
from campaigns import _drop_indexes, load

ORDERS = 2000
COUNTIES = 100
REPEATS = 3
TARGET_SECONDS = 10


def clear() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE produce_orderline, produce_helporder, produce_product, "
                "produce_producer RESTART IDENTITY CASCADE"
            )


def populate(total: int) -> None:
    from django.db import connection, transaction

    from nuanjia.funds.models import Earmark
    from nuanjia.orgs.models import Org
    from nuanjia.orgs.services import load_union_tree
    from nuanjia.produce.models import HelpOrder, Producer, Product

    load_union_tree()
    cities = list(Org.objects.filter(kind=Org.Kind.CITY).order_by("code"))
    counties = list(
        Org.objects.filter(kind=Org.Kind.COUNTY)
        .order_by("code")
        .values_list("region_code", flat=True)
    )[:COUNTIES]
    earmark = Earmark.objects.get(code="warmth")
    products = []
    for county in counties:
        producer = Producer.objects.create(
            org=cities[0], kind="cooperative", name=f"合作社{county}", region_code=county
        )
        products.append(
            Product.objects.create(
                producer=producer, name="白菜", unit="jin", grams=500, price_fen=40
            )
        )
    orders = HelpOrder.objects.bulk_create(
        HelpOrder(
            org=cities[n % len(cities)], producer=products[n % len(products)].producer,
            earmark=earmark, ordered_on=datetime.date(2026, 1 + n % 12, 1), status="paid",
        )
        for n in range(ORDERS)
    )  # fmt: skip
    rng = random.Random(17)
    columns = ["order_id", "product_id", "units", "price_fen", "grams", "amount_fen", "org_id",
               "city", "county", "month", "arrived", "paid"]  # fmt: skip

    def rows():
        for _n in range(total):
            order = orders[rng.randrange(ORDERS)]
            product = products[rng.randrange(len(products))]
            units = rng.randrange(1, 5000)
            arrived = rng.random() < 0.9
            yield (
                order.pk, product.pk, units, 40, units * 500, units * 40, order.org_id,
                order.org.region_code, product.producer.region_code,
                datetime.date(2026, rng.randrange(1, 13), 1), arrived,
                arrived and rng.random() < 0.78,
            )  # fmt: skip

    with transaction.atomic(), connection.cursor() as cursor:
        indexes = _drop_indexes(cursor, ("produce_orderline",))
        load(cursor, "produce_orderline", columns, rows())
        for sql in indexes:
            cursor.execute(sql)
        cursor.execute("ANALYZE")


def best(fn) -> float:
    times = []
    for _ in range(REPEATS):
        with harness.stopwatch() as clock:
            fn()
        times.append(clock["seconds"])
    return min(times)


def floor() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT city, county, month, SUM(grams), SUM(CASE WHEN paid THEN amount_fen END) "
            "FROM produce_orderline WHERE arrived GROUP BY 1, 2, 3"
        )
        cursor.fetchall()


def main() -> int:
    args = harness.arguments(__doc__.splitlines()[0], 1_000_000)
    harness.setup("bench_produce.sqlite3")
    clear()
    with harness.stopwatch() as loading:
        populate(args.rows)
    print(f"loaded {args.rows:,} order lines in {loading['seconds']:.1f} s", flush=True)
    from nuanjia.produce import figures

    found = figures.figures(None, ["city", "county", "month"])
    from django.db.models import Sum

    from nuanjia.produce.models import OrderLine

    expected = OrderLine.objects.filter(arrived=True).aggregate(g=Sum("grams"))["g"]
    if sum(f.grams for f in found) != expected:
        print("the roll-up does not equal its rows", file=sys.stderr)
        return 1
    ours = best(lambda: figures.figures(None, ["city", "county", "month"]))
    bare = best(floor)
    harness.report("produce_rollup_1m_seconds", ours, "s", bare)
    return 0 if ours <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
