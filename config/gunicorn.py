"""gunicorn settings for `nuanjia serve`: the task worker lives and dies with the web server.

The background queue (imports, bulk re-assessments, sweeps) is database-backed, so the only
thing it needs is one `db_worker` process; gunicorn's master starts it once it is ready and
stops it on exit. Set NUANJIA_TASK_WORKER=0 to run workers elsewhere (e.g. their own service).
"""

import os
import subprocess
import sys

_task_worker: subprocess.Popen | None = None


def when_ready(server):
    global _task_worker
    if os.environ.get("NUANJIA_TASK_WORKER", "1") != "1":
        return
    _task_worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "django",
            "db_worker",
            "--settings",
            "config.settings",
            "--no-reload",
            "--interval",
            "1",
        ]
    )
    server.log.info("task worker started (pid %s)", _task_worker.pid)


def on_exit(server):
    if _task_worker is not None and _task_worker.poll() is None:
        _task_worker.terminate()
        try:
            _task_worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _task_worker.kill()
