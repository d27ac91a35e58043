"""The unions' other services (issue 23): gap detection in the help lines' 24-hour roster.

20 help lines of the Henan tree's cities and counties with 1,200 volunteers between them
(60 each), each volunteer on one 8-hour shift a day (00–08, 08–16 or 16–24, 20 people per
slot) for 30 days: 36,000 shifts. Each line's night slot of one day is left empty, so the
30-day window of every line holds exactly one 8-hour gap.

Figure:
- roster_gaps_ms: counselling.services.find_gaps(every line, the 30 days) — the shifts
  touching the window read by one range scan and swept per line, best of 3. Floor: the bare
  SQL that reads the same shifts (`SELECT line_id, starts_at, ends_at FROM counselling_shift
  WHERE …`, fetchall), best of 3. Target ≤ 1,000 ms.

    .venv/bin/python bench/services.py [--rows 1200]          # var/bench_services.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hNN .venv/bin/python bench/services.py
"""

import datetime
import sys

import harness

LINES = 20
DAYS = 30
REPEATS = 3
TARGET_MS = 1000


def populate(volunteers: int):
    from django.utils import timezone

    from nuanjia.counselling.models import Helper, Line, Shift
    from nuanjia.orgs.models import Org
    from nuanjia.orgs.services import load_union_tree

    load_union_tree()
    orgs = list(Org.objects.filter(kind__in=[Org.Kind.CITY, Org.Kind.COUNTY]).order_by("code"))
    lines = Line.objects.bulk_create(
        Line(org=orgs[n], name=f"心理援助热线{n}", min_on_duty=2) for n in range(LINES)
    )
    helpers = Helper.objects.bulk_create(
        Helper(line=lines[n % LINES], org=lines[n % LINES].org, kind="volunteer", name=f"志愿者{n}")
        for n in range(volunteers)
    )
    first = timezone.make_aware(datetime.datetime(2026, 6, 1))
    empty = {(line.pk, n % DAYS) for n, line in enumerate(lines)}  # one night per line
    slot_of = {}
    for n, helper in enumerate(helpers):
        slot_of[helper.pk] = (n // LINES) % 3

    def shifts():
        for day in range(DAYS):
            for helper in helpers:
                slot = slot_of[helper.pk]
                if slot == 0 and (helper.line_id, day) in empty:
                    continue
                start = first + datetime.timedelta(days=day, hours=8 * slot)
                yield Shift(line_id=helper.line_id, org_id=helper.org_id, helper=helper,
                            starts_at=start, ends_at=start + datetime.timedelta(hours=8),
                            minutes=480)  # fmt: skip

    Shift.objects.bulk_create(shifts(), batch_size=5000)
    return lines, first, first + datetime.timedelta(days=DAYS)


def best_ms(fn) -> float:
    times = []
    for _ in range(REPEATS):
        with harness.stopwatch() as clock:
            fn()
        times.append(clock["seconds"] * 1000)
    return min(times)


def main() -> int:
    args = harness.arguments(__doc__.splitlines()[0], 1200)
    harness.setup("bench_services.sqlite3")
    with harness.stopwatch() as loading:
        lines, first, last = populate(args.rows)
    from django.db import connection

    from nuanjia.counselling.models import Shift
    from nuanjia.counselling.rules import MAX_SHIFT
    from nuanjia.counselling.services import find_gaps

    count = Shift.objects.count()
    print(f"loaded {count:,} shifts of {args.rows:,} volunteers in {loading['seconds']:.1f} s",
          flush=True)  # fmt: skip
    found = find_gaps(lines, first, last)
    if sorted(len(gaps) for gaps in found.values()) != [1] * LINES or any(
        gap.hours != 8 or gap.on_duty != 0 for gaps in found.values() for gap in gaps
    ):
        print(f"wrong gaps: {found}", file=sys.stderr)
        return 1
    ids = [line.pk for line in lines]
    marks = ",".join(["%s"] * len(ids))
    sql = (
        f"SELECT line_id, starts_at, ends_at FROM counselling_shift WHERE line_id IN ({marks}) "
        "AND starts_at > %s AND starts_at < %s AND ends_at > %s"
    )

    def floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [*ids, first - MAX_SHIFT, last, first])
            cursor.fetchall()

    ours = best_ms(lambda: find_gaps(lines, first, last))
    bare = best_ms(floor)
    harness.report("roster_gaps_ms", ours, "ms", bare)
    return 0 if ours <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
