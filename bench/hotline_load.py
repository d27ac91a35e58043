"""Public 12351 submissions under load, through the real server.

Migrates a fresh bench database and loads the union tree, starts `nuanjia serve` (gunicorn,
the production settings, DEBUG off) on loopback, then a separate load-generator process
(stdlib http.client, one keep-alive connection per thread, closed loop) posts requests to
the public API `/api/v1/hotline/public/tickets` for 60 s, each with its own phone and text so
none is merged as a duplicate. Afterwards it counts the tickets in the database: every
accepted submission (201) must be there.

The floor is the same load against the smallest Django view on the same server
(`/healthz`: one `SELECT 1` through the whole middleware stack), measured in the same run.

Figures: `hotline_submissions_per_s` (floor `floor_submissions_per_s`, ratio value ÷ floor),
`hotline_p50_ms`, `hotline_p99_ms` (floor: the healthz latencies), `hotline_errors`,
`hotline_lost`. Targets: ≥ 200/s on SQLite and PostgreSQL, p99 ≤ 100 ms, 0 errors, 0 lost.

    .venv/bin/python bench/hotline_load.py [--seconds 60]          # SQLite, var/bench_hotline.sqlite3
    createdb -h 127.0.0.1 -U postgres bench_hotline
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_hotline .venv/bin/python bench/hotline_load.py

The per-address rate limit is raised for the run (all requests come from 127.0.0.1); the
limiter itself still runs on every request.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUBMIT_PATH = "/api/v1/hotline/public/tickets"
FLOOR_PATH = "/healthz"
REGIONS = ["410108", "410102", "410103", "410105", "410204", "410302"]


# ---- The load generator (its own process; no Django) -----------------------------------


def _percentile(samples: list[float], fraction: float) -> float:
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def timed_request(
    connection: http.client.HTTPConnection,
    port: int,
    method: str,
    path: str,
    body: bytes | None,
    headers: dict,
) -> tuple[http.client.HTTPConnection, int, bytes, float]:
    """One request on a keep-alive connection: (the connection to go on with, status, body,
    milliseconds). A transport error answers status 0 and a fresh connection."""
    started = time.perf_counter()
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        status = response.status
    except (OSError, http.client.HTTPException) as error:
        status, data = 0, repr(error).encode()
        connection.close()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    return connection, status, data, (time.perf_counter() - started) * 1000


def run_clients(client, clients: int) -> None:
    """Run client(0) … client(clients - 1) each in its own thread and wait for all."""
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def closed_loop_figures(results: list[dict], elapsed: float, counts: tuple[str, ...] = ()) -> dict:
    """The figures of a closed loop whose clients each kept latencies, ok, errors and seen (and
    the `counts`, summed beside ok)."""
    latencies = [value for result in results for value in result["latencies"]]
    ok = sum(result["ok"] for result in results)
    return {
        "per_s": ok / elapsed,
        "p50_ms": statistics.median(latencies) if latencies else 0.0,
        "p95_ms": _percentile(latencies, 0.95),
        "p99_ms": _percentile(latencies, 0.99),
        "ok": ok,
        **{name: sum(result[name] for result in results) for name in counts},
        "errors": sum(result["errors"] for result in results),
        "seen": [seen for result in results for seen in result["seen"]][:5],
        "requests": len(latencies),
    }


def run_spec_generator(script: str, name: str, port: int, spec: dict, seconds: float) -> dict:
    """Run `script`'s generator as a separate process (its spec in var/bench_<name>_<kind>.json)
    and read its JSON answer."""
    spec_file = ROOT / "var" / f"bench_{name}_{spec['kind']}.json"
    spec_file.write_text(json.dumps(spec))
    output = subprocess.run(
        [sys.executable, script, "--generate", str(spec_file), "--port", str(port),
         "--seconds", str(seconds)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(output.stdout.strip().splitlines()[-1])


def generate(port: int, path: str, seconds: float, concurrency: int, run: str) -> dict:
    """Closed loop: each thread sends its next request when the previous one is answered."""
    stop_at = time.perf_counter() + seconds
    results = [
        {"latencies": [], "accepted": 0, "merged": 0, "errors": 0} for _ in range(concurrency)
    ]

    def worker(index: int) -> None:
        mine = results[index]
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        sequence = 0
        while time.perf_counter() < stop_at:
            sequence += 1
            if path == SUBMIT_PATH:
                body = json.dumps({
                    "caller_name": "压测",
                    "phone": f"139{index:02d}{sequence:06d}",
                    "region_code": REGIONS[sequence % len(REGIONS)],
                    "kind": "help",
                    "description": f"{run} 工资被拖欠 #{index}-{sequence}",
                    "channel": "miniprogram",
                }).encode()  # fmt: skip
                method, headers = "POST", {"Content-Type": "application/json"}
            else:
                body, method, headers = None, "GET", {}
            connection, status, _, took = timed_request(
                connection, port, method, path, body, headers
            )
            mine["latencies"].append(took)
            if status == 201 or (path == FLOOR_PATH and status == 200):
                mine["accepted"] += 1
            elif status == 200:
                mine["merged"] += 1
            else:
                mine["errors"] += 1
        connection.close()

    began = time.perf_counter()
    run_clients(worker, concurrency)
    elapsed = time.perf_counter() - began
    latencies = [value for result in results for value in result["latencies"]]
    accepted = sum(result["accepted"] for result in results)
    return {
        "per_s": accepted / elapsed,
        "p50_ms": statistics.median(latencies) if latencies else 0.0,
        "p99_ms": _percentile(latencies, 0.99),
        "accepted": accepted,
        "merged": sum(result["merged"] for result in results),
        "errors": sum(result["errors"] for result in results),
        "requests": len(latencies),
    }


def run_generator(port: int, path: str, seconds: float, concurrency: int, run: str) -> dict:
    """Run the generator as a separate process and read its JSON answer."""
    output = subprocess.run(
        [sys.executable, __file__, "--generate", path, "--port", str(port),
         "--seconds", str(seconds), "--concurrency", str(concurrency), "--run", run],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(output.stdout.strip().splitlines()[-1])


# ---- The server ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(port: int, timeout: float = 60.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", FLOOR_PATH)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not come up")


def start_server(
    port: int, workers: int, threads: int, log: Path, extra: dict[str, str] | None = None
) -> subprocess.Popen:
    """`nuanjia serve` on loopback in a session of its own; `extra` adds to its environment."""
    environ = {
        **os.environ,
        "NUANJIA_TASK_WORKER": "0",  # no background worker competing for the cores
        "NUANJIA_HOTLINE_LIMITS": "submit_ip=100000000/60",
        "NUANJIA_SMS_BACKEND": "nuanjia.core.sms.ConsoleBackend",
        "NUANJIA_LOG_LEVEL": "WARNING",
        # A fresh limiter store per run: counts left by an earlier run would refuse its phones.
        "NUANJIA_RATELIMIT_FILE": str(log.with_name(f"ratelimit-{os.getpid()}-{port}.sqlite3")),
        **(extra or {}),
    }
    handle = log.open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "nuanjia.cli", "serve", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--threads", str(threads)],
        cwd=ROOT, env=environ, stdout=subprocess.DEVNULL, stderr=handle, start_new_session=True,
    )  # fmt: skip


def stop_server(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


def measure_served(name: str, workers: int | None, threads: int | None, measure) -> dict:
    """Start `nuanjia serve` (bench views on; its log var/bench_<name>_server.log), run
    measure(port) against it and stop it; print each closed-loop figure and the server's size."""
    from nuanjia.cli import default_threads, default_workers

    workers, threads = workers or default_workers(), threads or default_threads()
    port = _free_port()
    log = ROOT / "var" / f"bench_{name}_server.log"
    server = start_server(port, workers, threads, log, extra={"NUANJIA_BENCH": "1"})
    try:
        _wait_ready(port)
        figures = measure(port)
    finally:
        stop_server(server)
    for label, figure in figures.items():
        print(
            f"# {label}: {figure['requests']:,} requests, {figure['per_s']:.1f}/s, "
            f"p50 {figure['p50_ms']:.1f} ms, p95 {figure['p95_ms']:.1f} ms, "
            f"p99 {figure['p99_ms']:.1f} ms, {figure['errors']} errors {figure['seen']}",
            flush=True,
        )
    print(f"# server: {workers} workers × {threads} threads", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description="12351 public submissions under load")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--floor-seconds", type=float, default=None)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=None, help="default: as `nuanjia serve`")
    parser.add_argument("--threads", type=int, default=None, help="default: as `nuanjia serve`")
    parser.add_argument("--generate", default="")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--run", default="")
    args = parser.parse_args()
    if args.generate:
        print(
            json.dumps(generate(args.port, args.generate, args.seconds, args.concurrency, args.run))
        )
        return

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import harness

    vendor = harness.setup("bench_hotline.sqlite3")
    from nuanjia.hotline.models import Ticket
    from nuanjia.orgs.services import load_union_tree

    load_union_tree()
    Ticket.objects.all().delete()
    port = _free_port()
    log = ROOT / "var" / "bench_hotline_server.log"
    from nuanjia.cli import default_threads, default_workers

    workers, threads = args.workers or default_workers(), args.threads or default_threads()
    server = start_server(port, workers, threads, log)
    run = f"bench-{int(time.time())}"
    try:
        _wait_ready(port)
        floor_seconds = args.floor_seconds or min(args.seconds, 20.0)
        # Warm both paths up (imports, caches, connections) before measuring.
        run_generator(port, FLOOR_PATH, 2, args.concurrency, run + "-warm")
        run_generator(port, SUBMIT_PATH, 2, args.concurrency, run + "-warm")
        floor = run_generator(port, FLOOR_PATH, floor_seconds, args.concurrency, run)
        load = run_generator(port, SUBMIT_PATH, args.seconds, args.concurrency, run)
    finally:
        stop_server(server)
    stored = Ticket.objects.filter(description__startswith=f"{run} ").count()
    lost = load["accepted"] - stored
    print(
        f"{vendor}: {load['requests']:,} submissions in {args.seconds:.0f} s with "
        f"{args.concurrency} connections, {workers} server workers × {threads} threads; "
        f"{stored:,} tickets stored, {load['merged']} merged; floor {floor['requests']:,} "
        f"requests in {floor_seconds:.0f} s (p50 {floor['p50_ms']:.1f} ms, "
        f"p99 {floor['p99_ms']:.1f} ms, {floor['errors']} errors)",
        flush=True,
    )
    harness.report("hotline_submissions_per_s", load["per_s"], "req/s", floor["per_s"])
    harness.report("hotline_p50_ms", load["p50_ms"], "ms", floor["p50_ms"])
    harness.report("hotline_p99_ms", load["p99_ms"], "ms", floor["p99_ms"])
    harness.report("hotline_errors", load["errors"], "count")
    harness.report("hotline_lost", lost, "count")
    harness.report("floor_submissions_per_s", floor["per_s"], "req/s")


if __name__ == "__main__":
    main()
