"""A payment batch's bank file (代发 for persons, 对公 for organisations) and the bank's result
file, for any registered payable.

The bank file is a privileged export (full account numbers: permission, written reason, one
audit event) that freezes the batch. The result file goes through core.imports all or
nothing; each line's payable is paid or failed through batches.settle_lines, once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core import bulk
from nuanjia.core.audit import record_event
from nuanjia.core.crypto import field_keyring
from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import (
    FORMULA_TRIGGERS,
    Column,
    Importer,
    ImportResult,
    ImportRow,
    Mode,
    SheetSource,
    SheetSpec,
    run_import,
    write_xlsx,
)
from nuanjia.core.money import format_yuan
from nuanjia.funds.imports import parse_amount
from nuanjia.orgs.permissions import deny
from nuanjia.orgs.rules import Perm

from .batches import (
    classify,
    finish_if_settled,
    in_scope,
    item_states,
    lock_batch,
    require_finance,
    settle_lines,
)
from .models import PayeeKind, PaymentBatch, PaymentLine

REASON_MAX = 500

# 代发 (to persons' own accounts) and 对公 (to organisations' accounts): the banks' layouts.
BANK_FILE_HEADER = ("参考号", "户名", "账号", "开户行", "金额(元)", "用途", "备注")
CORPORATE_FILE_HEADER = ("收款单位名称", "账号", "开户行", "金额(元)", "用途", "参考号")
BANK_FORMATS = ("xlsx", "csv")


def _bank_rows(batch: PaymentBatch) -> Iterator[tuple]:
    lines = (
        PaymentLine.objects.filter(batch=batch, result=PaymentLine.Result.PENDING)
        .order_by("pk")
        .values_list(
            "reference",
            "amount_fen",
            "payee_name",
            "payee_account_encrypted",
            "payee_bank",
            "purpose",
        )
        .iterator(chunk_size=5000)
    )
    corporate = batch.payee_kind == PayeeKind.ORGANISATION
    keyring = field_keyring()  # once per file: looking it up costs as much as decrypting
    for reference, amount, name, account, bank, purpose in lines:
        number = keyring.decrypt(account) if account else ""
        yuan = format_yuan(amount, grouping=False)
        if corporate:
            yield (name, number, bank, yuan, purpose, reference)
        else:
            yield (reference, name, number, bank, yuan, purpose, reference.partition("-")[2])


def _csv_safe(value):
    """A CSV cell Excel will not run as a formula: text starting with = + - @ tab or CR gets
    a leading apostrophe (OWASP). Only a hostile name or bank could start so."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def authorize_bank_file(user, batch: PaymentBatch, where: str = "") -> None:
    """Pages and the API: the bank file needs its own permission (full account numbers)."""
    if not (user.has_perm_code(Perm.EXPORT_BANK_FILE) and in_scope(user, batch.org)):
        deny(user, Perm.EXPORT_BANK_FILE, where)


def _check_export(batch: PaymentBatch, by, reason: str, fmt: str) -> str:
    if by is not None and not (by.has_perm_code(Perm.EXPORT_BANK_FILE) and in_scope(by, batch.org)):
        raise PermissionDenied
    if fmt not in BANK_FORMATS:
        raise RuleViolation(_("Choose xlsx or CSV."), field="format")
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise RuleViolation(
            _("At most %(count)d characters.") % {"count": REASON_MAX}, field="reason"
        )
    if len(reason) < 2:
        raise RuleViolation(_("Say why you export the full account numbers."), field="reason")
    if batch.status == PaymentBatch.Status.CANCELLED:
        raise RuleViolation(_("The batch was discarded."), code="batch_discarded")
    if batch.status == PaymentBatch.Status.SETTLED:
        raise RuleViolation(
            _("Every line of the batch has its result; there is nothing to send."),
            code="batch_settled",
        )
    return reason


def _write_file(batch: PaymentBatch, destination, fmt: str, rows: Iterator[tuple]) -> None:
    header = (
        CORPORATE_FILE_HEADER if batch.payee_kind == PayeeKind.ORGANISATION else BANK_FILE_HEADER
    )
    if fmt == "csv":
        text = io.TextIOWrapper(destination, encoding="utf-8-sig", newline="", write_through=True)
        writer = csv.writer(text)
        writer.writerow(header)
        # Account numbers and references stay text for spreadsheet programs reading the CSV.
        writer.writerows(tuple(_csv_safe(cell) for cell in row) for row in rows)
        text.flush()
        text.detach()
    else:
        write_xlsx(
            destination,
            title=str(_("Bank file %(batch)s") % {"batch": batch.number})[:31],
            header=header,
            rows=rows,
        )


@transaction.atomic
def export_bank_file(
    batch: PaymentBatch, destination, *, by, reason: str, fmt: str = "xlsx"
) -> int:
    """Write the batch's bank file (xlsx or CSV) with the payees' full account numbers: the
    代发 layout for persons, the 对公 layout for organisations.

    A privileged action: finance of the paying union's subtree, with a written reason, and
    one audit event naming the batch, the reason and the count. The first export freezes
    the batch (nothing is added or taken out after the bank may have it). Exporting again
    writes the same pending lines (a lost file), audited again. Returns the lines written.
    """
    batch = lock_batch(batch)
    reason = _check_export(batch, by, reason, fmt)
    counter = {"lines": 0}

    def counted() -> Iterator[tuple]:
        for row in _bank_rows(batch):
            counter["lines"] += 1
            yield row

    _write_file(batch, destination, fmt, counted())
    first = batch.status == PaymentBatch.Status.DRAFT
    batch.export_count += 1
    if first:
        batch.status = PaymentBatch.Status.EXPORTED
        batch.exported_at = timezone.now()
    batch.save(update_fields=["status", "exported_at", "export_count", "updated_at"])
    record_event(
        batch,
        "relief.bank_file_exported",
        by=by,
        org=batch.org,
        changes={
            "reason": reason,
            "format": fmt,
            "lines": counter["lines"],
            "total_fen": batch.total_fen,
            "export": batch.export_count,
        },
    )
    return counter["lines"]


# ---- The bank's result file ---------------------------------------------------------------

PAID_WORDS = frozenset({"成功", "已支付", "已发放", "支付成功", "paid", "success", "ok"})
FAILED_WORDS = frozenset({"失败", "支付失败", "退票", "failed", "fail"})


def _result(text: str) -> str:
    word = text.strip().lower()
    if word in PAID_WORDS:
        return PaymentLine.Result.PAID
    if word in FAILED_WORDS:
        return PaymentLine.Result.FAILED
    raise ValidationError(_("Write 成功 or 失败."))


RESULT_SPEC = SheetSpec(
    title="回盘",
    columns=(
        Column("参考号", "reference", required=True),
        Column("结果", "result", required=True, parse=_result, choices=("成功", "失败")),
        Column("原因", "reason"),
        Column("金额(元)", "amount", parse=parse_amount),
    ),
    unique=(("reference",),),
)


def _check_line(batch: PaymentBatch, row: ImportRow, line: dict | None) -> None:
    """A result row against its line: the reference is this batch's, the amount the one
    sent, the result not contradicting one recorded, a failure with its reason."""
    if line is None or line["result"] == PaymentLine.Result.REMOVED:
        row.add_error("reference", _("Unknown reference: no line of a batch has it."))
        return
    if line["batch_id"] != batch.pk:
        row.add_error(
            "reference",
            _("This reference belongs to batch %(batch)s, not to this one.")
            % {"batch": f"PB{line['batch_id']:06d}"},
        )
        return
    amount = row.values.get("amount")
    if amount not in (None, "") and amount != line["amount_fen"]:
        row.add_error(
            "amount",
            _("The batch sent %(sent)s yuan on this line.")
            % {"sent": format_yuan(line["amount_fen"])},
        )
    result = row.values.get("result")
    if result is None:
        return
    if line["result"] not in (PaymentLine.Result.PENDING, result):
        row.add_error(
            "result",
            _("This line was already recorded as %(result)s; a result is final.")
            % {"result": PaymentLine.Result(line["result"]).label},
        )
    if result == PaymentLine.Result.FAILED and not row.values.get("reason"):
        row.add_error("reason", _("Give the bank's reason for a failed payment."))
    row.context["line"] = line


class ResultImporter(Importer):
    """Settles the lines of one batch from the bank's result file, all or nothing.

    Each line's payable is paid (the ledger spends its reservation, once) or failed
    (released), in the import's one transaction with its app's rows and history. A line
    already settled the same way is unchanged (a re-imported file changes nothing); an
    unknown reference, a line of another batch, a repeated reference or a result
    contradicting an earlier one is an error on its row and column, and nothing is imported.
    """

    spec = RESULT_SPEC

    def __init__(self, batch: PaymentBatch, *, by):
        self.batch = batch
        self.by = by
        self.locked = False
        self.paid = 0
        self.failed = 0
        self.paid_fen = 0

    def _lines(self, rows: list[ImportRow]) -> dict[str, dict]:
        references = [row.values["reference"] for row in rows if "reference" in row.values]
        found = bulk.select_in(
            "SELECT id, reference, batch_id, source_id, amount_fen, result "  # noqa: S608
            f"FROM {bulk.quoted(PaymentLine._meta.db_table)} WHERE reference IN",
            references,
        )
        return {
            reference: {
                "pk": pk,
                "reference": reference,
                "batch_id": batch_id,
                "source_id": source_id,
                "amount_fen": amount,
                "result": result,
            }
            for pk, reference, batch_id, source_id, amount, result in found
        }

    def check(self, rows: list[ImportRow]) -> None:
        lines = self._lines(rows)
        for row in rows:
            reference = row.values.get("reference")
            if reference is not None:
                _check_line(self.batch, row, lines.get(reference))

    def _lock(self, rows: list[ImportRow]) -> bool:
        if not self.locked:
            # Lock the batch first: two imports of the same batch run one after the other.
            self.batch = lock_batch(self.batch)
            self.locked = True
        if self.batch.status in (PaymentBatch.Status.EXPORTED, PaymentBatch.Status.SETTLED):
            return True
        for row in rows:
            row.add_error(
                None,
                _("Batch %(batch)s is not waiting for the bank's results.")
                % {"batch": self.batch.number},
            )
        return False

    def write(self, rows: list[ImportRow]) -> None:
        if not self._lock(rows):
            return
        pending = {}
        for row in rows:
            line = row.context["line"]
            if line["result"] == row.values["result"]:
                row.outcome = "unchanged"
            else:
                pending[line["source_id"]] = row
        if not pending:
            return
        # Lock the payables and read them again: a click on “paid” may have come in between.
        states = item_states(self.batch, list(pending))
        paid: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        for source_id, row in pending.items():
            wanted = row.values["result"]
            action, label = classify(self.batch, wanted, states[source_id])
            if action == "unchanged":
                row.outcome = "unchanged"
            elif action == "refuse":
                row.add_error(
                    "result",
                    _("The payable is %(status)s and cannot take this result.") % {"status": label},
                )
            else:
                line = {**row.context["line"], "reason": row.values.get("reason", "")}
                (paid if wanted == PaymentLine.Result.PAID else failed).append(line)
        if any(row.errors for row in pending.values()):
            return
        self.paid_fen += settle_lines(self.batch, paid, failed, by=self.by)
        for line in [*paid, *failed]:
            pending[line["source_id"]].outcome = "updated"
        self.paid += len(paid)
        self.failed += len(failed)

    def finish(self, result: ImportResult) -> None:
        record_event(
            self.batch,
            "relief.bank_results_imported",
            by=self.by,
            org=self.batch.org,
            changes={
                "rows": result.total,
                "paid": self.paid,
                "failed": self.failed,
                "paid_fen": self.paid_fen,
                "unchanged": result.unchanged,
            },
        )
        finish_if_settled(self.batch)


def import_bank_results(batch: PaymentBatch, source: SheetSource, *, by) -> ImportResult:
    """Read the bank's result file for a batch and settle its lines, all or nothing."""
    require_finance(by, batch.org)
    return run_import(source, ResultImporter(batch, by=by), mode=Mode.ALL_OR_NOTHING)
