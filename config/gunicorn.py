"""gunicorn settings for `nuanjia serve`: the task worker lives and dies with the web server.

The background queue (imports, bulk re-assessments, sweeps) is database-backed, so the only
thing it needs is one `db_worker` process, plus `nuanjia schedule --loop` to enqueue the
periodic jobs (core.schedule); gunicorn's master starts both once it is ready and stops
them on exit. Set NUANJIA_TASK_WORKER=0 to run workers elsewhere (e.g. their own service).
"""

import os
import subprocess
import sys

_helpers: list[subprocess.Popen] = []


def when_ready(server):
    if os.environ.get("NUANJIA_TASK_WORKER", "1") != "1":
        return
    worker = [sys.executable, "-m", "django", "db_worker", "--settings", "config.settings",
              "--no-reload", "--interval", "1"]  # fmt: skip
    scheduler = [sys.executable, "-m", "nuanjia.cli", "schedule", "--loop"]
    for name, command in (("task worker", worker), ("scheduler", scheduler)):
        process = subprocess.Popen(command)  # noqa: S603 -- our own interpreter and fixed args
        _helpers.append(process)
        server.log.info("%s started (pid %s)", name, process.pid)


def on_exit(server):
    for process in _helpers:
        if process.poll() is None:
            process.terminate()
    for process in _helpers:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
