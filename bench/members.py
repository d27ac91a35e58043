"""The member portal under load, through the real server: the member home page and card scans.

Migrates a fresh bench database, generates the worker registry the way
bench/search_workers.py does (1,000,000 workers at full size, straight into the tables), makes
some of them union members with member accounts signed in on a device each, issues a
caseworker's API token, then starts `nuanjia serve` (gunicorn, DEBUG off) on loopback as
bench/hotline_load.py does, with NUANJIA_BENCH=1 so the bench-only floor view is mounted. A
separate load-generator process (stdlib http.client, one keep-alive connection per client,
closed loop) then measures:

- member_home_p95_ms: 50 members (`--members`), each with its own `nj_member` device cookie,
  each asking for `/m/` and waiting 1 s after the answer (`--think`), the clients' first
  requests spread over the first second. Floor: the same clients on `/m/bench/device/`
  (members/bench_views.py: the same device-cookie look-up, a tiny JSON), so the ratio shows
  what the page itself costs. Target ≤ 150 ms.
- card_scans_per_s and card_scan_p99_ms: `POST /api/v1/partner/scan`
  `{"use": "membership", "code": <card text>}` with a caseworker's bearer token, over 8
  keep-alive connections (`--connections`), closed loop, each request with the fresh card
  text (members.cards.card_text, of the current minute) of one of 2,000 real members in
  turn; every answer must be 200 with status "valid". Floor: the same load on `/healthz`
  (one `SELECT 1` through the whole middleware stack), as in hotline_load. Targets ≥ 500/s
  and p99 ≤ 50 ms.

An answer other than the expected one counts as an error; the bench fails (exit 1) after
printing its figures when there was any.

    .venv/bin/python bench/members.py [--rows 1000000] [--seconds 60]   # var/bench_members.sqlite3
    psql -h 127.0.0.1 -U postgres -c 'create database bench_members'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_members .venv/bin/python bench/members.py
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
HOME_PATH = "/m/"
HOME_FLOOR_PATH = "/m/bench/device/"
SCAN_PATH = "/api/v1/partner/scan"
SCAN_FLOOR_PATH = "/healthz"
COOKIE = "nj_member"  # members.auth.COOKIE (the generator imports no Django)
WARM_SECONDS = 2.0


# ---- The load generator (its own process; no Django) -----------------------------------


def _request_for(spec: dict, index: int, sequence: int) -> tuple[str, bytes | None, dict]:
    """(method, body, headers) of client `index`'s next request."""
    if spec["kind"] == "home":
        return "GET", None, {"Cookie": f"{COOKIE}={spec['cookies'][index]}"}
    if spec["kind"] == "scan":
        cards = spec["cards"].get(str(int(time.time() // 60)), [""])
        code = cards[(index + sequence * spec["connections"]) % len(cards)]  # each its own
        body = json.dumps({"use": "membership", "code": code}).encode()
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {spec['token']}"}
        return "POST", body, headers
    return "GET", None, {}


def _answered_right(spec: dict, status: int, data: bytes) -> bool:
    if status != 200:
        return False
    if spec["kind"] == "scan":
        return json.loads(data).get("status") == "valid"
    return True


def generate(port: int, spec: dict, seconds: float) -> dict:
    """Closed loop: each client sends its next request when the previous one is answered (and,
    with think time, that many seconds after)."""
    clients = len(spec["cookies"]) if spec["kind"] == "home" else spec["connections"]
    think = float(spec.get("think", 0.0))
    path = spec["path"]
    began = time.perf_counter()
    stop_at = began + seconds
    results = [{"latencies": [], "ok": 0, "errors": 0, "seen": []} for _ in range(clients)]

    def client(index: int) -> None:
        mine = results[index]
        if think:  # spread the first requests over one think time
            time.sleep(think * index / clients)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        sequence = 0
        while time.perf_counter() < stop_at:
            sequence += 1
            method, body, headers = _request_for(spec, index, sequence)
            connection, status, data, took = served.timed_request(
                connection, port, method, path, body, headers
            )
            mine["latencies"].append(took)
            if _answered_right(spec, status, data):
                mine["ok"] += 1
            else:
                mine["errors"] += 1
                if len(mine["seen"]) < 3:
                    mine["seen"].append(f"{status} {data[:120]!r}")
            if think:
                time.sleep(think)
        connection.close()

    served.run_clients(client, clients)
    return served.closed_loop_figures(results, time.perf_counter() - began)


def run_generator(port: int, spec: dict, seconds: float) -> dict:
    """Run the generator as a separate process (its spec in a file) and read its JSON answer."""
    return served.run_spec_generator(__file__, "members", port, spec, seconds)


# ---- The data -----------------------------------------------------------------------------


def prepare(workers: int, members: int, scanned: int) -> tuple[list[str], list[int], str]:
    """Union members among the generated workers: `members` with an account signed in on a
    device (their cookies), `scanned` more to scan (their worker ids); a caseworker's token."""
    import datetime

    from django.db.models import F
    from django.utils import timezone

    from nuanjia.accounts.services import issue_api_token
    from nuanjia.members.models import Member, MemberDevice, Message
    from nuanjia.members.services import PRIVACY_NOTICE_VERSION
    from nuanjia.members.services.devices import open_device
    from nuanjia.orgs.models import Org, Staff
    from nuanjia.orgs.rules import Role
    from nuanjia.orgs.services import set_roles
    from nuanjia.people.models import Worker

    wanted = members + scanned
    step = max(1, workers // wanted)
    candidates = list(range(1, workers + 1, step))[:wanted]
    ids = sorted(Worker.objects.filter(pk__in=candidates).values_list("pk", flat=True))
    if len(ids) < wanted:
        raise SystemExit(f"only {len(ids)} of {wanted} workers found: give more --rows")
    Worker.objects.filter(pk__in=ids).update(
        union_id=F("org_id"), joined_union_on=datetime.date(2020, 5, 1)
    )
    now = timezone.now()
    cookies = []
    for n, worker_id in enumerate(ids[:members]):
        member = Member(
            worker_id=worker_id,
            bound_at=now,
            bound_via=Member.BoundVia.PHONE,
            consent_version=PRIVACY_NOTICE_VERSION,
            consent_at=now,
        )
        member.phone = f"1370000{n:04d}"
        member.save()
        Message.objects.bulk_create(
            [
                Message(member=member, topic="join", text="入会申请已通过", read_at=now),
                Message(member=member, topic="hotline", text="您的12351求助已答复"),
            ]
        )
        cookies.append(open_device(member, kind=MemberDevice.Kind.PAGES, user_agent="bench"))
    staff = Staff.objects.filter(username="bench_scanner").first()
    if staff is None:
        staff = Staff(
            username="bench_scanner", full_name="扫码压测", org=Org.objects.get(code="410000")
        )
        staff.set_unusable_password()
        staff.save()
        set_roles(staff, {Role.CASEWORKER}, by=None)
        staff = Staff.objects.get(pk=staff.pk)
    _token, raw = issue_api_token(staff, name="bench/members.py", by=staff)
    return cookies, ids[members:], raw


def fresh_cards(worker_ids: list[int], seconds: float) -> dict[str, list[str]]:
    """The card texts of `worker_ids` for each minute from now until `seconds` have passed
    (each as the member's phone shows it during that minute)."""
    from nuanjia.members.cards import card_text

    first = int(time.time() // 60)
    last = first + math.ceil(seconds / 60) + 1
    return {
        str(minute): [card_text(worker_id, minute * 60) for worker_id in worker_ids]
        for minute in range(first, last + 1)
    }


# ---- The run ------------------------------------------------------------------------------


def measure(
    port: int, args: argparse.Namespace, cookies: list[str], scanned: list[int], token: str
) -> dict:
    floor_seconds = args.floor_seconds or min(args.seconds, 20.0)
    home = {"kind": "home", "path": HOME_PATH, "cookies": cookies, "think": args.think}
    home_floor = {**home, "path": HOME_FLOOR_PATH}
    for spec in (home_floor, home):  # imports, caches, connections
        run_generator(port, spec, WARM_SECONDS)
    figures = {
        "home_floor": run_generator(port, home_floor, floor_seconds),
        "home": run_generator(port, home, args.seconds),
    }
    cards = fresh_cards(scanned, 2 * WARM_SECONDS + floor_seconds + args.seconds + 30)
    scan = {"kind": "scan", "path": SCAN_PATH, "connections": args.connections,
            "token": token, "cards": cards}  # fmt: skip
    scan_floor = {"kind": "get", "path": SCAN_FLOOR_PATH, "connections": args.connections}
    for spec in (scan_floor, scan):
        run_generator(port, spec, WARM_SECONDS)
    figures["scan_floor"] = run_generator(port, scan_floor, floor_seconds)
    figures["scan"] = run_generator(port, scan, args.seconds)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description="The member home page and card scans under load")
    parser.add_argument("--rows", type=int, default=1_000_000, help="workers in the registry")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--floor-seconds", type=float, default=None)
    parser.add_argument("--members", type=int, default=50, help="member clients of /m/")
    parser.add_argument("--think", type=float, default=1.0, help="seconds between a member's pages")
    parser.add_argument("--connections", type=int, default=8, help="scan connections")
    parser.add_argument("--scanned", type=int, default=2000, help="members whose cards are scanned")
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

    vendor = harness.setup("bench_members.sqlite3")
    search_workers.clear()
    with harness.stopwatch() as clock:
        search_workers.populate(args.rows)
    scanned_count = min(args.scanned, max(1, args.rows // 2 - args.members))
    cookies, scanned, token = prepare(args.rows, args.members, scanned_count)
    print(f"# {vendor}: {args.rows:,} workers generated in {clock['seconds']:.0f} s; "
          f"{len(cookies)} member clients, {len(scanned):,} cards", flush=True)  # fmt: skip
    figures = served.measure_served(
        "members",
        args.workers,
        args.threads,
        lambda port: measure(port, args, cookies, scanned, token),
    )
    home, home_floor = figures["home"], figures["home_floor"]
    scan, scan_floor = figures["scan"], figures["scan_floor"]
    harness.report("member_home_p95_ms", home["p95_ms"], "ms", home_floor["p95_ms"])
    harness.report("card_scans_per_s", scan["per_s"], "req/s", scan_floor["per_s"])
    harness.report("card_scan_p99_ms", scan["p99_ms"], "ms", scan_floor["p99_ms"])
    errors = sum(figure["errors"] for figure in figures.values())
    if errors:
        raise SystemExit(f"{errors} requests were not answered as expected (see above)")


if __name__ == "__main__":
    main()
