"""The grants' lines named as payables: source relief.grant and the grant's id, the worker's
name, account and bank and the grant type as the purpose — what the bank file showed."""

from django.db import migrations

SOURCE_TYPE = "relief.grant"


def fill(apps, schema_editor):
    PaymentLine = apps.get_model("relief", "PaymentLine")
    lines = PaymentLine.objects.filter(source_id="").select_related("grant__worker", "grant__grant_type")
    changed = []
    for line in lines.iterator(chunk_size=2000):
        worker = line.grant.worker
        line.source_type = SOURCE_TYPE
        line.source_id = str(line.grant_id)
        line.payee_kind = "person"
        line.payee_name = worker.name
        line.payee_account_encrypted = worker.bank_account_encrypted
        line.payee_account_masked = worker.bank_account_masked
        line.payee_bank = worker.bank_name
        line.purpose = line.grant.grant_type.name
        changed.append(line)
        if len(changed) >= 2000:
            _save(PaymentLine, changed)
            changed = []
    _save(PaymentLine, changed)


def _save(model, lines):
    model.objects.bulk_update(
        lines,
        [
            "source_type",
            "source_id",
            "payee_kind",
            "payee_name",
            "payee_account_encrypted",
            "payee_account_masked",
            "payee_bank",
            "purpose",
        ],
    )


class Migration(migrations.Migration):
    dependencies = [("relief", "0003_payable_lines")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
