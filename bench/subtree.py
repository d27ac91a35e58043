"""Subtree reads on the union tree: a city union's grassroots unions among 100,000.

Figures: `org_subtree_count_ms` (count of a city's subtree through visible_orgs) and
`org_subtree_page_ms` (first page of 50 of it, ordered by path), each p95 over repeated
calls, against bare SQL on the same rows as the floor.
"""

import random

import harness


def populate(total: int) -> None:
    from django.db import transaction

    from nuanjia.orgs.models import Org
    from nuanjia.orgs.services import load_union_tree

    load_union_tree()
    counties = list(Org.objects.filter(kind=Org.Kind.COUNTY))
    rows = []
    for n in range(total):
        county = counties[n % len(counties)]
        code = f"{county.region_code}-{n // len(counties) + 1:04d}"
        rows.append(
            Org(
                code=code,
                name=f"基层工会{n}",
                kind=Org.Kind.ENTERPRISE,
                parent=county,
                region_code=county.region_code,
                path=f"{county.path}{code}/",
                depth=county.depth + 1,
            )
        )
    with transaction.atomic():
        Org.objects.bulk_create(rows, batch_size=5000)


def main() -> None:
    args = harness.arguments(__doc__, default_rows=100_000)
    harness.setup("bench_subtree.sqlite3")
    from django.db import connection

    from nuanjia.orgs.models import Org, Staff
    from nuanjia.orgs.queries import visible_orgs

    populate(args.rows)
    cities = list(Org.objects.filter(kind=Org.Kind.CITY))
    users = [Staff(org=city) for city in cities]
    for user in users:
        user.__dict__["roles"] = frozenset({"leader"})

    def count_ours(i):
        return visible_orgs(users[i % len(users)]).count()

    def page_ours(i):
        return list(
            visible_orgs(users[i % len(users)]).order_by("path").values_list("code", "name")[:50]
        )

    def count_floor(i):
        with connection.cursor() as cursor:
            path = cities[i % len(cities)].path
            cursor.execute(
                "SELECT COUNT(*) FROM orgs_org WHERE path >= %s AND path < %s",
                [path, path[:-1] + "0"],
            )
            return cursor.fetchone()

    def page_floor(i):
        with connection.cursor() as cursor:
            path = cities[i % len(cities)].path
            cursor.execute(
                "SELECT code, name FROM orgs_org WHERE path >= %s AND path < %s ORDER BY path LIMIT 50",
                [path, path[:-1] + "0"],
            )
            return cursor.fetchall()

    random.seed(7)
    repeats = 200
    harness.report(
        "org_subtree_count_ms",
        harness.p95_ms(count_ours, repeats),
        "ms",
        harness.p95_ms(count_floor, repeats),
    )
    harness.report(
        "org_subtree_page_ms",
        harness.p95_ms(page_ours, repeats),
        "ms",
        harness.p95_ms(page_floor, repeats),
    )


if __name__ == "__main__":
    main()
