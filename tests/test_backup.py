"""`nuanjia backup` and `nuanjia restore` round-trip a whole installation: after a restore the
table counts, the ledger's balances, `funds check` and `audit verify` are what they were, the
uploads are back, and a key set that does not open the backup's data is refused with nothing
changed. Transactional tests: pg_dump reads what is committed."""

import pytest
from django.db import connection

from nuanjia.cli import main as nuanjia_main
from nuanjia.core import crypto
from nuanjia.core.audit import verify_chain
from nuanjia.core.backup import BackupError, KeyPlace, backup, restore, table_counts
from nuanjia.core.models import AuditChain, AuditEvent
from nuanjia.demo import load_demo
from nuanjia.funds.checks import first_discrepancy
from nuanjia.funds.models import FundAccount
from nuanjia.orgs.models import Org
from nuanjia.people.models import Worker

pytestmark = pytest.mark.django_db(transaction=True)


def _balances():
    return list(
        FundAccount.objects.order_by("pk").values_list(
            "pk", "available_fen", "reserved_fen", "spent_fen"
        )
    )


@pytest.fixture
def installation(settings, tmp_path):
    load_demo()
    upload = tmp_path / "media" / "mutualaid" / "claim-document.sealed"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"sealed document bytes")
    sheet = tmp_path / "media" / "imports" / "1-0123456789abcdef0123456789abcdef.xlsx"
    sheet.parent.mkdir(parents=True)
    sheet.write_bytes(b"an error sheet of yesterday")
    return upload, sheet


def test_a_restore_brings_back_rows_balances_uploads_and_a_whole_audit_chain(
    installation, tmp_path
):
    upload, sheet = installation
    counts, balances = table_counts(), _balances()
    worker = Worker.objects.exclude(id_number_encrypted="").first()
    id_number = crypto.decrypt(worker.id_number_encrypted)
    archive, keys = tmp_path / "nuanjia.tar", tmp_path / "keys"
    manifest = backup(archive, keys=KeyPlace(file=keys))
    assert manifest["vendor"] == connection.vendor and manifest["keys"] == "file"
    assert keys.stat().st_mode & 0o777 == 0o600 and archive.stat().st_mode & 0o777 == 0o600

    # After the backup: a union renamed, a worker gone, an upload lost.
    Org.objects.filter(code="410000").update(name="改坏的名字")
    Worker.objects.filter(pk=worker.pk).update(name="改坏")
    upload.unlink()
    sheet.unlink()

    restored = restore(archive, keys_file=keys)
    assert restored["differences"] == {}
    assert Org.objects.get(code="410000").name != "改坏的名字"
    assert crypto.decrypt(Worker.objects.get(pk=worker.pk).id_number_encrypted) == id_number
    assert _balances() == balances and first_discrepancy() is None
    assert verify_chain() is None
    after = table_counts()
    audit = AuditEvent._meta.db_table
    assert after[audit] == counts[audit] + 1  # the restore is recorded on the restored trail
    # its event may open the chain of events of no union (one more head row)
    recorded = {audit, AuditChain._meta.db_table}
    assert {k: v for k, v in after.items() if k not in recorded} == {
        k: v for k, v in counts.items() if k not in recorded
    }
    assert upload.read_bytes() == b"sealed document bytes"
    assert not sheet.exists()  # a day-old error sheet is not worth keeping
    assert nuanjia_main(["funds", "check"]) == 0 and nuanjia_main(["audit", "verify"]) == 0


def test_a_key_set_that_does_not_open_the_data_is_refused_and_nothing_changes(
    installation, tmp_path
):
    archive = tmp_path / "nuanjia.tar"
    backup(archive, keys=KeyPlace(elsewhere=True))
    Org.objects.filter(code="410000").update(name="备份之后改的名字")
    stranger = tmp_path / "other-keys"
    stranger.write_text(
        f"{crypto.FIELD_KEYS_VARIABLE}=1:{crypto.generate_key()}\n"
        f"{crypto.BLIND_INDEX_KEY_VARIABLE}={crypto.generate_key()}\n"
    )
    with pytest.raises(BackupError, match="not the key"):
        restore(archive, keys_file=stranger)
    assert Org.objects.get(code="410000").name == "备份之后改的名字"
    assert nuanjia_main(["restore", str(archive), "--keys-file", str(stranger), "--yes"]) == 2
    assert nuanjia_main(["restore", str(archive)]) == 2  # not without --yes
    assert Org.objects.get(code="410000").name == "备份之后改的名字"


def test_a_backup_must_say_where_its_keys_go(installation, tmp_path, capsys):
    with pytest.raises(BackupError, match="keys"):
        backup(tmp_path / "nuanjia.tar", keys=KeyPlace())
    assert not (tmp_path / "nuanjia.tar").exists()
    with pytest.raises(SystemExit):  # the command line needs one of the three choices
        nuanjia_main(["backup", str(tmp_path / "nuanjia.tar")])
    archive = tmp_path / "inside.tar"
    assert nuanjia_main(["backup", str(archive), "--keys-in-archive"]) == 0
    assert "keys inside" in capsys.readouterr().out
    assert restore(archive)["differences"] == {}  # the keys inside open it
