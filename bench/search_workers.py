"""Finding a worker among 1,000,000: by the full ID number, and by name, pinyin or initials.

The registry is bulk-generated straight into the tables (valid Henan ID numbers with their
real blind indexes and encrypted tokens, pinyin keys and name suffix keys as the services
write them), spread over the grassroots unions of every Henan county.

Figures, each the p95 over repeated calls, against a floor of bare SQL on the same indexes:
- id_lookup_p95_ms: people.queries.find_worker_by_id_number (normalize, blind index, one
  indexed query), the de-duplication look-up every registration and import row depends on;
  floor: SELECT by the precomputed blind index.
- name_search_p95_ms: the worker list's search as the province's caseworker runs it
  (people.queries.search_workers: scoped, name contains / pinyin / initials prefix), first
  page of PAGE_SIZE in the list's order; queries are real names, given names, full pinyin and
  initials of registered workers. Floor: the same index ranges in bare SQL, unscoped.
"""

import datetime
import random
import sys
import time

import harness

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彩春菊凤洁梅琳素云莲真环雪荣爱妹香月莺媛瑞凡佳嘉琼勤珍贞莉娣叶璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思鹏浩宇轩博文俊国建志"
UNIONS = 2000
PAGE_SIZE = 50  # the worker list's page
START = datetime.date(1960, 1, 1)
DAYS = 15_000


def populate(total: int) -> list[tuple[str, str]]:
    """Unions, then `total` workers and their name keys; returns (ID number, name) samples."""
    from django.db import connection, transaction
    from django.utils import timezone

    from nuanjia.core.crypto import PURPOSE_ID_NUMBER, field_keyring
    from nuanjia.core.idnumbers import id_check_char
    from nuanjia.core.masking import mask_id_number
    from nuanjia.core.pinyin import name_search_keys
    from nuanjia.core.sealed_phones import seal_phone
    from nuanjia.orgs.models import Org
    from nuanjia.orgs.services import load_union_tree
    from nuanjia.people.models import Worker
    from nuanjia.people.rules import name_keys

    load_union_tree()
    counties = list(Org.objects.filter(kind=Org.Kind.COUNTY).order_by("code"))
    Org.objects.bulk_create(
        [
            Org(
                code=f"{county.region_code}-S{n:04d}",
                name=f"基层工会{n}",
                kind=Org.Kind.ENTERPRISE,
                parent=county,
                region_code=county.region_code,
                path=f"{county.path}{county.region_code}-S{n:04d}/",
                depth=county.depth + 1,
            )
            for n, county in ((n, counties[n % len(counties)]) for n in range(UNIONS))
        ],
        ignore_conflicts=True,
    )
    unions = list(Org.objects.filter(code__contains="-S").values_list("pk", "region_code"))
    keyring = field_keyring()
    index = keyring.index_hmac(PURPOSE_ID_NUMBER)
    rng = random.Random(7)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    columns = [field.column for field in Worker._meta.concrete_fields if field.column != "id"]
    samples: list[tuple[str, str]] = []

    def rows():
        for n in range(total):
            union_id, region = unions[n % len(unions)]
            day = START + datetime.timedelta(days=n % DAYS)
            first17 = f"{region}{day:%Y%m%d}{n // DAYS:03d}"
            number = first17 + id_check_char(first17)
            name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))
            pinyin, initials = name_search_keys(name)
            digest = index.copy()
            digest.update(number.encode())
            if n % (total // 1000 or 1) == 0:
                samples.append((number, name))
            values = {
                "org_id": union_id,
                "name": name,
                "name_pinyin": pinyin,
                "name_initials": initials,
                "gender": "male" if int(number[16]) % 2 else "female",
                "birth_date": day.isoformat(),
                "id_number_encrypted": keyring.encrypt(number),
                "id_number_index": digest.hexdigest(),
                "id_number_masked": mask_id_number(number),
                "id_last4": number[-4:],
                **seal_phone(
                    f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}", keyring
                ).columns("phone"),
                "address": "",
                "region_code": region,
                "member_card_number": "",
                "bank_name": "",
                "bank_account_encrypted": "",
                "bank_account_index": "",
                "bank_account_masked": "",
                "created_at": now,
                "updated_at": now,
            }
            yield [values.get(column) for column in columns]

    keys: list[tuple[int, str]] = []

    def workers_and_keys():
        # The tables start empty, so the n-th worker gets id n + 1 (SQLite and PostgreSQL).
        for n, values in enumerate(rows()):
            keys.extend((n + 1, key) for key in name_keys(values[columns.index("name")]))
            yield values

    with transaction.atomic(), connection.cursor() as cursor:
        indexes = _drop_indexes(cursor)
        load(cursor, "people_worker", columns, workers_and_keys(), keys_out=keys)
        for sql in indexes:
            cursor.execute(sql)
        cursor.execute("ANALYZE")
    return samples


def load(cursor, table: str, columns: list[str], rows, *, keys_out: list) -> None:
    """COPY (PostgreSQL) or executemany (SQLite) in batches; name keys follow each batch."""
    from django.db import connection

    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
    key_insert = 'INSERT INTO people_workernamekey (worker_id, "key") VALUES (%s, %s)'
    batch: list = []

    def flush():
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for values in batch:
                    copy.write_row(values)
            with cursor.cursor.copy(
                'COPY people_workernamekey (worker_id, "key") FROM STDIN'
            ) as copy:
                for values in keys_out:
                    copy.write_row(values)
        else:
            cursor.executemany(insert, batch)
            cursor.executemany(key_insert, keys_out)
        batch.clear()
        keys_out.clear()

    for values in rows:
        batch.append(values)
        if len(batch) == 20_000:
            flush()
    flush()


def _drop_indexes(cursor) -> list[str]:
    """SQLite: drop the secondary indexes for the load and return their definitions."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return []
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name IN ('people_worker', 'people_workernamekey')"
    )
    found = cursor.fetchall()
    for name, _sql in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]


def clear() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE people_workernamekey, people_worker_occupations, people_worker "
                "RESTART IDENTITY CASCADE"
            )


def main() -> None:
    args = harness.arguments(__doc__, default_rows=1_000_000)
    vendor = harness.setup("bench_search.sqlite3")
    clear()
    with harness.stopwatch() as clock:
        samples = populate(args.rows)
    print(f"# {vendor}: {args.rows:,} workers generated in {clock['seconds']:.0f} s", flush=True)
    measure(samples, names=("id_lookup_p95_ms", "name_search_p95_ms"))


def measure(samples: list[tuple[str, str]], *, names: tuple[str, str]) -> None:
    """Time the ID look-up and the name search on the sampled workers; print the two figures
    under `names` (the look-up's, the search's)."""
    from django.db import connection

    from nuanjia.core.crypto import PURPOSE_ID_NUMBER, blind_index
    from nuanjia.orgs.models import Org, Staff
    from nuanjia.people import rules
    from nuanjia.people.queries import find_worker_by_id_number, search_workers

    province = Staff(org=Org.objects.get(code="410000"), username="bench_searcher")
    province.__dict__["roles"] = frozenset({"caseworker"})
    province.is_active = True
    rng = random.Random(11)
    numbers = [number for number, _name in samples]
    indexes = [blind_index(number, purpose=PURPOSE_ID_NUMBER) for number in numbers]

    def lookup(i):
        worker = find_worker_by_id_number(numbers[i % len(numbers)])
        assert worker is not None

    def lookup_floor(i):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, name, org_id FROM people_worker "
                "WHERE id_number_index = %s AND NOT (id_number_index = '')",
                [indexes[i % len(indexes)]],
            )
            assert cursor.fetchone() is not None

    from nuanjia.core.pinyin import name_search_keys

    texts = []
    for _number, name in samples:
        pinyin, initials = name_search_keys(name)
        texts += [name, name[1:], pinyin, initials]
    rng.shuffle(texts)

    def search(i):
        text = texts[i % len(texts)]
        list(search_workers(province, text).order_by("name_pinyin", "pk")[:PAGE_SIZE])

    def search_floor(i):
        plan = rules.search_plan(texts[i % len(texts)])
        with connection.cursor() as cursor:
            if plan.pinyin_prefix:
                low, high = rules.prefix_bounds(plan.pinyin_prefix)
                cursor.execute(
                    "SELECT id, name FROM people_worker WHERE id IN ("
                    " SELECT id FROM people_worker WHERE name_pinyin >= %s AND name_pinyin < %s"
                    " UNION SELECT id FROM people_worker WHERE name_initials >= %s AND name_initials < %s"
                    " UNION SELECT worker_id FROM people_workernamekey WHERE key >= %s AND key < %s)"
                    " ORDER BY name_pinyin, id LIMIT %s",
                    [low, high, low, high, low, high, PAGE_SIZE],
                )
            else:
                low, high = rules.prefix_bounds(plan.name_contains)
                cursor.execute(
                    "SELECT id, name FROM people_worker WHERE id IN ("
                    " SELECT worker_id FROM people_workernamekey WHERE key >= %s AND key < %s)"
                    " ORDER BY name_pinyin, id LIMIT %s",
                    [low, high, PAGE_SIZE],
                )
            cursor.fetchall()

    for fn in (lookup, lookup_floor, search, search_floor):  # warm the caches alike
        for i in range(50):
            fn(i)
    repeats = 200
    harness.report(
        names[0],
        harness.p95_ms(lookup, repeats),
        "ms",
        harness.p95_ms(lookup_floor, repeats),
    )
    started = time.perf_counter()
    ours = harness.p95_ms(search, repeats)
    print(f"# {repeats} searches in {time.perf_counter() - started:.1f} s", flush=True)
    harness.report(names[1], ours, "ms", harness.p95_ms(search_floor, repeats))


if __name__ == "__main__":
    sys.exit(main())
