"""Two `nuanjia serve` nodes behind nginx, sharing PostgreSQL and Redis, behave as one
(issue 22 item 2): sessions, the account lockout, the address throttle, the hotline's limits,
scheduled jobs (each period once) and tasks (each once); and the client address the app
records is nginx's X-Forwarded-For entry only because nginx is the trusted proxy.

The set-up is tests/two_nodes.py. nginx round-robins, so consecutive requests alternate
between the nodes (each answer names its node in X-Upstream): a count kept per node would
let through twice what the limit allows. Clients connect from loopback addresses of their own
(127.0.0.2…), so each test's address-based counts are its own and the recorded address can be
told apart from nginx's (127.0.0.5) and the node's own.

Runs only on PostgreSQL (DATABASE_URL) with nginx installed and Redis at 127.0.0.1:6379.
"""

from __future__ import annotations

import http.client
import json
import re
import time
import uuid
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import pytest

from tests import two_nodes


def _on_postgresql() -> bool:
    from django.conf import settings

    return "postgresql" in settings.DATABASES["default"]["ENGINE"]


pytestmark = [
    pytest.mark.skipif(
        not _on_postgresql(),
        reason="two nodes need PostgreSQL (DATABASE_URL): SQLite is one machine's file",
    ),
    pytest.mark.skipif(
        two_nodes.nginx_binary() is None,
        reason="nginx is not installed (make browsers installs it: apt-get install nginx-light)",
    ),
    pytest.mark.skipif(
        not two_nodes.redis_reachable(two_nodes.DEFAULT_REDIS_URL),
        reason=f"no Redis at {two_nodes.DEFAULT_REDIS_URL} for the nodes' shared counts",
    ),
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "Persona#2026pw"  # conftest's
THRESHOLD = 3  # NUANJIA_LOCKOUT_THRESHOLD on the nodes
PER_ADDRESS = 6  # NUANJIA_SIGNIN_FAILURES_PER_ADDRESS
HOTLINE_PER_ADDRESS = 3  # submit_ip
NODE_ENV = {
    "NUANJIA_LOCKOUT_THRESHOLD": str(THRESHOLD),
    "NUANJIA_SIGNIN_FAILURES_PER_ADDRESS": str(PER_ADDRESS),
    "NUANJIA_HOTLINE_LIMITS": f"submit_ip={HOTLINE_PER_ADDRESS}/600",
}
FORGED = "198.51.100.7"


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    credentials = quote(db["USER"] or "postgres")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        url = _database_url()
    nodes = two_nodes.start(
        url, directory=tmp_path_factory.mktemp("nodes"), workers=1, threads=2, extra=NODE_ENV
    )
    yield nodes
    two_nodes.stop(nodes)


# ---- A small browser -------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    node: str  # X-Upstream
    text: str
    location: str


class Browser:
    """Cookies kept, one connection per request, from its own loopback address."""

    def __init__(self, port: int, source: str, forwarded_for: str = "") -> None:
        self.port, self.source, self.forwarded_for = port, source, forwarded_for
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, **headers: str) -> Answer:
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=60, source_address=(self.source, 0)
        )
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _eq, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return Answer(
            response.status,
            response.getheader("X-Upstream", ""),
            text,
            response.getheader("Location", ""),
        )

    def sign_in(self, username: str, password: str) -> Answer:
        """POST the sign-in form (the page is fetched once for its CSRF token, so successive
        sign-ins alternate between the nodes like any other requests)."""
        if not hasattr(self, "token"):
            page = self.request("GET", "/accounts/login/")
            found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            assert found, page.text[:500]
            self.token = found.group(1)
        form = {"csrfmiddlewaretoken": self.token, "username": username,
                "password": password, "next": "/"}  # fmt: skip
        return self.request(
            "POST", "/accounts/login/", urlencode(form).encode(),
            **{"Content-Type": "application/x-www-form-urlencoded"},
        )  # fmt: skip


def failed_reasons(username: str) -> list[str]:
    from nuanjia.core.models import AuditEvent

    events = AuditEvent.objects.filter(action="login.failed", actor_label=username).order_by("id")
    return [event.changes.get("reason", "") for event in events]


def wait_for(condition, timeout: float = 45.0, what: str = "") -> None:
    deadline = time.time() + timeout
    while not condition():
        assert time.time() < deadline, f"timed out waiting for {what}"
        time.sleep(0.3)


# ---- The tests -------------------------------------------------------------------------------
# Three tests, not one per behaviour: each transactional test ends with a flush of every table,
# which takes seconds while the nodes hold their connections.


def test_scheduled_periods_and_tasks_run_once_though_both_nodes_work(cluster):
    """Both nodes' schedulers ticked when they started: each job's period was enqueued once
    and ran once. Then 30 tasks enqueued here are each run once by the two task workers."""
    from django_tasks_db.models import DBTaskResult

    from nuanjia.core import schedule
    from nuanjia.core.models import ScheduledRun

    for node in ("node1", "node2"):  # each node runs a task worker and a scheduler
        running = " | ".join(two_nodes.helpers(cluster, node))
        assert "db_worker" in running and "schedule --loop" in running, running
    # A minute job (the reports' refresh) has a new period every minute: the daily and
    # monthly ones show "once" within the test.
    jobs = [job for job in schedule.jobs() if job.cadence != schedule.EVERY_MINUTE]
    names = {job.name for job in jobs}
    runs = ScheduledRun.objects.filter(job__in=names)
    wait_for(lambda: runs.count() >= len(jobs), what="both schedulers' ticks")
    # A third scheduler ticking now (as cron beside the nodes would) finds every period taken.
    assert [started for started in schedule.enqueue_due() if started[0] in names] == []
    paths = [job.task.module_path for job in jobs]
    done = DBTaskResult.objects.filter(task_path__in=paths, status="SUCCESSFUL")
    wait_for(lambda: done.count() >= len(jobs), what="the scheduled tasks to finish")
    check_tasks_run_once()  # and leaves the scheduled runs time to be repeated, if anything did
    for job in jobs:
        assert ScheduledRun.objects.filter(job=job.name).count() == 1, job.name
        results = DBTaskResult.objects.filter(task_path=job.task.module_path)
        assert [r.status for r in results] == ["SUCCESSFUL"], job.name


def check_tasks_run_once() -> None:
    import redis
    from django_tasks_db.models import DBTaskResult

    from tests.nodetasks import note_run

    key = f"nodes-test:{uuid.uuid4()}"
    ids = [str(note_run.enqueue(key, n).id) for n in range(30)]
    finished = DBTaskResult.objects.filter(id__in=ids, status="SUCCESSFUL")
    wait_for(lambda: finished.count() == len(ids), what="the 30 tasks")
    time.sleep(1.5)
    runs = redis.Redis.from_url(two_nodes.DEFAULT_REDIS_URL).lrange(key, 0, -1)
    assert sorted(int(run) for run in runs) == list(range(30))


def test_sessions_lockouts_and_limits_hold_across_the_nodes(cluster, caseworker):
    check_session(cluster, caseworker)
    check_lockout(cluster, caseworker)
    check_address_throttle(cluster, caseworker)
    check_hotline_limit(cluster)


def both(cluster, answers: list[Answer]) -> bool:
    return {answer.node for answer in answers} == {f"127.0.0.1:{p}" for p in cluster.node_ports}


def check_session(cluster, staff) -> None:
    """Signed in through one node, every page through either is served signed in."""
    browser = Browser(cluster.port, "127.0.0.2")
    signed_in = browser.sign_in(staff.username, PASSWORD)
    assert signed_in.status == 302, signed_in.text[:300]
    pages = [browser.request("GET", "/") for _ in range(4)]
    assert [page.status for page in pages] == [200] * 4
    assert both(cluster, pages)


def check_lockout(cluster, staff) -> None:
    """THRESHOLD failures, alternating between the nodes, lock the account."""
    browser = Browser(cluster.port, "127.0.0.3")
    wrong = [browser.sign_in(staff.username, "wrong password") for _ in range(THRESHOLD)]
    assert both(cluster, wrong)
    assert browser.sign_in(staff.username, PASSWORD).status == 200  # refused: locked
    assert failed_reasons(staff.username)[-1] == "locked"
    type(staff).objects.filter(pk=staff.pk).update(locked_until=None, failed_login_count=0)


def check_address_throttle(cluster, staff) -> None:
    """PER_ADDRESS failures from one address (half on each node) close it (Redis counts)."""
    browser = Browser(cluster.port, "127.0.0.4")
    failures = [browser.sign_in(f"ghost-{n}", "guess") for n in range(PER_ADDRESS)]
    assert [answer.status for answer in failures] == [200] * PER_ADDRESS
    assert both(cluster, failures)
    assert browser.sign_in(staff.username, PASSWORD).status == 200  # refused
    assert failed_reasons(staff.username)[-1] == "address_throttled"


def check_hotline_limit(cluster) -> None:
    browser = Browser(cluster.port, "127.0.0.6")
    answers = []
    for n in range(HOTLINE_PER_ADDRESS + 1):
        body = {"caller_name": "两节点", "phone": f"1390000{n:04d}", "region_code": "410108",
                "kind": "help", "description": f"两节点测试 {n}", "channel": "miniprogram"}  # fmt: skip
        answers.append(browser.request(
            "POST", "/api/v1/hotline/public/tickets", json.dumps(body).encode(),
            **{"Content-Type": "application/json"},
        ))  # fmt: skip
    assert [a.status for a in answers] == [201] * HOTLINE_PER_ADDRESS + [429]
    assert both(cluster, answers)


def test_the_client_address_is_believed_only_from_nginx(cluster):
    from nuanjia.core.models import AuditEvent

    through = Browser(cluster.port, "127.0.0.7", forwarded_for=FORGED)
    through.sign_in("ip-through-nginx", "guess")
    direct = Browser(cluster.node_ports[0], "127.0.0.8", forwarded_for=FORGED)
    direct.sign_in("ip-direct", "guess")

    def address(name: str) -> str | None:
        return AuditEvent.objects.filter(actor_label=name).values_list("ip", flat=True).first()

    # nginx appended the address it saw to the forged entry; the node took nginx's entry.
    assert address("ip-through-nginx") == "127.0.0.7"
    # Straight to a node, the same header comes from a peer that is not the proxy: ignored.
    assert address("ip-direct") == "127.0.0.8"
