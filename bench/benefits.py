"""Member-card benefit redemptions under load, through the real server, and a month's
statements over 1,000,000 redemptions (会员普惠).

Migrates a fresh bench database, generates the worker registry as bench/search_workers.py does
(`--rows`, 200,000 at full size), makes `--members` of them (60,000) union members, registers a
car wash with its terms and the offer 五元洗车 (2 uses a calendar month, a budget of 10,000,000
uses a month) and opens a partner API device for two of its people, then starts `nuanjia serve`
(gunicorn, DEBUG off) with NUANJIA_BENCH=1, as bench/partners.py does. A separate
load-generator process (stdlib http.client, one keep-alive connection per client, closed
loop) measures:

- redemptions_per_s and redemption_p99_ms: `POST /api/v1/partner/benefits/redeem`
  `{"code": <card text>, "offer": <id>, "key": <uuid>, "outlet": <id>}` over 8 keep-alive
  connections (`--connections`), each with a fresh card text of a member of the client's own
  share (answered "redeemed"). Every tenth request (10 %) is one of the `--hot` members
  already at their limit but one (their month's counter holds 1 use): every client walks the
  same hot list in the same order, so these race each other; each must be answered
  "redeemed" or "limit". Floor: the same load on `/bench/benefits/insert/`
  (benefits/bench_views.py: the partner token look-up and one bare INSERT of a redemption).
  Targets ≥ 300/s and p99 ≤ 100 ms.
- redemption_limit_violations: after the run, the members whose uses of the month (with the
  hot members' prior one) pass the limit, and counters that disagree with the rows. Must be 0.
- benefits_settlement_1m_seconds: `--settle-rows` (1,000,000) redemptions of last month over
  `--merchants` (200) merchants written straight into the table, then the month's statements
  of every merchant (services.statements.prepare_month, with their history and audit).
  Floor: one bare GROUP BY of the month's rows by merchant. Target ≤ 30 s.

    .venv/bin/python bench/benefits.py [--rows 200000] [--seconds 60]  # var/bench_benefits.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_benefits .venv/bin/python bench/benefits.py
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import time
import uuid
from pathlib import Path

import hotline_load as served

ROOT = Path(__file__).resolve().parent.parent
REDEEM_PATH = "/api/v1/partner/benefits/redeem"
FLOOR_PATH = "/bench/benefits/insert/"
WARM_SECONDS = 2.0
HOT_EVERY = 10  # every tenth redemption races on a member at their limit: 10 %
LIMIT = 2


# ---- The load generator (its own process; no Django) -----------------------------------


def _body(spec: dict, index: int, position: int, desk: dict) -> bytes:
    if spec["kind"] == "floor":
        return json.dumps({"offer": spec["offer"], "worker": spec["ids"][position],
                           "outlet": desk["outlet"]}).encode()  # fmt: skip
    cards = spec["cards"].get(str(int(time.time() // 60))) or [""]
    return json.dumps({"code": cards[position], "offer": spec["offer"], "key": str(uuid.uuid4()),
                       "outlet": desk["outlet"]}).encode()  # fmt: skip


def generate(port: int, spec: dict, seconds: float) -> dict:
    clients = spec["connections"]
    began = time.perf_counter()
    stop_at = began + seconds
    results = [{"latencies": [], "ok": 0, "errors": 0, "seen": [], "redeemed": 0}
               for _ in range(clients)]  # fmt: skip

    def client(index: int) -> None:
        mine, desk = results[index], spec["desks"][index % len(spec["desks"])]
        share, hot = spec["shares"][index], spec["hot"]
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {desk['token']}"}
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        sequence = fresh = 0
        while time.perf_counter() < stop_at:
            sequence += 1
            racing = spec["kind"] != "floor" and bool(hot) and sequence % HOT_EVERY == 0
            if racing:
                position = hot[(sequence // HOT_EVERY) % len(hot)]
            elif fresh < len(share):
                position, fresh = share[fresh], fresh + 1
            else:
                break  # out of fresh members: a bigger --members is needed
            body = _body(spec, index, position, desk)
            connection, status, data, took = served.timed_request(
                connection, port, "POST", spec["path"], body, headers
            )
            mine["latencies"].append(took)
            answer = json.loads(data).get("status") if status == 200 else None
            if spec["kind"] == "floor":
                right = status == 200
            else:
                right = answer in (("redeemed", "limit") if racing else ("redeemed",))
                mine["redeemed"] += answer == "redeemed"
            mine["ok" if right else "errors"] += 1
            if not right and len(mine["seen"]) < 3:
                mine["seen"].append(f"{status} {data[:160]!r}")
        connection.close()

    served.run_clients(client, clients)
    return served.closed_loop_figures(results, time.perf_counter() - began, ("redeemed",))


def run_generator(port: int, spec: dict, seconds: float) -> dict:
    return served.run_spec_generator(__file__, "benefits", port, spec, seconds)


# ---- The data -----------------------------------------------------------------------------


def _merchant(province, earmark, name: str, *, starts, ends):
    from nuanjia.benefits.models import MerchantTerms
    from nuanjia.members.models import Partner

    partner = Partner.objects.create(org=province, name=name, kind=Partner.Kind.MERCHANT)
    terms = MerchantTerms.objects.create(
        partner=partner, org=province, earmark=earmark, city="郑州市", starts_on=starts,
        ends_on=ends, payee_name=name, bank_name="工商银行", account_encrypted="",
        account_masked="6222****0001",
    )  # fmt: skip
    return partner, terms


def prepare(workers: int, members: int, hot: int) -> dict:
    """Members, the car wash with its offer and two API devices; the hot members at 1 left."""
    import datetime

    from django.db.models import F
    from django.utils import timezone

    from nuanjia.benefits.models import MemberCounter, Offer
    from nuanjia.benefits.services.periods import local_day
    from nuanjia.funds.models import Earmark
    from nuanjia.members.models import Device, Outlet, PartnerDevice, PartnerUser
    from nuanjia.members.services.devices import open_key
    from nuanjia.members.services.partners import PARTNER_API_PREFIX
    from nuanjia.orgs.models import Org
    from nuanjia.people.models import Worker

    step = max(1, workers // members)
    ids = sorted(Worker.objects.filter(pk__in=range(1, workers + 1, step)[:members])
                 .values_list("pk", flat=True))  # fmt: skip
    for start in range(0, len(ids), 5000):
        Worker.objects.filter(pk__in=ids[start : start + 5000]).update(union_id=F("org_id"))
    province = Org.objects.get(code="410000")
    earmark = Earmark.objects.filter(code="warmth").first() or Earmark.objects.first()
    today = timezone.localdate()
    starts, ends = today - datetime.timedelta(days=400), today + datetime.timedelta(days=30)
    partner, terms = _merchant(province, earmark, "压测洗车", starts=starts, ends=ends)
    offer = Offer.objects.create(
        partner=partner, terms=terms, org=province, name="五元洗车", member_price_fen=500,
        subsidy_fen=2500, per_month=LIMIT, budget_uses=10_000_000, starts_on=starts,
        ends_on=ends,
    )  # fmt: skip
    floor_offer = Offer.objects.create(
        partner=partner, terms=terms, org=province, name="压测底线", member_price_fen=0,
        subsidy_fen=0, starts_on=starts, ends_on=ends, is_active=False,
    )  # fmt: skip
    month = local_day().replace(day=1)
    MemberCounter.objects.bulk_create(
        MemberCounter(offer=offer, worker_id=pk, period="month", starts_on=month, used=LIMIT - 1)
        for pk in ids[:hot]
    )
    desks = []
    for n in range(2):
        outlet = Outlet.objects.create(partner=partner, name=f"{n + 1}号店")
        person = PartnerUser(partner=partner, name=f"店员{n}")
        person.phone = f"1370088{n:04d}"
        person.save()
        token = open_key(PartnerDevice, user=person, kind=Device.Kind.API, user_agent="bench",
                         api_prefix=PARTNER_API_PREFIX)  # fmt: skip
        desks.append({"token": token, "outlet": outlet.pk})
    return {"ids": ids, "hot": hot, "offer": offer.pk, "floor_offer": floor_offer.pk,
            "desks": desks}  # fmt: skip


def fresh_cards(worker_ids: list[int], seconds: float) -> dict[str, list[str]]:
    from nuanjia.members.cards import card_text

    first = int(time.time() // 60)
    last = first + math.ceil(seconds / 60) + 1
    return {str(minute): [card_text(pk, minute * 60) for pk in worker_ids]
            for minute in range(first, last + 1)}  # fmt: skip


def limit_violations(offer_id: int, hot_ids: list[int]) -> int:
    """Members past the month's limit (a hot member's prior use counted), plus counters that
    disagree with the rows."""
    from django.db.models import Count

    from nuanjia.benefits.models import MemberCounter, Redemption

    used = dict(
        Redemption.objects.filter(offer_id=offer_id, reversed=False)
        .values("worker_id").annotate(n=Count("id")).values_list("worker_id", "n")
    )  # fmt: skip
    hot = set(hot_ids)
    over = sum(1 for pk, n in used.items() if n + (pk in hot) > LIMIT)
    counters = MemberCounter.objects.filter(offer_id=offer_id, period="month")
    wrong = sum(1 for c in counters if c.used != used.get(c.worker_id, 0) + (c.worker_id in hot))
    return over + wrong


# ---- The settlement of 1,000,000 ----------------------------------------------------------


def settle(rows: int, merchants: int, ids: list[int]) -> tuple[float, float]:
    """(seconds for the month's statements, seconds for the bare GROUP BY) over `rows`."""
    import datetime

    from django.db import connection, transaction
    from django.db.models import Count, Sum

    from nuanjia.benefits.models import Offer, Redemption
    from nuanjia.benefits.services import statements
    from nuanjia.benefits.services.periods import local_day, month_of
    from nuanjia.funds.models import Earmark
    from nuanjia.orgs.models import Org, Staff
    from nuanjia.orgs.rules import Role
    from nuanjia.orgs.services import set_roles

    province = Org.objects.get(code="410000")
    earmark = Earmark.objects.filter(code="warmth").first() or Earmark.objects.first()
    month = month_of(month_of(local_day()) - datetime.timedelta(days=1))
    starts, ends = month - datetime.timedelta(days=400), month + datetime.timedelta(days=400)
    offers = []
    for n in range(merchants):
        partner, terms = _merchant(province, earmark, f"压测商户{n:04d}", starts=starts, ends=ends)
        offers.append(Offer.objects.create(
            partner=partner, terms=terms, org=province, name="五元观影", member_price_fen=500,
            subsidy_fen=3000 + n, starts_on=starts, ends_on=ends,
        ))  # fmt: skip
    _insert(rows, offers, ids, month)
    planner = Staff(username="bench_benefits", full_name="压测", org=province)
    planner.set_unusable_password()
    planner.save()
    set_roles(planner, {Role.CASEWORKER}, by=None)
    planner = Staff.objects.get(pk=planner.pk)
    end = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    began = time.perf_counter()
    list(Redemption.objects.filter(day__gte=month, day__lt=end).values("partner_id")
         .annotate(n=Count("id"), fen=Sum("subsidy_fen")).order_by())  # fmt: skip
    floor = time.perf_counter() - began
    began = time.perf_counter()
    made = statements.prepare_month(month, org=province, by=planner)
    seconds = time.perf_counter() - began
    total = sum(s.amount_fen for s in made)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT SUM(subsidy_fen) FROM benefits_redemption WHERE day >= %s AND day < %s",
                       [month, end])  # fmt: skip
        assert total == cursor.fetchone()[0], "the statements do not add up to the rows"
    print(f"# {len(made)} statements, {total / 100:,.2f} yuan, over {rows:,} rows", flush=True)
    return seconds, floor


def _insert(rows: int, offers: list, ids: list[int], month) -> None:
    import datetime

    from django.db import connection, transaction

    days = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - month
    sql = ("INSERT INTO benefits_redemption (offer_id, partner_id, worker_id, org_id, "
           "member_price_fen, subsidy_fen, day, at, source, reversed) "
           "VALUES (%s, %s, %s, %s, 500, %s, %s, %s, 'scan', %s)")  # fmt: skip
    orgs = dict(__import__("nuanjia.people.models", fromlist=["Worker"]).Worker.objects
                .filter(pk__in=ids).values_list("pk", "union_id"))  # fmt: skip
    moment = datetime.datetime.combine(month, datetime.time(10), tzinfo=datetime.UTC)
    for start in range(0, rows, 20_000):
        batch = []
        for n in range(start, min(rows, start + 20_000)):
            offer, worker = offers[n % len(offers)], ids[n % len(ids)]
            day = month + datetime.timedelta(days=n % days.days)
            batch.append((offer.pk, offer.partner_id, worker, orgs[worker], offer.subsidy_fen,
                          day, moment + datetime.timedelta(days=n % days.days), False))  # fmt: skip
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, batch)


# ---- The run ------------------------------------------------------------------------------


def measure(port: int, args: argparse.Namespace, data: dict) -> dict:
    ids = data["ids"]
    floor_seconds = args.floor_seconds or min(args.seconds, 20.0)
    cards = fresh_cards(ids, 2 * WARM_SECONDS + floor_seconds + args.seconds + 60)
    hot = list(range(data["hot"]))
    cold = range(data["hot"], len(ids))
    warm_count = min(len(cold) // 10, 2000)
    base = {"connections": args.connections, "desks": data["desks"], "cards": cards,
            "offer": data["offer"], "ids": ids, "hot": hot}  # fmt: skip

    def shares(positions) -> list[list[int]]:
        return [list(positions[i :: args.connections]) for i in range(args.connections)]

    floor = {**base, "kind": "floor", "path": FLOOR_PATH, "offer": data["floor_offer"],
             "shares": shares(range(len(ids)))}  # fmt: skip
    warm = {**base, "kind": "redeem", "path": REDEEM_PATH, "hot": [],
            "shares": shares(cold[:warm_count])}  # fmt: skip
    load = {**base, "kind": "redeem", "path": REDEEM_PATH, "shares": shares(cold[warm_count:])}
    run_generator(port, floor, WARM_SECONDS)
    run_generator(port, warm, WARM_SECONDS)
    return {"floor": run_generator(port, floor, floor_seconds),
            "redeem": run_generator(port, load, args.seconds)}  # fmt: skip


def report(name: str, value: float, unit: str, floor: float, ratio: float) -> None:
    print(f"BENCH name={name} value={value:.4g} unit={unit} floor={floor:.4g} ratio={ratio:.3f}",
          flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description="Member benefit redemptions under load")
    parser.add_argument("--rows", type=int, default=200_000, help="workers in the registry")
    parser.add_argument("--members", type=int, default=60_000, help="union members scanned")
    parser.add_argument("--hot", type=int, default=200, help="members at their limit but one")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--floor-seconds", type=float, default=None)
    parser.add_argument("--connections", type=int, default=8, help="keep-alive connections")
    parser.add_argument("--settle-rows", type=int, default=1_000_000)
    parser.add_argument("--merchants", type=int, default=200)
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

    vendor = harness.setup("bench_benefits.sqlite3")
    search_workers.clear()
    search_workers.populate(args.rows)
    data = prepare(args.rows, min(args.members, max(1, args.rows // 2)), args.hot)
    print(f"# {vendor}: {args.rows:,} workers; {len(data['ids']):,} members, "
          f"{data['hot']} at their limit but one", flush=True)  # fmt: skip
    figures = served.measure_served(
        "benefits", args.workers, args.threads, lambda port: measure(port, args, data)
    )
    load, floor = figures["redeem"], figures["floor"]
    violations = limit_violations(data["offer"], data["ids"][: data["hot"]])
    report("redemptions_per_s", load["per_s"], "per_s", floor["per_s"],
           load["per_s"] / floor["per_s"] if floor["per_s"] else 0.0)  # fmt: skip
    report("redemption_p99_ms", load["p99_ms"], "ms", floor["p99_ms"],
           floor["p99_ms"] / load["p99_ms"] if load["p99_ms"] else 0.0)  # fmt: skip
    report("redemption_limit_violations", violations, "count", 0, 1.0 if not violations else 0.0)
    seconds, bare = settle(args.settle_rows, args.merchants, data["ids"])
    report("benefits_settlement_1m_seconds", seconds, "s", bare, bare / seconds if seconds else 0)
    errors = load["errors"] + floor["errors"]
    if errors or violations:
        raise SystemExit(f"{errors} answers not as expected, {violations} limit violations")


if __name__ == "__main__":
    main()
