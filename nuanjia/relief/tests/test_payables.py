"""Batches pay any registered payable: a second kind, registered here, pays organisations (a
hospital and a shop) through a 对公 bank file, settled from the bank's results exactly once."""

import csv
import io

import pytest

from nuanjia.core import payables
from nuanjia.core.audit import AuditEvent, verify_chain
from nuanjia.core.crypto import encrypt
from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import SheetSource
from nuanjia.core.payables import ItemState, PayableItem, PayeeKind, State
from nuanjia.funds import services as funds
from nuanjia.funds.checks import first_discrepancy
from nuanjia.funds.models import FundAccount, Transaction
from nuanjia.relief import services
from nuanjia.relief.bankfiles import CORPORATE_FILE_HEADER
from nuanjia.relief.models import PaymentBatch, PaymentLine

from .conftest import YUAN

pytestmark = pytest.mark.django_db
SOURCE_TYPE = "test.settlement"


class Settlements:
    """The owning app of the test: what it owes two organisations, and its own history."""

    def __init__(self, org, earmark):
        self.org, self.earmark = org, earmark
        self.owed = {
            "7": ("郑州市第一人民医院", "411000000000000077", "中国建设银行郑州分行", 2_500 * YUAN),
            "9": ("=惠济区爱心超市", "411000000000000099", "中国银行郑州分行", 800 * YUAN),
        }
        self.status = dict.fromkeys(self.owed, "owed")
        self.history: list[tuple[str, str]] = []

    def ready(self, org, earmark, *, by, source_ids=None):
        return [
            PayableItem(
                source_type=SOURCE_TYPE,
                source_id=key,
                label=f"ST{int(key):06d}",
                payee_kind=PayeeKind.ORGANISATION,
                payee_name=name,
                account_encrypted=encrypt(account),
                account_masked=f"4110****{account[-4:]}",
                bank_name=bank,
                amount_fen=amount,
                purpose="医疗救助结算",
                earmark_id=earmark.pk,
                org_id=org.pk,
            )
            for key, (name, account, bank, amount) in self.owed.items()
            if self.status[key] == "owed" and (source_ids is None or key in source_ids)
        ]

    def _move(self, source_ids, status, event):
        for key in source_ids:
            self.status[key] = status
            self.history.append((key, event))

    def kind(self) -> payables.PayableKind:
        return payables.PayableKind(
            source_type=SOURCE_TYPE,
            noun="settlement",
            ready=self.ready,
            put_in_batch=lambda batch, ids, *, by: self._move(ids, "batched", "batched"),
            taken_out=lambda batch, key, *, by, note: self._move([key], "owed", "taken out"),
            discarded=lambda batch, ids, *, by: self._move(ids, "owed", "discarded"),
            states=lambda batch, ids: {key: self._state(key) for key in ids},
            paid=lambda batch, results, *, by: self._move(
                [r.source_id for r in results], "paid", "paid"
            ),
            failed=lambda batch, results, *, by: self._move(
                [r.source_id for r in results], "failed", "failed"
            ),
            nothing_ready=lambda org, earmark: "nothing owed",
        )

    def _state(self, key):
        states = {"batched": ItemState.IN_BATCH, "paid": ItemState.PAID, "failed": ItemState.FAILED}
        return State(states.get(self.status[key], ItemState.ELSEWHERE), self.status[key])


@pytest.fixture
def settlements(money, huiji, earmarks):
    app = Settlements(huiji, earmarks["warmth"])
    payables.register(app.kind())
    account = funds.account_for(huiji, earmarks["warmth"])
    for key, (_name, _account, _bank, amount) in app.owed.items():
        funds.reserve(account, amount, by=None, source_type=SOURCE_TYPE, source_id=key)
    yield app
    payables.unregister(SOURCE_TYPE)


def results_file(references) -> SheetSource:
    text = "参考号,结果,原因\n" + "".join(f"{reference},成功,\n" for reference in references)
    return SheetSource(io.BytesIO(text.encode()), name="result.csv")


def test_an_organisation_payable_builds_exports_and_settles_once(
    settlements, huiji, earmarks, finance, money
):
    batch = services.batches.build_batch(
        huiji, earmarks["warmth"], by=finance, source_type=SOURCE_TYPE
    )
    assert batch.payee_kind == PayeeKind.ORGANISATION and batch.line_count == 2
    assert batch.total_fen == 3_300 * YUAN and settlements.status == {
        "7": "batched",
        "9": "batched",
    }
    built = AuditEvent.objects.get(action="relief.batch_built", object_id=str(batch.pk))
    assert built.changes["first_settlement"] == 7 and built.changes["last_settlement"] == 9

    bank_file = io.BytesIO()
    assert (
        services.export_bank_file(batch, bank_file, by=finance, reason="对公结算", fmt="csv") == 2
    )
    rows = list(csv.reader(io.StringIO(bank_file.getvalue().decode("utf-8-sig"))))
    assert tuple(rows[0]) == CORPORATE_FILE_HEADER
    references = [f"PB{batch.pk:06d}-ST000007", f"PB{batch.pk:06d}-ST000009"]
    assert rows[1] == [
        "郑州市第一人民医院",
        "411000000000000077",
        "中国建设银行郑州分行",
        "2500.00",
        "医疗救助结算",
        references[0],
    ]
    assert rows[2][0] == "'=惠济区爱心超市"  # never a formula in the bank's spreadsheet
    assert PaymentLine.objects.get(reference=references[1]).payee_account_masked == "4110****0099"

    before = account_balances(money)
    for _attempt in range(3):  # the same file again, and again: paid once
        outcome = services.import_bank_results(batch, results_file(references), by=finance)
        assert outcome.committed
    spends = Transaction.objects.filter(kind="spend", source_type=SOURCE_TYPE)
    assert sorted(spends.values_list("source_id", flat=True)) == ["7", "9"]
    assert account_balances(money) == (
        before[0],
        before[1] - 3_300 * YUAN,
        before[2] + 3_300 * YUAN,
    )
    assert [event for _key, event in settlements.history].count("paid") == 2
    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.SETTLED and batch.paid_fen == 3_300 * YUAN
    with pytest.raises(RuleViolation) as refusal:
        services.batches.build_batch(huiji, earmarks["warmth"], by=finance, source_type=SOURCE_TYPE)
    assert refusal.value.code == "nothing_to_batch"
    assert first_discrepancy() is None and verify_chain() is None


def test_a_payable_paid_elsewhere_is_refused_on_its_row_and_nothing_is_written(
    settlements, huiji, earmarks, finance
):
    batch = services.batches.build_batch(
        huiji, earmarks["warmth"], by=finance, source_type=SOURCE_TYPE
    )
    services.export_bank_file(batch, io.BytesIO(), by=finance, reason="对公结算", fmt="csv")
    settlements.status["9"] = "withdrawn"  # the app moved it on meanwhile
    references = list(batch.lines.order_by("pk").values_list("reference", flat=True))
    outcome = services.import_bank_results(batch, results_file(references), by=finance)
    assert not outcome.committed
    assert not Transaction.objects.filter(kind="spend", source_type=SOURCE_TYPE).exists()
    assert set(batch.lines.values_list("result", flat=True)) == {"pending"}


def test_a_batch_pays_one_kind_of_payee(settlements, huiji, earmarks, finance):
    with pytest.raises(RuleViolation) as refusal:
        services.batches.build_batch(
            huiji, earmarks["warmth"], by=finance, source_type=SOURCE_TYPE, payee_kind="person"
        )
    assert refusal.value.code == "nothing_to_batch"


def account_balances(money):
    account = FundAccount.objects.get(pk=money["warmth"].pk)
    return account.available_fen, account.reserved_fen, account.spent_fen
