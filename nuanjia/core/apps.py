from typing import Any

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "nuanjia.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.core.signals import request_finished
        from django.db.backends.signals import connection_created

        from . import schedule
        from .db_router import register_replica_gauges
        from .observability import register_gauge
        from .request_id import forget_request_id
        from .text import install_form_validator

        install_form_validator()
        connection_created.connect(_private_sqlite_files)
        request_finished.connect(forget_request_id, dispatch_uid="core.forget_request_id")
        register_gauge(
            "tasks", "Background tasks by status (READY: waiting for a worker).", _tasks_by_status,
            label="status",
        )  # fmt: skip
        register_replica_gauges()
        from .partitions import register as register_partitions

        register_partitions()
        schedule.register_tick("core.seal_audit_chains", _seal_audit_chains)
        register_gauge(
            "audit_seal_age_seconds",
            "Seconds since the audit chains' heads were last sealed (grows when no scheduler runs).",
            _audit_seal_age,
        )


def _seal_audit_chains() -> None:
    """Seal every audit chain's head in the root chain, at most every few minutes."""
    from .audit import SEAL_INTERVAL_SECONDS, seal_heads

    seal_heads(min_interval=SEAL_INTERVAL_SECONDS)


def _audit_seal_age() -> float:
    from django.utils import timezone

    from .models import AuditRootEntry

    newest = AuditRootEntry.objects.order_by("-seq").values_list("at", flat=True).first()
    return (timezone.now() - newest).total_seconds() if newest else float("nan")


def _tasks_by_status() -> dict[str, float]:
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.values_list("status").annotate(count=Count("id")).order_by()
    return {str(status): float(count) for status, count in rows}


def _private_sqlite_files(sender: Any, connection: Any, **kwargs: Any) -> None:
    """The embedded database file (and its WAL and shared-memory files, which SQLite creates
    with the database's mode) is readable by the server's user alone."""
    import os
    from pathlib import Path

    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    path = Path(name)
    if name.startswith(":") or "mode=memory" in name or not path.is_file():
        return
    for candidate in (path, Path(f"{name}-wal"), Path(f"{name}-shm")):
        if candidate.is_file() and candidate.stat().st_mode & 0o077:
            os.chmod(candidate, 0o600)
