"""Campaigns on a registry of 1,000,000 workers: previewing who is eligible, and enrolling them.

The registry is bulk-generated straight into the tables as bench/search_workers.py does (COPY
on PostgreSQL, executemany on SQLite with the secondary indexes dropped during the load):
the Henan union tree with 2,000 grassroots unions over its counties, workers born 1960–2005,
both genders, ~60 % union members (with the day they joined), ~30 % with occupation tags
(环卫工人, 快递员, 外卖配送员, 网约车司机…; couriers, riders and drivers also 新就业形态), ~1 %
with an honour (劳动模范, 五一劳动奖章…). The campaign is open, led by the province; its
activity starts with an empty list.

Figures:
- campaign_preview_1m_ms: p95 over 20 previews, each of a different rule (people.eligibility
  JSON: occupations, new-form worker, honours, age, gender, membership, region, owning and
  member's union, "already helped in this campaign", combined with all / any / not), by the
  province: campaigns.services.preview (the count per city union, what is already on the
  list, the rule's text and hash). Floor: one bare `SELECT org_id + 0, COUNT(*) FROM
  people_worker WHERE <the rule, hand-written> GROUP BY 1` per rule (EXISTS on the occupation
  and honour tables, birth-date ranges for ages; the `+ 0`, as in ours, keeps SQLite from
  walking the owning-union index in random table order, which made the plain GROUP BY org_id
  two to four times slower). Target ≤ 2,000 ms.
- campaign_enrol_1m_seconds: a whole enrolment run of the province's everyone-rule
  (campaigns.services.enrol: chunks of ENROL_CHUNK worker ids, each an INSERT … SELECT with its
  audit event and hash of the ids), 1,000,000 rows. Floor: one bare `INSERT INTO
  campaigns_enrolment … SELECT … FROM people_worker` of the same rows into another activity's
  list, deleted again before ours runs, so both start on an empty table. Targets ≤ 60 s on
  SQLite, ≤ 90 s on PostgreSQL.

    .venv/bin/python bench/campaigns.py [--rows 1000000]        # var/bench_campaigns.sqlite3
    createdb -h 127.0.0.1 -U postgres bench_campaigns
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_campaigns .venv/bin/python bench/campaigns.py
"""

import datetime
import random
import sys

import harness

UNIONS = 2000
START = datetime.date(1960, 1, 1)
BIRTH_DAYS = (datetime.date(2005, 12, 31) - START).days
JOINED = datetime.date(1990, 1, 1)
# (tag, share of workers in per mille, also 新就业形态)
OCCUPATIONS = (
    ("环卫工人", 60, False),
    ("快递员", 50, True),
    ("外卖配送员", 50, True),
    ("网约车司机", 30, True),
    ("货车司机", 30, False),
    ("农民工", 40, False),
    ("建筑工人", 20, False),
    ("户外劳动者", 20, False),
)
NEW_FORM = "新就业形态"
HONOURS = ("model_worker", "may_day_medal", "advanced_worker", "craftsman", "other")
LEVELS = ("national", "provincial", "city", "county", "enterprise")
PREVIEWS = 20


def populate(total: int) -> None:
    """The union tree, UNIONS grassroots unions, `total` workers, their tags and honours."""
    from django.db import connection, transaction
    from django.utils import timezone

    from nuanjia.orgs.models import Org
    from nuanjia.orgs.services import load_union_tree
    from nuanjia.people.models import OccupationTag, Worker

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
    tags = dict(OccupationTag.objects.values_list("name", "pk"))
    rng = random.Random(7)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    columns = [field.column for field in Worker._meta.concrete_fields if field.column != "id"]
    occupations: list[tuple[int, int]] = []
    honours: list[tuple] = []

    def rows():
        # The tables start empty, so the n-th worker gets id n + 1 (SQLite and PostgreSQL).
        for n in range(total):
            worker_id = n + 1
            union_id, region = unions[rng.randrange(len(unions))]
            member = rng.random() < 0.6
            values = {
                "org_id": union_id,
                "name": f"职工{n}",
                "gender": "male" if rng.random() < 0.55 else "female",
                "birth_date": (START + datetime.timedelta(days=rng.randrange(BIRTH_DAYS))),
                "region_code": region,
                "union_id": union_id if member else None,
                "joined_union_on": (
                    JOINED + datetime.timedelta(days=rng.randrange(12_000)) if member else None
                ),
                "created_at": now,
                "updated_at": now,
            }
            draw = rng.randrange(1000)
            for tag, share, new_form in OCCUPATIONS:
                if draw < share:
                    occupations.append((worker_id, tags[tag]))
                    if new_form:
                        occupations.append((worker_id, tags[NEW_FORM]))
                    break
                draw -= share
            if rng.random() < 0.01:
                honours.append(
                    (worker_id, rng.choice(HONOURS), rng.choice(LEVELS), rng.randrange(1990, 2026),
                     "河南省总工会", "", now)
                )  # fmt: skip
            yield [values.get(column, "" if _text(Worker, column) else None) for column in columns]

    with transaction.atomic(), connection.cursor() as cursor:
        indexes = _drop_indexes(
            cursor, ("people_worker", "people_worker_occupations", "people_honour")
        )
        load(cursor, "people_worker", columns, rows())
        load(cursor, "people_worker_occupations", ["worker_id", "occupationtag_id"], occupations)
        load(
            cursor,
            "people_honour",
            ["worker_id", "kind", "level", "year", "issuer", "note", "created_at"],
            honours,
        )
        for sql in indexes:
            cursor.execute(sql)
        cursor.execute("ANALYZE")


def _text(model, column: str) -> bool:
    field = next(field for field in model._meta.concrete_fields if field.column == column)
    return field.get_internal_type() in ("CharField", "TextField")


def load(cursor, table: str, columns: list[str], rows) -> None:
    """COPY (PostgreSQL) or executemany (SQLite) in batches of 20,000."""
    from django.db import connection

    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
    batch: list = []

    def flush():
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for values in batch:
                    copy.write_row(values)
        elif batch:
            cursor.executemany(insert, batch)
        batch.clear()

    for values in rows:
        batch.append(values)
        if len(batch) == 20_000:
            flush()
    flush()


def _drop_indexes(cursor, tables: tuple[str, ...]) -> list[str]:
    """SQLite: drop the secondary indexes of `tables` for the load; their definitions."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return []
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({', '.join(['%s'] * len(tables))})",
        list(tables),
    )
    found = cursor.fetchall()
    for name, _sql in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]


def clear() -> None:
    """PostgreSQL: empty what an earlier run left (SQLite starts from a fresh copy)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE people_worker, people_worker_occupations, people_honour, "
                "campaigns_campaign RESTART IDENTITY CASCADE"
            )


def campaign_and_staff():
    """The province's open winter campaign and its planner."""
    from nuanjia.campaigns import services
    from nuanjia.campaigns.rules import CampaignStatus
    from nuanjia.orgs.models import Org, Staff
    from nuanjia.orgs.rules import Role
    from nuanjia.orgs.services import set_roles

    province = Org.objects.get(code="410000")
    staff, _created = Staff.objects.get_or_create(
        username="bench_planner", defaults={"full_name": "压测经办", "org": province}
    )
    set_roles(staff, {Role.CASEWORKER, Role.APPROVER}, by=None)
    staff = Staff.objects.get(pk=staff.pk)
    campaign = services.create_campaign(
        code="bench-winter",
        name="送温暖压测",
        lead_org=province,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2027, 2, 28),
        by=staff,
    )
    campaign = services.set_campaign_status(campaign, CampaignStatus.OPEN, by=staff)
    return campaign, province, staff


def activity(campaign, province, staff, name: str):
    from nuanjia.campaigns import services
    from nuanjia.campaigns.rules import ActivityKind

    return services.create_activity(
        campaign, kind=ActivityKind.VISIT, name=name, org=province, by=staff
    )


def rules(activity) -> list[tuple[dict, str, list]]:
    """PREVIEWS rules: (the rule, the same condition as bare SQL on people_worker w, params)."""
    from nuanjia.campaigns.services.enrolment import rule_context
    from nuanjia.orgs.models import Org
    from nuanjia.people.eligibility.people_facts import years_before
    from nuanjia.people.models import OccupationTag

    on = rule_context(activity).on
    tag_ids = dict(OccupationTag.objects.values_list("name", "pk"))

    def leaf(fact, op, value=None):
        return {"fact": fact, "op": op, "value": value}

    def tags(*names):
        ids = ", ".join(str(tag_ids[name]) for name in names)
        return (
            "EXISTS (SELECT 1 FROM people_worker_occupations o WHERE o.worker_id = w.id "
            f"AND o.occupationtag_id IN ({ids}))"
        )

    def honoured(column, values):
        quoted = ", ".join(f"'{value}'" for value in values)
        return (
            "EXISTS (SELECT 1 FROM people_honour h WHERE h.worker_id = w.id "
            f"AND h.{column} IN ({quoted}))"
        )

    def born(low=None, high=None):  # age ≥ low and ≤ high
        sql = ["w.birth_date IS NOT NULL"]
        if low is not None:
            sql.append(f"w.birth_date <= '{years_before(on, low).isoformat()}'")
        if high is not None:
            sql.append(f"w.birth_date > '{years_before(on, high + 1).isoformat()}'")
        return "(" + " AND ".join(sql) + ")"

    def subtree(code, column):
        path = Org.objects.get(code=code).path
        return (
            f"{column} IN (SELECT id FROM orgs_org WHERE path >= '{path}' "
            f"AND path < '{path[:-1]}0')"
        )

    def region(digits):
        return f"(w.region_code >= '{digits}' AND w.region_code < '{int(digits) + 1}')"

    member = "(w.union_id IS NOT NULL AND w.merged_into_id IS NULL)"
    new_form = tags(NEW_FORM)
    helped = (
        "(EXISTS (SELECT 1 FROM campaigns_visit v JOIN campaigns_activity a ON a.id = "
        f"v.activity_id WHERE v.worker_id = w.id AND a.campaign_id = {int(activity.campaign_id)} AND v.status = "
        "'done') OR EXISTS (SELECT 1 FROM campaigns_handout g JOIN campaigns_activity a ON "
        f"a.id = g.activity_id WHERE g.worker_id = w.id AND a.campaign_id = {int(activity.campaign_id)} AND NOT "
        "g.returned) OR EXISTS (SELECT 1 FROM campaigns_booking b JOIN campaigns_activity a ON "
        f"a.id = b.activity_id WHERE b.worker_id = w.id AND a.campaign_id = {int(activity.campaign_id)} AND "
        "b.status = 'done'))"
    )
    return [
        (leaf("occupation", "in", ["环卫工人"]), tags("环卫工人"), []),
        (leaf("occupation", "in", ["快递员", "外卖配送员"]), tags("快递员", "外卖配送员"), []),
        (leaf("new_form_worker", "yes"), new_form, []),
        (
            leaf("honour_kind", "in", ["model_worker", "may_day_medal"]),
            honoured("kind", ["model_worker", "may_day_medal"]),
            [],
        ),
        (leaf("age", "gte", 50), born(50), []),
        (leaf("age", "between", [18, 35]), born(18, 35), []),
        (
            {"all": [leaf("gender", "in", ["female"]), leaf("age", "gte", 45)]},
            f"w.gender IN ('female') AND {born(45)}",
            [],
        ),
        (leaf("member", "yes"), member, []),
        (
            {"all": [leaf("member", "no"), leaf("occupation", "in", ["农民工", "建筑工人"])]},
            f"NOT {member} AND {tags('农民工', '建筑工人')}",
            [],
        ),
        (
            {"all": [leaf("region", "within", "411500"), leaf("occupation", "in", ["环卫工人"])]},
            f"{region('4115')} AND {tags('环卫工人')}",
            [],
        ),
        (
            {"all": [leaf("owning_union", "within", "410100"), leaf("new_form_worker", "yes")]},
            f"{subtree('410100', 'w.org_id')} AND {new_form}",
            [],
        ),
        (
            {
                "any": [
                    leaf("occupation", "in", ["环卫工人"]),
                    leaf("honour_kind", "in", ["model_worker"]),
                ]
            },
            f"({tags('环卫工人')} OR {honoured('kind', ['model_worker'])})",
            [],
        ),
        (
            {
                "all": [
                    {"not": leaf("occupation", "in", ["环卫工人", "快递员"])},
                    leaf("age", "lte", 40),
                ]
            },
            f"NOT {tags('环卫工人', '快递员')} AND {born(None, 40)}",
            [],
        ),
        (
            {"all": [leaf("member", "yes"), leaf("joined_union_on", "gte", "2015-01-01")]},
            f"{member} AND w.joined_union_on IS NOT NULL AND w.joined_union_on >= '2015-01-01'",
            [],
        ),
        (
            {"not": {"any": [leaf("member", "yes"), leaf("new_form_worker", "yes")]}},
            f"NOT ({member} OR {new_form})",
            [],
        ),
        (
            {
                "any": [
                    leaf("honour_level", "in", ["national", "provincial"]),
                    leaf("age", "gte", 60),
                ]
            },
            f"({honoured('level', ['national', 'provincial'])} OR {born(60)})",
            [],
        ),
        (
            {
                "all": [
                    leaf("gender", "in", ["male"]),
                    leaf("age", "between", [40, 55]),
                    {"not": leaf("member", "yes")},
                ]
            },
            f"w.gender IN ('male') AND {born(40, 55)} AND NOT {member}",
            [],
        ),
        (
            leaf("member_union", "within", "410300"),
            f"w.union_id IS NOT NULL AND {subtree('410300', 'w.union_id')}",
            [],
        ),
        (
            {
                "any": [
                    {
                        "all": [
                            leaf("occupation", "in", ["外卖配送员"]),
                            leaf("age", "lte", 30),
                        ]
                    },
                    {
                        "all": [
                            leaf("occupation", "in", ["网约车司机"]),
                            leaf("gender", "in", ["male"]),
                        ]
                    },
                ]
            },
            f"(({tags('外卖配送员')} AND {born(None, 30)}) OR "
            f"({tags('网约车司机')} AND w.gender IN ('male')))",
            [],
        ),
        (
            {"all": [leaf("new_form_worker", "yes"), leaf("helped_in_campaign", "no")]},
            f"{new_form} AND NOT {helped}",
            [],
        ),
    ]


def bench_previews(activity, province) -> None:
    from django.db import connection

    from nuanjia.campaigns import services

    chosen = rules(activity)
    assert len(chosen) == PREVIEWS and len({str(rule) for rule, _s, _p in chosen}) == PREVIEWS
    totals = {}

    def ours(i):
        rule = chosen[i % len(chosen)][0]
        totals.setdefault(i % len(chosen), services.preview(activity, province, rule).total)

    def floor(i):
        _rule, where, params = chosen[i % len(chosen)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT w.org_id + 0, COUNT(*) FROM people_worker w WHERE {where} "
                "AND w.merged_into_id IS NULL GROUP BY 1",
                params,
            )
            counted = sum(count for _org, count in cursor.fetchall())
        if i in totals:  # the floor counts what the preview counts
            assert counted == totals[i], (chosen[i][0], counted, totals[i])

    ours(0), floor(0)  # warm the caches alike
    value = harness.p95_ms(ours, PREVIEWS)
    floor_value = harness.p95_ms(floor, PREVIEWS)
    counts = ", ".join(f"{totals[i]:,}" for i in range(PREVIEWS))
    print(f"# preview totals: {counts}", flush=True)
    harness.report("campaign_preview_1m_ms", value, "ms", floor_value)


def bench_enrol(campaign, province, staff, total: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from nuanjia.campaigns import services
    from nuanjia.campaigns.models import Enrolment, Roster

    floor_activity = activity(campaign, province, staff, "送温暖(底线)")
    roster = Roster.objects.create(activity=floor_activity, org=province, number=1)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with harness.stopwatch() as floor_clock, connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO campaigns_enrolment (activity_id, roster_id, run_id, added_at, "
            "worker_id, org_id, region_code) SELECT %s, %s, NULL, %s, w.id, w.org_id, "
            "w.region_code FROM people_worker w WHERE w.merged_into_id IS NULL",
            [floor_activity.pk, roster.pk, now],
        )
        floor_rows = cursor.rowcount
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM campaigns_enrolment WHERE activity_id = %s", [floor_activity.pk]
        )
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE campaigns_enrolment")
    ours_activity = activity(campaign, province, staff, "送温暖")
    with harness.stopwatch() as clock:
        run = services.enrol(ours_activity, province, by=staff)
    assert run.added == floor_rows == total, (run.added, floor_rows, total)
    assert Enrolment.objects.filter(activity=ours_activity).count() == total
    print(f"# enrolled {run.added:,} in {run.chunks} chunks", flush=True)
    harness.report("campaign_enrol_1m_seconds", clock["seconds"], "s", floor_clock["seconds"])


def main() -> None:
    args = harness.arguments(__doc__, default_rows=1_000_000)
    vendor = harness.setup("bench_campaigns.sqlite3")
    clear()
    with harness.stopwatch() as clock:
        populate(args.rows)
    print(f"# {vendor}: {args.rows:,} workers generated in {clock['seconds']:.0f} s", flush=True)
    campaign, province, staff = campaign_and_staff()
    bench_previews(activity(campaign, province, staff, "送温暖(预览)"), province)
    bench_enrol(campaign, province, staff, args.rows)


if __name__ == "__main__":
    sys.exit(main())
