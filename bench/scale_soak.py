"""The soak (issue 22 item 6): mixed load for a long while on two app nodes behind nginx.

Sets up the bench database (PostgreSQL only: the nodes share one database server), a worker
registry of `--rows` workers (bench/search_workers.py) with `--members` union members, the car
wash offer and two partner API devices of bench/benefits.py, the grassroots unions and the
province caseworker of bench/import_workers.py (given a password here), then starts the
two-node set-up of tests/two_nodes.py (two `nuanjia serve`, each with its task worker and
scheduler, nginx in front, Redis for the shared counts). A load-generator process (stdlib
http.client, no Django) then runs, for `--seconds` (default 30 minutes), through nginx:

- public 12351 intake: `POST /api/v1/hotline/public/tickets`, each with its own phone;
- card scans: `POST /api/v1/partner/benefits/redeem` with a member's card text of the minute,
  cycling over the members, so each answer is "redeemed" or (past the month's 2) "limit";
- staff list pages: a signed-in caseworker walking the worker list, a name search, the
  hotline desk and the home page;
- a worker import: at a third of the run the caseworker uploads a `--import-rows` sheet
  (bench/import_workers.py's, 1 % bad rows, valid-rows mode) through the import page; the
  task worker of either node runs it; it must end "done".

Every client pauses `--pause` seconds between requests: a steady load, not a saturation test.
The resident memory of the nodes' gunicorn workers (summed) is read at a sixth of the run and
again at its end.

Figures (standard BENCH lines; the floors are the targets, ratio 1.0 when met):
- soak_errors: answers not as expected (any 5xx, transport errors, a refused scan or intake,
  a staff page not 200, the import not done). Floor 0.
- soak_lost: intake answered 201 with no ticket stored, plus scans answered "redeemed" with no
  redemption stored. Floor 0.
- soak_rss_growth_pct: growth of the web workers' summed RSS from a sixth of the run to the
  end, in %. Floor 10 (the target), ratio 1.0 when at most 10, else 10 ÷ value.
- soak_requests_per_s (no floor): requests answered per second over the run.

    createdb -h 127.0.0.1 -U postgres bench_soak
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_soak .venv/bin/python bench/scale_soak.py
    … --seconds 60      # the smoke version (make bench-soak)

Without a PostgreSQL DATABASE_URL it prints why and exits 0 without figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import hotline_load as served

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import two_nodes  # noqa: E402

PASSWORD = "Soak#2026pw-bench"
STAFF_PAGES = ("/people/workers/", "/people/workers/?" + urlencode({"q": "王"}), "/hotline/", "/")
SUBMIT_PATH = "/api/v1/hotline/public/tickets"
REDEEM_PATH = "/api/v1/partner/benefits/redeem"
IMPORT_PATH = "/people/workers/import/"
SOAK_REDIS_URL = "redis://127.0.0.1:6379/12"  # not the tests' (they empty theirs when they start)


# ---- The load generator (its own process; no Django) -----------------------------------


class Session:
    """A signed-in browser: cookies and the CSRF token, one keep-alive connection."""

    def __init__(self, port: int) -> None:
        self.port, self.cookies, self.token = port, {}, ""
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.connection, status, data, took = served.timed_request(
            self.connection, self.port, method, path, body, headers
        )
        return status, data, took

    def sign_in(self, username: str, password: str) -> bool:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        connection.request("GET", "/accounts/login/")
        page = connection.getresponse()
        self._remember(page)
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.read())
        self.token = found.group(1).decode() if found else ""
        form = urlencode({"csrfmiddlewaretoken": self.token, "username": username,
                          "password": password, "next": "/"}).encode()  # fmt: skip
        connection.request("POST", "/accounts/login/", body=form, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": self._cookie()})  # fmt: skip
        answer = connection.getresponse()
        answer.read()
        self._remember(answer)
        connection.close()
        return answer.status == 302

    def _cookie(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _remember(self, response) -> None:
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _eq, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()


def _tally() -> dict:
    return {"latencies": [], "ok": 0, "errors": 0, "seen": [], "accepted": 0, "redeemed": 0}


def _note(mine: dict, right: bool, status: int, data: bytes) -> None:
    mine["ok" if right else "errors"] += 1
    if not right and len(mine["seen"]) < 3:
        mine["seen"].append(f"{status} {data[:160]!r}")


def intake_client(spec: dict, index: int, mine: dict, stop_at: float) -> None:
    port = spec["port"]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    sequence = 0
    while time.perf_counter() < stop_at:
        sequence += 1
        body = json.dumps({
            "caller_name": "浸泡", "phone": f"13{index + 1}{sequence:08d}",
            "region_code": served.REGIONS[sequence % len(served.REGIONS)], "kind": "help",
            "description": f"{spec['run']} 工资被拖欠 #{index}-{sequence}", "channel": "miniprogram",
        }).encode()  # fmt: skip
        connection, status, data, took = served.timed_request(
            connection, port, "POST", SUBMIT_PATH, body, {"Content-Type": "application/json"}
        )
        mine["latencies"].append(took)
        mine["accepted"] += status == 201
        _note(mine, status == 201, status, data)
        time.sleep(spec["pause"])


def scan_client(spec: dict, index: int, mine: dict, stop_at: float) -> None:
    port, desk = spec["port"], spec["desks"][index % len(spec["desks"])]
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {desk['token']}"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    positions = range(index, len(spec["ids"]), spec["scanners"])
    sequence = 0
    while time.perf_counter() < stop_at:
        position = positions[sequence % len(positions)]
        sequence += 1
        cards = spec["cards"].get(str(int(time.time() // 60))) or [""]
        body = json.dumps({"code": cards[position], "offer": spec["offer"],
                           "key": str(uuid.uuid4()), "outlet": desk["outlet"]}).encode()  # fmt: skip
        connection, status, data, took = served.timed_request(
            connection, port, "POST", REDEEM_PATH, body, headers
        )
        mine["latencies"].append(took)
        answer = json.loads(data).get("status") if status == 200 else None
        mine["redeemed"] += answer == "redeemed"
        _note(mine, answer in ("redeemed", "limit"), status, data)
        time.sleep(spec["pause"])


def staff_client(spec: dict, index: int, mine: dict, stop_at: float) -> None:
    session = Session(spec["port"])
    if not session.sign_in(spec["username"], spec["password"]):
        _note(mine, False, 0, b"could not sign in")
        return
    sequence = index
    while time.perf_counter() < stop_at:
        path = STAFF_PAGES[sequence % len(STAFF_PAGES)]
        sequence += 1
        status, data, took = session.request("GET", path)
        mine["latencies"].append(took)
        _note(mine, status == 200, status, data)
        time.sleep(spec["pause"])


def _multipart(fields: dict[str, str], name: str, filename: str, content: bytes):
    boundary = f"soak{uuid.uuid4().hex}"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
             .encode() for key, value in fields.items()]  # fmt: skip
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        "Content-Type: text/csv\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def import_client(spec: dict, index: int, mine: dict, stop_at: float) -> None:
    """At a third of the run, upload the sheet (the task worker of either node imports it;
    the main process checks the batch ended "done")."""
    start_at = stop_at - spec["seconds"] * 2 / 3
    while time.perf_counter() < start_at:
        time.sleep(0.5)
    session = Session(spec["port"])
    if not session.sign_in(spec["username"], spec["password"]):
        _note(mine, False, 0, b"could not sign in")
        return
    status, page, took = session.request("GET", IMPORT_PATH)  # signing in rotated the token
    mine["latencies"].append(took)
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    _note(mine, status == 200 and found is not None, status, page)
    if found is None:
        return
    session.token = found.group(1).decode()
    sheet = Path(spec["sheet"])
    body, content_type = _multipart(
        {"csrfmiddlewaretoken": session.token, "mode": "valid_rows"}, "file", sheet.name,
        sheet.read_bytes(),
    )  # fmt: skip
    status, data, took = session.request("POST", IMPORT_PATH, body, {"Content-Type": content_type})
    mine["latencies"].append(took)
    _note(mine, status == 302, status, data)


CLIENTS = {"intake": intake_client, "scan": scan_client, "staff": staff_client,
           "import": import_client}  # fmt: skip


def generate(spec: dict, seconds: float) -> dict:
    began = time.perf_counter()
    stop_at = began + seconds
    plan = [(kind, n) for kind, count in spec["clients"].items() for n in range(count)]
    results = {f"{kind}{n}": _tally() for kind, n in plan}

    def client(position: int) -> None:
        kind, n = plan[position]
        try:
            CLIENTS[kind]({**spec, "seconds": seconds}, n, results[f"{kind}{n}"], stop_at)
        except Exception as error:  # a client must report, not die silently
            _note(results[f"{kind}{n}"], False, 0, repr(error).encode())

    served.run_clients(client, len(plan))
    elapsed = time.perf_counter() - began
    by_kind = {}
    for kind in spec["clients"]:
        mine = [result for name, result in results.items() if name.rstrip("0123456789") == kind]
        by_kind[kind] = served.closed_loop_figures(mine, elapsed, ("accepted", "redeemed"))
    by_kind["elapsed"] = elapsed
    return by_kind


# ---- The data -----------------------------------------------------------------------------


def prepare(args: argparse.Namespace) -> dict:
    """Registry, members and the offer (benefits.py), unions and the caseworker
    (import_workers.py) with a password, and the import sheet."""
    import benefits
    import import_workers
    import search_workers
    from django.db import connection

    from nuanjia.orgs.models import Org, Staff

    search_workers.clear()
    with connection.cursor() as cursor:  # PostgreSQL keeps the partners of an earlier run
        cursor.execute("TRUNCATE members_partner RESTART IDENTITY CASCADE")
    search_workers.populate(args.rows)
    data = benefits.prepare(args.rows, min(args.members, max(1, args.rows // 2)), 0)
    _province, staff, unions = import_workers.populate()
    staff = Staff.objects.get(pk=staff.pk)
    staff.set_password(PASSWORD)
    staff.must_change_password = False
    staff.locked_until = None
    staff.save()
    # search_workers made unions of the same names under the same counties: most of
    # import_workers' were not created (ignore_conflicts); the sheet names those that exist.
    unions = list(Org.objects.filter(code__in=unions).values_list("code", flat=True))
    unions += list(Org.objects.filter(code__contains="-S").values_list("code", flat=True))
    sheet = ROOT / "var" / "bench_soak_import.csv"
    import_workers.write_sheet(sheet, args.import_rows, unions)
    return {**data, "username": staff.username, "staff_id": staff.pk, "sheet": str(sheet)}


def lost_and_import(run: str, figures: dict, data: dict, since) -> tuple[int, int, str]:
    """(lost, import errors, the import's state) once the run is over."""
    from nuanjia.benefits.models import Redemption
    from nuanjia.hotline.models import Ticket
    from nuanjia.people.models import ImportBatch

    stored = Ticket.objects.filter(description__startswith=f"{run} ").count()
    redeemed = Redemption.objects.filter(offer_id=data["offer"], reversed=False).count()
    lost = max(0, figures["intake"]["accepted"] - stored)
    lost += max(0, figures["scan"]["redeemed"] - redeemed)
    batch = ImportBatch.objects.filter(created_by_id=data["staff_id"], created_at__gte=since)
    batch = batch.order_by("-pk").first()
    deadline = time.time() + 600
    while batch is not None and batch.is_running and time.time() < deadline:
        time.sleep(2)  # an import started late in a short run is left to finish
        batch.refresh_from_db()
    state = (
        "missing"
        if batch is None
        else f"{batch.status}, {batch.total} rows, {batch.errors} refused"
    )
    return lost, int(batch is None or batch.status != ImportBatch.Status.DONE), state


# ---- The run ------------------------------------------------------------------------------


def run_load(cluster, spec: dict, seconds: float) -> tuple[dict, int, int]:
    """The generator over `seconds`; the web workers' RSS at a sixth of it and at its end."""
    spec_file = ROOT / "var" / "bench_soak_spec.json"
    spec_file.write_text(json.dumps(spec))
    generator = subprocess.Popen(
        [sys.executable, __file__, "--generate", str(spec_file), "--seconds", str(seconds)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    began = time.time()
    time.sleep(seconds / 6)
    early = two_nodes.worker_rss(cluster)
    print(f"# at {seconds / 6:.0f} s: web workers {early['web'] / 2**20:.1f} MB, "
          f"task workers and schedulers {early['tasks'] / 2**20:.1f} MB", flush=True)  # fmt: skip
    time.sleep(max(0.0, began + seconds - 2 - time.time()))
    late = two_nodes.worker_rss(cluster)
    print(f"# at {seconds - 2:.0f} s: web workers {late['web'] / 2**20:.1f} MB, "
          f"task workers and schedulers {late['tasks'] / 2**20:.1f} MB", flush=True)  # fmt: skip
    output, _ = generator.communicate()
    if generator.returncode:
        raise SystemExit(f"the load generator failed (exit {generator.returncode})")
    return json.loads(output.strip().splitlines()[-1]), early["web"], late["web"]


def report(name: str, value: float, unit: str, floor: float, ratio: float) -> None:
    print(f"BENCH name={name} value={value:.4g} unit={unit} floor={floor:.4g} ratio={ratio:.3f}",
          flush=True)  # fmt: skip


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Mixed load on two nodes behind nginx")
    parser.add_argument("--seconds", type=float, default=1800.0, help="default 30 minutes")
    parser.add_argument("--rows", type=int, default=20_000, help="workers in the registry")
    parser.add_argument("--members", type=int, default=2_000, help="members whose cards scan")
    parser.add_argument("--import-rows", type=int, default=2_000)
    parser.add_argument("--pause", type=float, default=0.05, help="between a client's requests")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers per node")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--redis", default=SOAK_REDIS_URL, help="a Redis database of its own")
    parser.add_argument("--generate", default="", help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    args = parse_arguments()
    if args.generate:
        print(json.dumps(generate(json.loads(Path(args.generate).read_text()), args.seconds)))
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("# scale_soak skipped: it needs PostgreSQL (DATABASE_URL=postgres://…), which "
              "both nodes share; SQLite is one machine's file", flush=True)  # fmt: skip
        return
    if two_nodes.nginx_binary() is None:
        raise SystemExit("nginx is not installed (apt-get install nginx-light)")
    if not two_nodes.redis_reachable(args.redis):
        raise SystemExit(
            f"no Redis at {two_nodes.DEFAULT_REDIS_URL}: the nodes share their counts there"
        )
    shared = two_nodes.shared_secrets()
    os.environ.update(shared)  # this process writes encrypted rows the nodes must read
    import harness

    harness.setup("bench_soak.sqlite3")
    from django.utils import timezone

    data = prepare(args)
    since = timezone.now()
    print(f"# postgresql: {args.rows:,} workers, {len(data['ids']):,} members scanning, "
          f"a {args.import_rows:,}-row import; {args.seconds:.0f} s", flush=True)  # fmt: skip
    cluster = two_nodes.start(
        url, redis_url=args.redis, workers=args.workers, threads=args.threads, shared=shared,
        extra={"NUANJIA_HOTLINE_LIMITS": "submit_ip=100000000/60,submit_phone=100000000/60"},
    )  # fmt: skip
    run = f"soak-{int(time.time())}"
    import benefits

    spec = {"port": cluster.port, "run": run, "pause": args.pause, "offer": data["offer"],
            "desks": data["desks"], "ids": data["ids"], "scanners": 2,
            "cards": benefits.fresh_cards(data["ids"], args.seconds + 120),
            "username": data["username"], "password": PASSWORD, "sheet": data["sheet"],
            "clients": {"intake": 2, "scan": 2, "staff": 2, "import": 1}}  # fmt: skip
    try:
        figures, early, late = run_load(cluster, spec, args.seconds)
        lost, import_errors, state = lost_and_import(run, figures, data, since)
    finally:
        two_nodes.stop(cluster)
    kinds = [kind for kind in spec["clients"]]
    for kind in kinds:
        figure = figures[kind]
        print(f"# {kind}: {figure['requests']:,} requests, p50 {figure['p50_ms']:.1f} ms, "
              f"p99 {figure['p99_ms']:.1f} ms, {figure['errors']} errors {figure['seen']}",
              flush=True)  # fmt: skip
    print(f"# import: {state}; logs in {cluster.directory}", flush=True)
    errors = sum(figures[kind]["errors"] for kind in kinds) + import_errors
    growth = (late - early) / early * 100 if early else 0.0
    requests = sum(figures[kind]["requests"] for kind in kinds)
    report("soak_errors", errors, "count", 0, 1.0 if not errors else 0.0)
    report("soak_lost", lost, "count", 0, 1.0 if not lost else 0.0)
    report("soak_rss_growth_pct", growth, "pct", 10, 1.0 if growth <= 10 else 10 / growth)
    harness.report("soak_requests_per_s", requests / figures["elapsed"], "req/s")


if __name__ == "__main__":
    main()
