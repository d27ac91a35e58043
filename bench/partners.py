"""Free breakfast scans under load, through the real server (环卫工人爱心早餐).

Migrates a fresh bench database, generates the worker registry the way
bench/search_workers.py does (1,000,000 workers at full size, straight into the tables), makes
`--scanned` of them (60,000) union members on an open breakfast activity's list, signs two
shops' contracts for it and opens a partner API device for each shop's person, then starts
`nuanjia serve` (gunicorn, DEBUG off) on loopback with NUANJIA_BENCH=1, as bench/members.py
does. A separate load-generator process (stdlib http.client, one keep-alive connection per
client, closed loop) measures:

- breakfast_scans_per_s and breakfast_p99_ms: `POST /api/v1/partner/breakfast`
  `{"code": <card text>, "outlet": <id>}` with a shop's partner token, over 8 keep-alive
  connections (`--connections`; the odd ones for the second shop), each request with the
  fresh card text (members.cards.card_text, of the current minute) of a worker of the
  client's own share. Every fifth request (20 %) is a worker the same client already served
  that day: it must be answered "already"; every other one "recorded". Floor: the same load
  on `/bench/partner/device/` (campaigns/bench_views.py: the partner token look-up alone,
  a tiny JSON). Targets ≥ 300/s and p99 ≤ 100 ms.
- breakfast_double_meals: after the run, the workers with more than one meal on a day in the
  database. Must be 0 (floor 0).

An answer other than the expected one counts as an error; the bench fails (exit 1) after
printing its figures when there was any, or when a worker had two meals a day.

    .venv/bin/python bench/partners.py [--rows 1000000] [--seconds 60]   # var/bench_partners.sqlite3
    psql -h 127.0.0.1 -U postgres -c 'create database bench_partners'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_partners .venv/bin/python bench/partners.py
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import time
from pathlib import Path

import hotline_load as served

ROOT = Path(__file__).resolve().parent.parent
SCAN_PATH = "/api/v1/partner/breakfast"
FLOOR_PATH = "/bench/partner/device/"
WARM_SECONDS = 2.0
REPEAT_EVERY = 5  # every fifth scan is a worker the client already served today: 20 %


# ---- The load generator (its own process; no Django) -----------------------------------


def generate(port: int, spec: dict, seconds: float) -> dict:
    """Closed loop over `connections` keep-alive connections; client i scans its own share of
    the workers (spec["shares"][i]) and, every REPEAT_EVERY-th request, one it served before."""
    clients = spec["connections"]
    path = spec["path"]
    began = time.perf_counter()
    stop_at = began + seconds
    results = [{"latencies": [], "ok": 0, "errors": 0, "seen": [], "recorded": 0}
               for _ in range(clients)]  # fmt: skip

    def client(index: int) -> None:
        mine = results[index]
        shop = spec["shops"][index % len(spec["shops"])]
        share = spec["shares"][index]
        served_ones: list[int] = []  # positions in the card lists of workers served
        fresh = 0
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {shop['token']}"}
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        sequence = 0
        while time.perf_counter() < stop_at:
            sequence += 1
            repeat = bool(served_ones) and sequence % REPEAT_EVERY == 0
            if spec["kind"] == "floor":
                position = share[sequence % len(share)]
            elif repeat:
                position = served_ones[(sequence // REPEAT_EVERY) % len(served_ones)]
            elif fresh < len(share):
                position = share[fresh]
                fresh += 1
            else:
                break  # out of fresh workers: a bigger --scanned is needed
            cards = spec["cards"].get(str(int(time.time() // 60))) or [""]
            body = json.dumps({"code": cards[position], "outlet": shop["outlet"]}).encode()
            connection, status, data, took = served.timed_request(
                connection, port, "POST", path, body, headers
            )
            mine["latencies"].append(took)
            if spec["kind"] == "floor":
                right = status == 200
            else:
                answer = json.loads(data).get("status") if status == 200 else None
                right = answer == ("already" if repeat else "recorded")
                if right and not repeat:
                    served_ones.append(position)
                    mine["recorded"] += 1
            if right:
                mine["ok"] += 1
            else:
                mine["errors"] += 1
                if len(mine["seen"]) < 3:
                    mine["seen"].append(
                        f"{status} {'repeat' if repeat else 'fresh'} {data[:160]!r}"
                    )
        connection.close()

    served.run_clients(client, clients)
    return served.closed_loop_figures(results, time.perf_counter() - began, ("recorded",))


def run_generator(port: int, spec: dict, seconds: float) -> dict:
    """Run the generator as a separate process (its spec in a file) and read its JSON answer."""
    return served.run_spec_generator(__file__, "partners", port, spec, seconds)


# ---- The data -----------------------------------------------------------------------------


def prepare(workers: int, scanned: int) -> tuple[list[int], list[dict]]:
    """`scanned` of the generated workers made union members on an open breakfast activity's
    list; two shops with a contract each, an outlet and a person with an API device."""
    import datetime

    from django.db.models import F
    from django.utils import timezone

    from nuanjia.campaigns.models import Activity, Campaign, Enrolment, PartnerContract, Roster
    from nuanjia.campaigns.rules import ActivityKind, CampaignStatus
    from nuanjia.funds.models import Earmark
    from nuanjia.members.models import Device, Outlet, Partner, PartnerDevice, PartnerUser
    from nuanjia.members.services.devices import open_key
    from nuanjia.members.services.partners import PARTNER_API_PREFIX
    from nuanjia.orgs.models import Org
    from nuanjia.people.models import Worker

    step = max(1, workers // scanned)
    candidates = list(range(1, workers + 1, step))[:scanned]
    ids = sorted(Worker.objects.filter(pk__in=candidates).values_list("pk", flat=True))
    if len(ids) < scanned:
        raise SystemExit(f"only {len(ids)} of {scanned} workers found: give more --rows")
    for start in range(0, len(ids), 5000):
        Worker.objects.filter(pk__in=ids[start : start + 5000]).update(
            union_id=F("org_id"), joined_union_on=datetime.date(2020, 5, 1)
        )
    province = Org.objects.get(code="410000")
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        code="bench-breakfast", name="压测爱心早餐", lead_org=province,
        starts_on=today - datetime.timedelta(days=30), ends_on=today + datetime.timedelta(days=30),
        status=CampaignStatus.OPEN,
    )  # fmt: skip
    activity = Activity.objects.create(
        campaign=campaign, kind=ActivityKind.BREAKFAST, name="环卫工人爱心早餐", org=province
    )
    roster = Roster.objects.create(activity=activity, org=province, row_count=len(ids))
    now = timezone.now()
    unions = dict(Worker.objects.filter(pk__in=ids).values_list("pk", "org_id"))
    Enrolment.objects.bulk_create(
        (Enrolment(activity=activity, roster=roster, worker_id=pk, org_id=unions[pk],
                   added_at=now) for pk in ids),
        batch_size=5000,
    )  # fmt: skip
    earmark = (
        Earmark.objects.filter(code="warmth").first() or Earmark.objects.order_by("pk").first()
    )
    shops = []
    for n, name in enumerate(("郑州爱心早餐店", "洛阳早餐铺")):
        partner = Partner.objects.create(org=province, name=name, kind=Partner.Kind.SHOP)
        outlet = Outlet.objects.create(partner=partner, name=f"{name}一号店")
        person = PartnerUser(partner=partner, name=f"{name}店员")
        person.phone = f"1370099{n:04d}"
        person.save()
        PartnerContract.objects.create(
            activity=activity, partner=partner, org=province, earmark=earmark, price_fen=800,
            starts_on=today - datetime.timedelta(days=30),
            ends_on=today + datetime.timedelta(days=30), payee_name=name, bank_name="工商银行",
            account_encrypted="", account_masked="6222****0001",
        )  # fmt: skip
        token = open_key(PartnerDevice, user=person, kind=Device.Kind.API, user_agent="bench",
                         api_prefix=PARTNER_API_PREFIX)  # fmt: skip
        shops.append({"token": token, "outlet": outlet.pk})
    return ids, shops


def fresh_cards(worker_ids: list[int], seconds: float) -> dict[str, list[str]]:
    """The card texts of `worker_ids` for each minute from now until `seconds` have passed."""
    from nuanjia.members.cards import card_text

    first = int(time.time() // 60)
    last = first + math.ceil(seconds / 60) + 1
    return {
        str(minute): [card_text(worker_id, minute * 60) for worker_id in worker_ids]
        for minute in range(first, last + 1)
    }


def double_meals() -> int:
    """Workers with more than one meal on one day, counted in the database."""
    from django.db.models import Count

    from nuanjia.campaigns.partner_models import Meal

    return Meal.objects.values("worker_id", "day").annotate(n=Count("id")).filter(n__gt=1).count()


# ---- The run ------------------------------------------------------------------------------


def _shares(positions: range, connections: int) -> list[list[int]]:
    return [list(positions[i::connections]) for i in range(connections)]


def measure(port: int, args: argparse.Namespace, ids: list[int], shops: list[dict]) -> dict:
    floor_seconds = args.floor_seconds or min(args.seconds, 20.0)
    total = 2 * WARM_SECONDS + floor_seconds + args.seconds + 60
    cards = fresh_cards(ids, total)
    warm_count = min(len(ids) // 10, 2000)
    base = {"connections": args.connections, "shops": shops, "cards": cards}
    floor = {**base, "kind": "floor", "path": FLOOR_PATH,
             "shares": _shares(range(len(ids)), args.connections)}  # fmt: skip
    warm = {**base, "kind": "scan", "path": SCAN_PATH,
            "shares": _shares(range(warm_count), args.connections)}  # fmt: skip
    scan = {**base, "kind": "scan", "path": SCAN_PATH,
            "shares": _shares(range(warm_count, len(ids)), args.connections)}  # fmt: skip
    run_generator(port, floor, WARM_SECONDS)  # imports, caches, connections
    run_generator(port, warm, WARM_SECONDS)
    return {
        "floor": run_generator(port, floor, floor_seconds),
        "scan": run_generator(port, scan, args.seconds),
    }


def report(name: str, value: float, unit: str, floor: float, ratio: float) -> None:
    """One BENCH line (as harness.report, whose rate units do not include per_s): the ratio
    is value ÷ floor for the rate, floor ÷ value for the time, 1 for no double meal."""
    print(f"BENCH name={name} value={value:.4g} unit={unit} floor={floor:.4g} ratio={ratio:.3f}",
          flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description="Free breakfast scans under load")
    parser.add_argument("--rows", type=int, default=1_000_000, help="workers in the registry")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--floor-seconds", type=float, default=None)
    parser.add_argument("--connections", type=int, default=8, help="keep-alive connections")
    parser.add_argument("--scanned", type=int, default=60_000, help="workers on the list")
    parser.add_argument("--workers", type=int, default=None, help="default: as `nuanjia serve`")
    parser.add_argument("--threads", type=int, default=None, help="default: as `nuanjia serve`")
    parser.add_argument("--generate", default="", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        spec = json.loads(Path(args.generate).read_text())
        print(json.dumps(generate(args.port, spec, args.seconds)))
        return

    import harness
    import search_workers

    vendor = harness.setup("bench_partners.sqlite3")
    search_workers.clear()
    with harness.stopwatch() as clock:
        search_workers.populate(args.rows)
    ids, shops = prepare(args.rows, min(args.scanned, max(1, args.rows // 2)))
    print(f"# {vendor}: {args.rows:,} workers generated in {clock['seconds']:.0f} s; "
          f"{len(ids):,} on the breakfast list, {len(shops)} shops", flush=True)  # fmt: skip
    figures = served.measure_served(
        "partners", args.workers, args.threads, lambda port: measure(port, args, ids, shops)
    )
    scan, floor = figures["scan"], figures["floor"]
    doubles = double_meals()
    report("breakfast_scans_per_s", scan["per_s"], "per_s", floor["per_s"],
           scan["per_s"] / floor["per_s"] if floor["per_s"] else 0.0)  # fmt: skip
    report("breakfast_p99_ms", scan["p99_ms"], "ms", floor["p99_ms"],
           floor["p99_ms"] / scan["p99_ms"] if scan["p99_ms"] else 0.0)  # fmt: skip
    report("breakfast_double_meals", doubles, "count", 0, 1.0 if doubles == 0 else 0.0)
    errors = figures["scan"]["errors"] + figures["floor"]["errors"]
    if errors or doubles:
        raise SystemExit(f"{errors} answers not as expected, {doubles} double meals (see above)")


if __name__ == "__main__":
    main()
