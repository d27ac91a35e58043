"""Two `nuanjia serve` nodes behind nginx on loopback, sharing one database and one Redis.

Used by tests/test_two_nodes.py and bench/scale_soak.py, and by hand:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nj_nodes \\
        .venv/bin/python -m tests.two_nodes start [--dir /tmp/nuanjia-nodes] [--workers 2]
    .venv/bin/python -m tests.two_nodes stop [--dir /tmp/nuanjia-nodes]

`start` migrates nothing: the database must be migrated (`nuanjia manage migrate`). It prints
the address nginx listens on and writes the processes' ids into <dir>/state.json for `stop`.

What the nodes share is what production nodes share (docs/deploy.md): the database, Redis
(rate limits, lockouts of unknown names, cache versions), the secret key and the field keys.
Each has its own var directory; the only directory they share is the uploads'
(NUANJIA_MEDIA_ROOT), standing for the mount production nodes share. nginx (its own
configuration in <dir>, its own pid file, never /etc/nginx's sites) round-robins between them,
appends the client to X-Forwarded-For, sets X-Forwarded-Proto, and connects to the nodes from
PROXY_ADDRESS (127.0.0.5), the one peer whose X-Forwarded-For the nodes believe
(NUANJIA_TRUSTED_PROXY_ADDRESSES). Every answer carries X-Upstream: the node that served it.

This module does not set Django up (the bench's load generator imports it without Django).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROXY_ADDRESS = "127.0.0.5"  # nginx's side of its connections to the nodes
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"  # a Redis database of the two-node set-up's own
NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")


def nginx_binary() -> str | None:
    for candidate in NGINX_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def redis_reachable(url: str) -> bool:
    """Whether Redis answers at `url` (host and port only; a plain TCP connect and PING)."""
    from urllib.parse import urlparse

    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or 6379), 2
        ) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def shared_secrets() -> dict[str, str]:
    """What every node must hold alike: the secret key and the field-encryption keys."""
    return {
        "NUANJIA_SECRET_KEY": secrets.token_urlsafe(50),
        "NUANJIA_FIELD_KEYS": "n1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "NUANJIA_BLIND_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }


NGINX_CONF = """\
daemon off;
{user}worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/nginx-body;
    proxy_temp_path {dir}/nginx-proxy;
    fastcgi_temp_path {dir}/nginx-fastcgi;
    uwsgi_temp_path {dir}/nginx-uwsgi;
    scgi_temp_path {dir}/nginx-scgi;
    upstream nuanjia {{
{servers}
        keepalive 32;
        # Below gunicorn's keep-alive (2 s): a connection gunicorn closes while nginx sends on
        # it is a 502 for a POST (nginx retries only idempotent requests on another node).
        keepalive_timeout 1s;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 420m;
        location / {{
            proxy_pass http://nuanjia;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Request-ID $request_id;
            proxy_bind {proxy};
            proxy_read_timeout 120s;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def nginx_config(directory: Path, port: int, node_ports: list[int]) -> str:
    servers = "\n".join(f"        server 127.0.0.1:{node} max_fails=0;" for node in node_ports)
    user = "user root root;\n" if os.geteuid() == 0 else ""
    return NGINX_CONF.format(
        dir=directory, port=port, servers=servers, proxy=PROXY_ADDRESS, user=user
    )


@dataclass
class Cluster:
    directory: Path
    port: int  # nginx
    node_ports: list[int]
    pids: dict[str, int] = field(default_factory=dict)  # "nginx", "node1", "node2"
    environ: dict[str, str] = field(default_factory=dict)  # what the nodes share

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def save(self) -> None:
        state = {"port": self.port, "node_ports": self.node_ports, "pids": self.pids}
        (self.directory / "state.json").write_text(json.dumps(state))

    @classmethod
    def load(cls, directory: Path) -> Cluster:
        state = json.loads((directory / "state.json").read_text())
        return cls(directory, state["port"], state["node_ports"], state["pids"])


def node_environ(
    cluster: Cluster, number: int, database_url: str, redis_url: str, extra: dict[str, str]
) -> dict[str, str]:
    var = cluster.directory / f"node{number}"
    return {
        **os.environ,
        **cluster.environ,
        "DATABASE_URL": database_url,
        "NUANJIA_REDIS_URL": redis_url,
        "NUANJIA_VAR_DIR": str(var),
        "NUANJIA_STATIC_ROOT": str(cluster.directory / "static"),
        "NUANJIA_MEDIA_ROOT": str(cluster.directory / "media"),  # the shared mount
        "NUANJIA_BEHIND_PROXY": "1",
        "NUANJIA_TRUSTED_PROXIES": "1",
        "NUANJIA_TRUSTED_PROXY_ADDRESSES": PROXY_ADDRESS,
        "NUANJIA_SMS_BACKEND": "nuanjia.core.sms.ConsoleBackend",
        "NUANJIA_LOG_LEVEL": "WARNING",
        **extra,
    }


def _collect_static(environ: dict[str, str]) -> None:
    """Once for both nodes (they share the static root), so their own runs find it done."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT, env=environ, check=True,
    )  # fmt: skip


def _spawn(command: list[str], environ: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as handle:
        return subprocess.Popen(
            command, cwd=ROOT, env=environ, stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def wait_ready(port: int, path: str = "/healthz", timeout: float = 90.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"nothing answered {path} on port {port} within {timeout:.0f} s")


def start(
    database_url: str,
    *,
    redis_url: str = DEFAULT_REDIS_URL,
    directory: Path | None = None,
    workers: int = 1,
    threads: int = 2,
    task_workers: tuple[bool, ...] = (True, True),
    extra: dict[str, str] | None = None,
    shared: dict[str, str] | None = None,
) -> Cluster:
    """Start the nodes (one per entry of `task_workers`: whether it runs the task worker and
    the scheduler) and nginx in front; return when nginx and every node answer /healthz."""
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx-light)")
    directory = Path(directory or tempfile.mkdtemp(prefix="nuanjia-nodes-"))
    directory.mkdir(parents=True, exist_ok=True)
    ports = [free_port() for _ in task_workers]
    cluster = Cluster(directory, free_port(), ports, environ=shared or shared_secrets())
    _flush_redis(redis_url)
    _collect_static(node_environ(cluster, 1, database_url, redis_url, extra or {}))
    try:
        for number, (port, tasks) in enumerate(zip(ports, task_workers, strict=True), 1):
            environ = node_environ(cluster, number, database_url, redis_url, extra or {})
            environ["NUANJIA_TASK_WORKER"] = "1" if tasks else "0"
            command = [sys.executable, "-m", "nuanjia.cli", "serve", "--host", "127.0.0.1",
                       "--port", str(port), "--workers", str(workers), "--threads", str(threads)]  # fmt: skip
            process = _spawn(command, environ, directory / f"node{number}.log")
            cluster.pids[f"node{number}"] = process.pid
        (directory / "nginx.conf").write_text(nginx_config(directory, cluster.port, ports))
        nginx = _spawn(
            [binary, "-p", str(directory), "-c", str(directory / "nginx.conf"),
             "-e", str(directory / "nginx-error.log")],
            dict(os.environ), directory / "nginx.log",
        )  # fmt: skip
        cluster.pids["nginx"] = nginx.pid
        cluster.save()
        for port in ports:
            wait_ready(port)
        wait_ready(cluster.port)
    except BaseException:
        stop(cluster)
        raise
    return cluster


def _flush_redis(url: str) -> None:
    """Empty the set-up's own Redis database: counts and cache versions of an earlier run
    (whose database was another) must not leak into this one."""
    import redis

    redis.Redis.from_url(url).flushdb()


def stop(cluster: Cluster) -> None:
    """SIGTERM every process group (nginx and the nodes with their workers), then SIGKILL
    what is left after 20 s. The directory keeps the logs; the collected static files go."""
    for pid in cluster.pids.values():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)
    deadline = time.time() + 20
    for pid in cluster.pids.values():
        while time.time() < deadline and _group_alive(pid):
            time.sleep(0.2)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
    shutil.rmtree(cluster.directory / "static", ignore_errors=True)  # 16 MB; the logs stay


def _group_alive(pgid: int) -> bool:
    # Reap the leader when it is our own child, so a zombie does not count.
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pgid, os.WNOHANG)
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


# ---- Looking at the nodes' processes ------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _is_web_worker(pid: int) -> bool:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"gunicorn" in command


def helpers(cluster: Cluster, node: str) -> list[str]:
    """The command lines of a node's task worker and scheduler (the master's children that are
    not gunicorn workers)."""
    found = []
    for child in _children(cluster.pids[node]):
        if not _is_web_worker(child):
            with contextlib.suppress(OSError):
                found.append(
                    Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
                )
    return found


def worker_rss(cluster: Cluster) -> dict[str, int]:
    """Resident bytes of each node's gunicorn workers (the web workers, not the master) and,
    apart, of its task worker and scheduler: {"web": …, "tasks": …}."""
    web = tasks = 0
    for name, pid in cluster.pids.items():
        if not name.startswith("node"):
            continue
        for child in _children(pid):
            if _is_web_worker(child):
                web += _rss_bytes(child)
            else:
                tasks += _rss_bytes(child)
    return {"web": web, "tasks": tasks}


def main() -> int:
    parser = argparse.ArgumentParser(description="two nuanjia nodes behind nginx on loopback")
    parser.add_argument("action", choices=("start", "stop"))
    parser.add_argument("--dir", default=str(Path(tempfile.gettempdir()) / "nuanjia-nodes"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--redis", default=os.environ.get("NUANJIA_REDIS_URL") or DEFAULT_REDIS_URL)
    args = parser.parse_args()
    directory = Path(args.dir)
    if args.action == "stop":
        stop(Cluster.load(directory))
        print(f"stopped the nodes and nginx of {directory}")
        return 0
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        print("set DATABASE_URL to a migrated PostgreSQL database", file=sys.stderr)
        return 2
    cluster = start(
        database_url, redis_url=args.redis, directory=directory, workers=args.workers,
        threads=args.threads,
    )  # fmt: skip
    print(f"nginx on {cluster.address}/ in front of nodes on ports {cluster.node_ports}")
    print(
        f"logs and state in {directory}; stop with: python -m tests.two_nodes stop --dir {directory}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
