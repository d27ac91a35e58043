"""The `nuanjia` command for people who run the system.

nuanjia demo [--no-serve] [--host H] [--port N]   set up the database, load the Henan demo, serve
nuanjia serve [--host H] [--port N] [--workers N] [--threads N]
                                                  run the production server (never DEBUG)
nuanjia audit verify                               check every audit chain and its seals
nuanjia funds check                                check the fund ledger's invariants
nuanjia import workers FILE --org CODE [--mode valid_rows] [--as USERNAME]
                                                   import a worker sheet (xlsx or CSV) now
nuanjia schedule [--loop] [--list]                 enqueue the periodic jobs that are due
nuanjia reports rebuild [--from D] [--to D] [--measure CODE]…
                                                   rebuild the report facts of those days
nuanjia reports refresh | check [--day D]          refresh changed days; check a day again
nuanjia reports map-load FILE [--name N]           load an approved GeoJSON of Henan's map
nuanjia partitions status | ahead | detach [--dry-run] [--table T --month YYYY-MM]
                                                   monthly partitions on PostgreSQL (ADR 0023)
nuanjia manage ARGS…                               any Django management command
"""

import argparse
import os
import sys
from collections.abc import Callable, Mapping


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


def prepare_database() -> None:
    """Create the SQLite folder if needed, migrate, collect static files."""
    from django.conf import settings
    from django.core.management import call_command

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        from pathlib import Path

        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def print_logins(accounts) -> None:
    from nuanjia.demo import DEMO_PASSWORD

    print("\n暖家 nuanjia demo — sign in at the address below with any of these accounts")
    print(f"password for every demo account: {DEMO_PASSWORD}\n")
    for staff in accounts:
        needs = (
            "  (two-factor: enrol an authenticator app at first sign-in)"
            if staff.needs_two_factor
            else ""
        )
        print(f"  {staff.username:<15} {staff.org.name} · {'、'.join(staff.role_labels())}{needs}")
    print()
    print("Members sign in on /m/ and partners on /p/ with a phone number and a texted code;")
    print("the demo's text messages appear in this log (NUANJIA_SMS_BACKEND). Try /m/ with a")
    print("demo family's phone (13838100001) and /p/ with a demo partner's (13700001001).")
    print()


def cmd_demo(args) -> int:
    setup_django()
    prepare_database()
    from nuanjia.demo import load_demo

    accounts = load_demo(full=True)
    print_logins(accounts)
    if args.no_serve:
        return 0
    return serve(args.host, args.port, args.workers, args.threads, prepared=True)


def server_environ(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment the production server runs with: the caller's, with DEBUG forced off.

    Whatever NUANJIA_DEBUG says (1, true, on…), the server process gets "0".
    """
    return {**environ, "NUANJIA_DEBUG": "0"}


def default_workers() -> int:
    """NUANJIA_WORKERS, else one process per core (at least 2). Our requests are CPU-bound
    Python with short database waits, which each process's 2 threads overlap; gunicorn's
    two per core plus one is for sync workers that block on I/O, and on a small machine the
    extra processes only queue for the cores and switch between them (ADR 0018: on 2 cores,
    member-card confirms ran fastest with 2 processes, slower with 3 and slowest with 5)."""
    return int(os.environ.get("NUANJIA_WORKERS") or max(2, os.cpu_count() or 1))


def default_threads() -> int:
    """NUANJIA_THREADS, else 2 per worker: enough to overlap database waits; more threads in
    one process only queue on its interpreter lock (a thread holding a database lock then
    waits for the interpreter, and every writer behind it waits too)."""
    return int(os.environ.get("NUANJIA_THREADS") or 2)


def gunicorn_argv(host: str, port: int, workers: int, threads: int) -> list[str]:
    """The command line that runs gunicorn on our WSGI app with our own interpreter."""
    return [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--bind", f"{host}:{port}",
        "--workers", str(workers),
        "--threads", str(threads),
        "--worker-class", "gthread",
        "--access-logfile", "-",
        "--graceful-timeout", "10",
        # gunicorn ≥ 24 opens a control socket in ~/.gunicorn, one path shared by every
        # instance of the user: a second server would take over (or be stopped through) the
        # first one's. We do not use it.
        "--no-control-socket",
        "--config", "python:config.gunicorn",  # starts the background task worker too
    ]  # fmt: skip


def serve(host: str, port: int, workers: int, threads: int, *, prepared: bool = False) -> int:
    """Run gunicorn on the WSGI app. DEBUG is forced off whatever the environment says.

    With `prepared` (from `nuanjia demo`) Django was set up in this process before the
    override, so its DEBUG may reflect the caller's environment; the server process is
    started afresh with `server_environ` and reads DEBUG off.
    """
    environ = server_environ(os.environ)
    os.environ.update(environ)
    if not prepared:
        setup_django()
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
        from django.conf import settings

        if settings.DEBUG:
            print("refusing to serve with DEBUG on", file=sys.stderr)
            return 2
    print(f"nuanjia is serving on http://{host}:{port}/  (Ctrl-C stops it)", flush=True)
    os.execve(sys.executable, gunicorn_argv(host, port, workers, threads), environ)  # noqa: S606 - our own interpreter, fixed arguments
    return 0


def cmd_serve(args) -> int:
    return serve(args.host, args.port, args.workers, args.threads)


def cmd_audit(args) -> int:
    setup_django()
    from nuanjia.core.audit import check_trail
    from nuanjia.core.models import AuditChain, AuditEvent

    return _verdict(
        "BROKEN",
        check_trail(),
        lambda: (
            f"{AuditEvent.objects.count()} audit events in "
            f"{AuditChain.objects.exclude(key=AuditChain.ROOT).count()} chains, every chain intact"
        ),
    )


def cmd_funds(args) -> int:
    """Check the ledger: balanced transactions, balances equal to entries, one spend per
    paid grant. Exit 1 naming the first discrepancy."""
    setup_django()
    from nuanjia.funds.checks import first_discrepancy, summary

    return _verdict(
        "DISCREPANCY",
        first_discrepancy(),
        lambda: f"{summary()}, every transaction balanced and every balance equal to its entries",
    )


def _verdict(label: str, problem: object, ok: Callable[[], str]) -> int:
    """A check's exit status: 1 with `label: problem` on stderr, else 0 with `OK: ok()`."""
    if problem is not None:
        print(f"{label}: {problem}", file=sys.stderr)
        return 1
    print(f"OK: {ok()}")
    return 0


def cmd_import(args) -> int:
    """Run a sheet through the same import engine as the page, here, printing progress."""
    setup_django()
    from pathlib import Path

    from nuanjia.people.imports import import_workers_cli

    return import_workers_cli(
        Path(args.file),
        org_code=args.org,
        mode=args.mode,
        username=args.username or "",
        processes=args.processes,
        error_sheet=Path(args.errors) if args.errors else None,
    )


def cmd_campaigns(args) -> int:
    """An enrolment run here, printing progress (or the rest of a stopped run)."""
    setup_django()
    from nuanjia.campaigns.cli import enrol_cli

    return enrol_cli(
        activity_id=args.activity, org_code=args.org, username=args.username, resume=args.resume
    )


def cmd_schedule(args) -> int:
    """Enqueue due periodic jobs once (for cron), or every minute with --loop (`nuanjia serve`
    runs that beside the task worker); --list shows the jobs and their last periods."""
    setup_django()
    from nuanjia.core import schedule
    from nuanjia.core.models import ScheduledRun

    if args.list:
        for job in schedule.jobs():
            last = ScheduledRun.objects.filter(job=job.name).order_by("-enqueued_at").first()
            when = f"{last.period} (task {last.task_id})" if last else "never"
            print(f"{job.name:40} {job.cadence:8} from {job.hour:02d}:00  last: {when}")
        return 0
    if args.loop:
        schedule.loop()
        return 0
    for name, period in schedule.enqueue_due():
        print(f"enqueued {name} for {period}")
    schedule.run_ticks()
    return 0


def cmd_partitions(args) -> int:
    """Monthly partitions on PostgreSQL: status, the months ahead, retention (ADR 0023)."""
    setup_django()
    from nuanjia.core.partitions import run_command

    lines, code = run_command(
        args.partitions_command, dry_run=getattr(args, "dry_run", False),
        table=getattr(args, "table", "") or "", month=getattr(args, "month", "") or "",
    )  # fmt: skip
    print("\n".join(lines))
    return code


def cmd_reports(args) -> int:
    """The report facts: rebuild a range of days, refresh the changed ones, check a day."""
    setup_django()
    from nuanjia.reports.cli import check_cli, map_load_cli, rebuild_cli, refresh_cli

    if args.reports_command == "map-load":
        return map_load_cli(args.file, args.name)
    if args.reports_command == "rebuild":
        return rebuild_cli(args.first, args.last, args.measure or [])
    if args.reports_command == "refresh":
        return refresh_cli()
    return check_cli(args.day)


def cmd_backup(args) -> int:
    """The database, the uploads and (where the operator says) the keys into one archive."""
    setup_django()
    from pathlib import Path

    from nuanjia.core.backup import BackupError, KeyPlace, backup

    keys = KeyPlace(
        file=Path(args.keys_file) if args.keys_file else None,
        inside=args.keys_in_archive,
        elsewhere=args.keys_kept_elsewhere,
    )
    try:
        manifest = backup(Path(args.archive), keys=keys)
    except BackupError as error:
        print(f"REFUSED: {error}", file=sys.stderr)
        return 2
    rows = sum(manifest["tables"].values())
    print(
        f"OK: {args.archive}: {len(manifest['tables'])} tables, {rows} rows, keys {manifest['keys']}"
    )
    return 0


def cmd_restore(args) -> int:
    """Replace the database and uploads with an archive's (the server stopped), then check
    the ledger and the audit chain of what was restored."""
    if not args.yes:
        print("This replaces the whole database and the uploaded files with the archive's. "
              "Stop the server, then run again with --yes.", file=sys.stderr)  # fmt: skip
        return 2
    setup_django()
    from pathlib import Path

    from nuanjia.core.backup import BackupError, restore

    keys_file = Path(args.keys_file) if args.keys_file else None
    try:
        manifest = restore(Path(args.archive), keys_file=keys_file)
    except BackupError as error:
        print(f"REFUSED: {error}", file=sys.stderr)
        return 2
    for table, (expected, found) in manifest["differences"].items():
        print(f"DIFFERS: {table}: {found} rows, the backup had {expected}", file=sys.stderr)
    print(f"restored {len(manifest['tables'])} tables and {manifest['media_files']} files")
    checks = (cmd_funds(args), cmd_audit(args))
    return 1 if manifest["differences"] or any(checks) else 0


def cmd_manage(args) -> int:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["nuanjia manage", *args.rest])
    return 0


def add_backup_commands(commands) -> None:
    """`nuanjia backup` and `nuanjia restore` (docs/backup.md)."""
    saving = commands.add_parser("backup", help="back up the database, uploads and keys")
    saving.add_argument("archive", help="the archive to write (a tar file)")
    keys = saving.add_mutually_exclusive_group(required=True)
    keys.add_argument("--keys-file", help="write the encryption keys to this file, apart")
    keys.add_argument("--keys-in-archive", action="store_true", help="put the keys inside")
    keys.add_argument(
        "--keys-kept-elsewhere", action="store_true", help="leave the keys out: kept apart already"
    )
    saving.set_defaults(func=cmd_backup)

    restoring = commands.add_parser("restore", help="restore a backup (the server stopped)")
    restoring.add_argument("archive")
    restoring.add_argument("--keys-file", help="the keys of the backup, when kept in a file")
    restoring.add_argument("--yes", action="store_true", help="yes, replace the database")
    restoring.set_defaults(func=cmd_restore)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nuanjia", description="暖家 nuanjia — trade-union worker care"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def add_server_options(sub):
        sub.add_argument("--host", default=os.environ.get("NUANJIA_HOST", "127.0.0.1"))
        sub.add_argument("--port", type=int, default=int(os.environ.get("NUANJIA_PORT", "8000")))
        sub.add_argument("--workers", type=int, default=default_workers())
        sub.add_argument("--threads", type=int, default=default_threads())

    demo = commands.add_parser("demo", help="set up the database, load the Henan demo and serve it")
    demo.add_argument("--no-serve", action="store_true", help="only load, do not start the server")
    add_server_options(demo)
    demo.set_defaults(func=cmd_demo)

    serve_parser = commands.add_parser("serve", help="run the production server")
    add_server_options(serve_parser)
    serve_parser.set_defaults(func=cmd_serve)

    audit = commands.add_parser("audit", help="audit trail tools")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    audit_commands.add_parser(
        "verify", help="check the hash chain; exit 1 at the first broken link"
    )
    audit.set_defaults(func=cmd_audit)

    funds = commands.add_parser("funds", help="fund ledger tools")
    funds_commands = funds.add_subparsers(dest="funds_command", required=True)
    funds_commands.add_parser(
        "check", help="verify the ledger's invariants; exit 1 at the first discrepancy"
    )
    funds.set_defaults(func=cmd_funds)

    importing = commands.add_parser("import", help="import a sheet (runs here, with progress)")
    what = importing.add_subparsers(dest="what", required=True)
    workers = what.add_parser("workers", help="the worker registry sheet (职工名册)")
    workers.add_argument("file", help="xlsx or CSV (UTF-8 or GBK)")
    workers.add_argument("--org", required=True, help="code of the union the workers belong to")
    workers.add_argument(
        "--mode",
        choices=["all_or_nothing", "valid_rows"],
        default="all_or_nothing",
        help="refuse the whole file when a row is wrong (default), or import the correct rows",
    )
    workers.add_argument("--as", dest="username", help="act as this caseworker (audited as them)")
    workers.add_argument(
        "--processes", type=int, help="checking processes (default: one per core for big files)"
    )
    workers.add_argument(
        "--errors", help="where to write the error sheet (default: FILE.errors.xlsx)"
    )
    workers.set_defaults(func=cmd_import)

    campaigns = commands.add_parser("campaigns", help="campaign tools")
    campaign_commands = campaigns.add_subparsers(dest="campaign_command", required=True)
    enrol = campaign_commands.add_parser(
        "enrol", help="enrol an activity's rule at a union (chunked, resumable), with progress"
    )
    enrol.add_argument("--activity", type=int, required=True, help="the activity's number")
    enrol.add_argument("--org", default="", help="code of the union whose subtree is enrolled")
    enrol.add_argument("--as", dest="username", required=True, help="the caseworker (audited)")
    enrol.add_argument("--resume", type=int, help="go on with this stopped run instead")
    campaigns.set_defaults(func=cmd_campaigns)

    scheduling = commands.add_parser("schedule", help="enqueue the periodic jobs that are due")
    scheduling.add_argument("--loop", action="store_true", help="keep going, once a minute")
    scheduling.add_argument("--list", action="store_true", help="list the jobs and their last run")
    scheduling.set_defaults(func=cmd_schedule)

    add_reports_commands(commands)
    add_backup_commands(commands)
    add_partitions_commands(commands)

    manage = commands.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def add_partitions_commands(commands) -> None:
    parts = commands.add_parser("partitions", help="monthly partitions (PostgreSQL)")
    part_commands = parts.add_subparsers(dest="partitions_command", required=True)
    part_commands.add_parser("status", help="each table's months, those ahead, DEFAULT rows")
    part_commands.add_parser("ahead", help="create the months ahead; empty the DEFAULT ones")
    detaching = part_commands.add_parser("detach", help="detach (never drop) past retention")
    detaching.add_argument("--dry-run", action="store_true", help="only say what would go")
    detaching.add_argument("--table", help="one table's partition (with --month)")
    detaching.add_argument("--month", help="YYYY-MM")
    parts.set_defaults(func=cmd_partitions)


def add_reports_commands(commands) -> None:
    reports = commands.add_parser("reports", help="report facts tools")
    report_commands = reports.add_subparsers(dest="reports_command", required=True)
    rebuild = report_commands.add_parser("rebuild", help="rebuild the facts of a range of days")
    rebuild.add_argument("--from", dest="first", help="first day (default: the first row's)")
    rebuild.add_argument("--to", dest="last", help="last day (default: today)")
    rebuild.add_argument("--measure", action="append", help="a measure's code (default: all)")
    report_commands.add_parser("refresh", help="rebuild the days whose rows changed")
    check = report_commands.add_parser("check", help="compute a day again; exit 1 on differences")
    check.add_argument("--day", help="the day (default: yesterday)")
    outline = report_commands.add_parser("map-load", help="load an approved GeoJSON map")
    outline.add_argument("file", help="a GeoJSON FeatureCollection, codes from GB/T 2260")
    outline.add_argument("--name", default="", help="its name (default: the file's)")
    reports.set_defaults(func=cmd_reports)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
