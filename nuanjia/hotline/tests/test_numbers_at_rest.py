"""No phone, ID or bank number is stored in clear: not in the SQLite file, not in its WAL, not
in a pg_dump, after an import of workers and a few hotline tickets (issue 12, item 10).

The SQLite half runs a separate database file through `migrate` and the services in a child
process, and copies the file and its WAL while that process still holds them open (SQLite
removes the WAL when the last connection closes). The PostgreSQL half commits the same data
to the test database and reads a `pg_dump` of it.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from nuanjia.core.crypto import decrypt

PHONES = [f"1380371{n:04d}" for n in range(12)]
BANK_ACCOUNTS = [f"62220212345678{n:05d}" for n in range(12)]
CALLER_PHONES = ["13903710001", "13903710002", "13903710003"]
STAFF_PHONE = "13703710009"

CHILD = """
import json, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from nuanjia.hotline.tests.test_numbers_at_rest import copy_sqlite_files, store_personal_numbers
numbers = store_personal_numbers(sys.argv[1])
copy_sqlite_files(sys.argv[2])
print(json.dumps(numbers))
"""


def store_personal_numbers(work_dir: str) -> dict[str, list[str]]:
    """Import workers with phones, IDs and bank accounts, open hotline tickets (the public fast
    path and an agent's call) and a staff account with a phone; the numbers used, by kind."""
    from nuanjia.hotline import services as hotline
    from nuanjia.orgs.models import Org
    from nuanjia.orgs.rules import Role
    from nuanjia.orgs.services import (
        create_grassroots_union,
        create_staff,
        load_union_tree,
        set_roles,
    )
    from nuanjia.people.imports import run_import_batch
    from nuanjia.people.models import ImportBatch
    from nuanjia.people.tests.import_support import csv_bytes, row
    from nuanjia.people.tests.support import id_number

    if not Org.objects.filter(code="410000").exists():
        load_union_tree()
    county = Org.objects.get(code="410108")
    agent = create_staff(
        org=county,
        username="rest_agent",
        full_name="话务员",
        password="Rest#Check2026",
        phone=STAFF_PHONE,
        by=None,
    )
    set_roles(agent, {Role.HOTLINE_AGENT, Role.CASEWORKER}, by=None)
    union = create_grassroots_union(
        parent=county, name="郑州惠济区暖家测试公司工会", kind=Org.Kind.ENTERPRISE, by=None
    )
    id_numbers = [id_number("410108", sequence=301 + n) for n in range(len(PHONES))]
    rows = [
        row(
            f"职工{n}",
            id_numbers[n],
            phone=PHONES[n],
            union_code=union.code,
            bank_name="中国工商银行",
            bank_account=BANK_ACCOUNTS[n],
        )
        for n in range(len(PHONES))
    ]
    path = Path(work_dir) / "workers.csv"
    path.write_bytes(csv_bytes(rows))
    batch = ImportBatch.objects.create(
        org=county,
        mode="valid_rows",
        file_name="workers.csv",
        stored_file=str(path),
        created_by=agent,
    )
    run_import_batch(batch, processes=0)
    for phone in CALLER_PHONES:
        hotline.submit_request(
            caller_name="王师傅",
            phone=phone,
            region_code="410108",
            kind="help",
            description=f"工资被拖欠，请回电 {phone[-4:]}",
        )
    hotline.open_ticket(
        by=agent,
        phone=PHONES[0],
        caller_name="职工0",
        region_code="410108",
        kind="help",
        description="来电咨询帮扶政策",
    )
    return {
        "phones": [*PHONES, *CALLER_PHONES, STAFF_PHONE],
        "id_numbers": id_numbers,
        "bank_accounts": BANK_ACCOUNTS,
    }


def copy_sqlite_files(target: str) -> None:
    """Copy the database file and its WAL as they are now (the WAL is removed on close)."""
    database = Path(connection.settings_dict["NAME"])
    for suffix in ("", "-wal"):
        source = database.with_name(database.name + suffix)
        if source.exists():
            shutil.copyfile(source, Path(target) / f"copy{suffix or '-main'}")


def run_on_sqlite_file(tmp_path: Path, script: str, *arguments: str):
    """Run `script` in a child process on a fresh SQLite file (and key directory) under
    `tmp_path`; what it printed last, read as JSON."""
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'nuanjia.sqlite3'}",
        "NUANJIA_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    child = subprocess.run(
        [sys.executable, "-c", script, *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    return json.loads(child.stdout.strip().splitlines()[-1])


def found_in_clear(data: bytes, numbers: dict[str, list[str]]) -> dict[str, list[str]]:
    return {
        kind: [number for number in values if number.encode() in data]
        for kind, values in numbers.items()
    }


def test_no_phone_id_or_bank_number_is_in_the_sqlite_file_or_its_wal(tmp_path):
    copies = tmp_path / "copies"
    copies.mkdir()
    numbers = run_on_sqlite_file(tmp_path, CHILD, str(tmp_path), str(copies))
    main = (copies / "copy-main").read_bytes()
    wal = (copies / "copy-wal").read_bytes() if (copies / "copy-wal").exists() else b""
    assert len(main) + len(wal) > 100_000 and "职工3".encode() in main + wal  # data is there
    nothing = {kind: [] for kind in numbers}
    assert (found_in_clear(main, numbers), found_in_clear(wal, numbers)) == (nothing, nothing)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads a pg_dump")
@pytest.mark.django_db(transaction=True)
def test_no_phone_id_or_bank_number_is_in_a_pg_dump(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    numbers = store_personal_numbers(str(tmp_path))
    database = connection.settings_dict
    dump = subprocess.run(
        [
            "pg_dump",
            "-h",
            database["HOST"] or "127.0.0.1",
            "-p",
            str(database["PORT"] or 5432),
            "-U",
            database["USER"] or "postgres",
            database["NAME"],
        ],
        capture_output=True,
        check=True,
        timeout=300,
        env={**os.environ, "PGPASSWORD": database["PASSWORD"] or ""},
    ).stdout
    assert "职工3".encode() in dump  # the data is in the dump
    assert found_in_clear(dump, numbers) == {kind: [] for kind in numbers}
    # ...and still there for those who may see it: sealed, not lost.
    from nuanjia.hotline.models import Ticket

    assert sorted(ticket.caller_phone for ticket in Ticket.objects.all()) == sorted(
        [*CALLER_PHONES, PHONES[0]]
    )
    assert all(decrypt(t.caller_phone_encrypted) for t in Ticket.objects.all())


BEFORE_SEALING = [
    ("orgs", "0002_staff_must_change_password"),
    ("people", "0007_name_reading_keys"),
    ("hotline", "0002_ticketevent_step_event"),
]

MIGRATION_CHILD = """
import json, sys
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from nuanjia.hotline.tests.test_numbers_at_rest import BEFORE_SEALING
for app, name in BEFORE_SEALING:
    call_command("migrate", app, name, verbosity=0)
old = MigrationExecutor(connection).loader.project_state(BEFORE_SEALING).apps
org = old.get_model("orgs", "Org").objects.create(
    code="410108", name="惠济区总工会", kind="county", path="/410108/", region_code="410108")
old.get_model("orgs", "Staff").objects.create(username="agent", org=org, phone="13703710009")
worker = old.get_model("people", "Worker").objects.create(
    org=org, name="张三", phone="13803710001")
old.get_model("hotline", "Ticket").objects.create(
    number="12351-20261205-0001", channel="web", caller_phone="13903710001", org=org,
    region_code="410108", kind="help", description="工资被拖欠", duplicate_key="old",
    received_at=timezone.now())
call_command("migrate", verbosity=0)
from nuanjia.hotline.models import Ticket
from nuanjia.hotline.rules import duplicate_key
from nuanjia.orgs.models import Staff
from nuanjia.people.models import Worker
from nuanjia.core.sealed_phones import last4_lookup, phone_lookup
ticket = Ticket.objects.get()
print(json.dumps({
    "staff": Staff.objects.get().phone,
    "worker": Worker.objects.get(phone_lookup("phone", "138 0371 0001")).phone,
    "worker_masked": Worker.objects.get().phone_masked,
    "by_last4": Worker.objects.filter(last4_lookup("phone", "0001")).count(),
    "ticket": ticket.caller_phone,
    "ticket_key": ticket.duplicate_key == duplicate_key(ticket.caller_phone_index, "工资被拖欠"),
}))
"""


def test_the_data_migrations_seal_the_phones_already_stored(tmp_path):
    """Rows written before the sealing migrations (staff, a worker, a ticket) come out sealed,
    still found by the whole number and the last 4, and the ticket's duplicate key rekeyed."""
    assert run_on_sqlite_file(tmp_path, MIGRATION_CHILD) == {
        "staff": "13703710009",
        "worker": "13803710001",
        "worker_masked": "138****0001",
        "by_last4": 1,
        "ticket": "13903710001",
        "ticket_key": True,
    }
