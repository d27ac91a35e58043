"""Importing the worker registry at province scale: 1,000,000 rows of CSV, about 1% of them bad.

The sheet has every column of the worker template (synthetic people with valid Henan ID
numbers, phones, employers with credit codes, occupations, grassroots unions, bank accounts);
about 1% of its rows are wrong on purpose: a wrong check character, an impossible birth date,
a bad phone number, an ID number repeated from an earlier row. It is imported by the
province's caseworker in valid-rows mode with the CLI, `nuanjia import workers FILE --org
410000 --mode valid_rows --as …`, in a process of its own as an operator runs it (the same
engine as the page's task, checking processes on), error sheet included; its wall time,
Django's start-up included, is the figure.

Figures:
- import_workers_1m_seconds: wall time of the import (s), against the floor's time;
- import_workers_rows_per_s: rows of the file per second, against the floor's rows per second;
- import_workers_ratio: our rows/s ÷ the floor's rows/s;
- import_workers_peak_rss_mb: peak resident memory of the import: the `nuanjia import` process and its
  checking processes together, sampled every 0.2 s as the sum of their proportional set
  sizes (Pss, /proc/<pid>/smaps_rollup), so pages the forked children share with this
  process count once. For reference the run also prints the largest process's peak RSS
  (resource.getrusage ru_maxrss of the children; a forked child's includes what it shares).

The floor is a plain `executemany` of the same worker rows (read back from people_worker
after the import, ids and encrypted values included) into an equivalent table on the same
database: the same columns and the same indexes and unique constraint, without foreign keys,
in one transaction; only the executemany and the commit are timed. For reference the run also
prints, as a comment, the same executemany into a table without any index.
"""

import csv
import datetime
import random
import resource
import sys
import time
from pathlib import Path

import harness

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彩春菊凤洁梅琳素云莲真环雪荣爱妹香月莺媛瑞凡佳嘉琼勤珍贞莉娣叶璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思鹏浩宇轩博文俊国建志"
TAGS = [
    "环卫工人",
    "快递员",
    "外卖配送员",
    "网约车司机",
    "货车司机",
    "农民工",
    "建筑工人",
    "技术工人",
    "户外劳动者",
]
BANKS = ["中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "邮政储蓄银行", "郑州银行"]
HEADER = ["姓名", "身份证号", "手机号", "住址", "工作单位", "统一社会信用代码", "职业标签", "所属工会代码", "入会日期", "会员卡号", "开户银行", "银行账号"]  # fmt: skip
GRASSROOTS_UNIONS = 600
EMPLOYERS = 5000
BAD_EVERY = 100  # one row in a hundred is wrong, in one of four ways
START = datetime.date(1960, 1, 1)
DAYS = 15_000  # birth dates spread over 41 years; (day, sequence) is unique per row
JOINED_FROM = datetime.date(2005, 1, 1)  # joined the union over the 16 years after


def counties() -> list[tuple[str, str, str]]:
    from nuanjia.orgs.services import DIVISIONS_CSV

    with open(DIVISIONS_CSV, encoding="utf-8") as handle:
        return [
            (row["code"], row["name"], row["city_name"])
            for row in csv.DictReader(handle)
            if row["kind"] not in ("province", "city")
        ]


def credit_code(serial: int) -> str:
    from nuanjia.core.codes import credit_code_check_char

    first17 = f"91410100MA{serial:07d}"
    return first17 + credit_code_check_char(first17)


def id_number(region: str, day: datetime.date, sequence: int, *, check: bool = True) -> str:
    from nuanjia.core.idnumbers import id_check_char

    first17 = f"{region}{day:%Y%m%d}{sequence:03d}"
    return first17 + (id_check_char(first17) if check else "")


def write_sheet(path: Path, rows: int, unions: list[str]) -> dict[str, int]:
    """The CSV: valid rows, with one in BAD_EVERY broken in one of four ways."""
    from nuanjia.core.idnumbers import id_check_char

    rng = random.Random(20261129)
    places = counties()
    employers = [(f"河南某某{n}有限公司", credit_code(n)) for n in range(EMPLOYERS)]
    bad = {"check_char": 0, "birth_date": 0, "phone": 0, "repeat": 0}
    recent: list[str] = []
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for n in range(rows):
            region, county, city = places[rng.randrange(len(places))]
            day = START + datetime.timedelta(days=n % DAYS)
            number = id_number(region, day, n // DAYS)
            phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
            if n % BAD_EVERY == BAD_EVERY - 1 and recent:
                kind = list(bad)[(n // BAD_EVERY) % 4]
                bad[kind] += 1
                if kind == "check_char":
                    wrong = "0123456789X".replace(number[-1], "")
                    number = number[:-1] + wrong[n % len(wrong)]
                elif kind == "birth_date":
                    first17 = f"{region}{day.year}0230{n // DAYS:03d}"  # 30 February
                    number = first17 + id_check_char(first17)
                elif kind == "phone":
                    phone = phone[:7]
                else:
                    number = recent[rng.randrange(len(recent))]
            else:
                recent = [*recent[-63:], number]
            employer, code = employers[rng.randrange(EMPLOYERS)]
            has_union = rng.random() < 0.7
            out.writerow(
                [
                    rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2)))),
                    number,
                    phone,
                    f"河南省{city}{county}建设路{rng.randrange(1, 999)}号",
                    employer if rng.random() < 0.8 else "",
                    code if rng.random() < 0.5 else "",
                    "、".join(rng.sample(TAGS, rng.choice((0, 1, 1, 2)))),
                    unions[rng.randrange(len(unions))] if has_union else "",
                    (JOINED_FROM + datetime.timedelta(days=n % 6000)).isoformat()
                    if has_union
                    else "",
                    f"HN{n:010d}" if has_union else "",
                    rng.choice(BANKS),
                    f"6222{rng.randrange(10**15):015d}",
                ]
            )
    return bad


def in_child_process(function, *args):
    """Run `function` in a forked child and return its result, so that making a million rows
    does not count in this process's peak memory (the import's)."""
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(1) as pool:
        return pool.apply(function, args)


def populate() -> tuple[object, object, list[str]]:
    """The Henan union tree, GRASSROOTS_UNIONS enterprise unions across its counties, and a
    caseworker of the province federation."""
    from django.db import transaction

    from nuanjia.orgs.models import Org, RoleAssignment, Staff
    from nuanjia.orgs.rules import Role
    from nuanjia.orgs.services import load_union_tree

    load_union_tree()
    province = Org.objects.get(code="410000")
    county_orgs = list(Org.objects.filter(kind=Org.Kind.COUNTY).order_by("code"))
    unions = []
    for n in range(GRASSROOTS_UNIONS):
        county = county_orgs[n % len(county_orgs)]
        code = f"{county.region_code}-B{n:04d}"
        unions.append(
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
        Org.objects.bulk_create(unions, ignore_conflicts=True)
        staff, _created = Staff.objects.get_or_create(
            username="bench_importer", defaults={"org": province, "full_name": "导入测试"}
        )
        RoleAssignment.objects.get_or_create(staff=staff, role=Role.CASEWORKER)
    return province, Staff.objects.get(pk=staff.pk), [union.code for union in unions]


def clear_registry() -> None:
    """PostgreSQL keeps its database between runs: empty what the import writes."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE people_workernamekey, people_worker_occupations, people_importrowerror, "
            "people_worker, people_employer, people_importbatch RESTART IDENTITY CASCADE"
        )
        cursor.execute("DROP TABLE IF EXISTS bench_floor_worker, bench_floor_bare")


def equivalent_table(name: str, *, indexes: bool) -> None:
    """A table with people_worker's columns (and, with `indexes`, its indexes), no foreign keys."""
    import re

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        if connection.vendor == "postgresql":
            including = " INCLUDING INDEXES" if indexes else ""
            cursor.execute(
                f"CREATE TABLE {name} (LIKE people_worker INCLUDING DEFAULTS{including})"
            )
            return
        cursor.execute(
            "SELECT type, sql FROM sqlite_master WHERE tbl_name = 'people_worker' AND sql IS NOT NULL"
        )
        statements = cursor.fetchall()
        for kind, sql in sorted(statements, key=lambda item: item[0] != "table"):
            if kind == "index" and not indexes:
                continue
            sql = re.sub(r'REFERENCES "\w+" \("\w+"\)( DEFERRABLE INITIALLY DEFERRED)?', "", sql)
            sql = sql.replace('"people_worker"', f'"{name}"')
            sql = re.sub(r'INDEX "(\w+)"', rf'INDEX "{name}_\1"', sql)
            cursor.execute(sql)


def floor_seconds(name: str) -> tuple[float, int]:
    """Time an executemany of people_worker's rows into `name`, in one transaction."""
    from django.db import connection, transaction

    from nuanjia.people.models import Worker

    columns = [field.column for field in Worker._meta.concrete_fields]
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    insert = f"INSERT INTO {name} ({quoted}) VALUES ({', '.join(['%s'] * len(columns))})"
    select = f"SELECT {quoted} FROM people_worker WHERE id > %s ORDER BY id LIMIT 10000"
    spent, written, last = 0.0, 0, 0
    with transaction.atomic(), connection.cursor() as reader, connection.cursor() as writer:
        while True:
            reader.execute(select, [last])
            rows = reader.fetchall()
            if not rows:
                break
            last = rows[-1][0]
            start = time.perf_counter()
            writer.executemany(insert, rows)
            spent += time.perf_counter() - start
            written += len(rows)
        start = time.perf_counter()
    spent += time.perf_counter() - start  # the commit
    return spent, written


class MemorySampler:
    """Peak of the summed Pss of a process and its children, sampled in a thread."""

    def __init__(self, *, root: int, every: float = 0.2):
        import threading

        self.pid, self.every, self.peak_kb = root, every, 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopped.set()
        self.thread.join()
        return False

    def _run(self) -> None:
        while not self.stopped.wait(self.every):
            self.peak_kb = max(self.peak_kb, sum(map(pss_kb, [self.pid, *children(self.pid)])))


def children(pid: int) -> list[int]:
    import os

    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def import_with_the_cli(sheet: Path, errors: Path) -> tuple[float, float, str]:
    """Run `nuanjia import workers` on the sheet as the province's caseworker, in valid-rows
    mode, in a process of its own as an operator would: (seconds, peak Pss MB of it and its
    checking processes, its output)."""
    import os
    import subprocess

    command = [
        sys.executable, "-m", "nuanjia.cli", "import", "workers", str(sheet),
        "--org", "410000", "--as", "bench_importer", "--mode", "valid_rows",
        "--errors", str(errors),
    ]  # fmt: skip
    environment = {**os.environ, "NUANJIA_LOG_LEVEL": "INFO"}
    with harness.stopwatch() as clock:
        process = subprocess.Popen(
            command,
            cwd=harness.ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        with MemorySampler(root=process.pid) as memory:
            output, _unused = process.communicate()
    if process.returncode:
        raise SystemExit(f"the import failed ({process.returncode}):\n{output}")
    return clock["seconds"], memory.peak_kb / 1024, output


def main() -> None:
    args = harness.arguments(__doc__, default_rows=1_000_000)
    vendor = harness.setup("bench_import.sqlite3")
    from django.conf import settings

    from nuanjia.people.models import ImportBatch, Worker

    clear_registry()
    _province, _importer, unions = populate()
    sheet = Path(settings.VAR_DIR) / "bench_import_workers.csv"
    with harness.stopwatch() as clock:
        bad = in_child_process(write_sheet, sheet, args.rows, unions)
    print(
        f"# {vendor}: wrote {args.rows:,} rows ({sheet.stat().st_size / 2**20:.0f} MB) in "
        f"{clock['seconds']:.1f} s; bad rows: {bad}",
        flush=True,
    )

    seconds, peak, output = import_with_the_cli(sheet, sheet.with_suffix(".errors.xlsx"))
    for line in output.splitlines():
        if "已检查" not in line:  # the progress lines; the steps and the summary are kept
            print(f"#   {line}")
    batch = ImportBatch.objects.latest("pk")
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"# import: {batch.status}, {batch.total:,} rows read, {batch.created:,} created, "
        f"{batch.errors:,} rows with errors; the largest process's peak RSS (ru_maxrss) "
        f"{rss:.0f} MB",
        flush=True,
    )
    assert batch.status == ImportBatch.Status.DONE, batch.sheet_errors
    assert Worker.objects.count() == batch.created

    equivalent_table("bench_floor_worker", indexes=True)
    floor, written = floor_seconds("bench_floor_worker")
    equivalent_table("bench_floor_bare", indexes=False)
    bare, _written = floor_seconds("bench_floor_bare")
    print(
        f"# floor: {written:,} rows in {floor:.2f} s with people_worker's indexes; "
        f"{bare:.2f} s into a table without indexes (ratio against that: "
        f"{(args.rows / seconds) / (written / bare):.3f})",
        flush=True,
    )
    rate, floor_rate = args.rows / seconds, written / floor
    harness.report("import_workers_1m_seconds", seconds, "s", floor)
    harness.report("import_workers_rows_per_s", rate, "rows/s", floor_rate)
    harness.report("import_workers_ratio", rate / floor_rate, "ratio")
    harness.report("import_workers_peak_rss_mb", peak, "MB")


if __name__ == "__main__":
    sys.exit(main())
