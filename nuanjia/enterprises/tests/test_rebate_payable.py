"""A fee rebate through the batch's other ways: refused by the bank (its money released), put in
a new batch (reserved again), taken out (approved again, still reserved), the draft dropped, and
paid at last, once; the ledger checks after each."""

import datetime
import io

import pytest

from nuanjia.enterprises import services
from nuanjia.enterprises.models import Rebate
from nuanjia.enterprises.rules import RebateStatus
from nuanjia.funds import services as funds
from nuanjia.funds.checks import first_discrepancy
from nuanjia.orgs.models import Org
from nuanjia.relief import services as relief

from .rebate_support import *  # noqa: F403 -- the fixtures
from .rebate_support import import_sheet, union_firm
from .support import *  # noqa: F403
from .support import bank_results

pytestmark = pytest.mark.django_db
JAN = datetime.date(2022, 1, 1)


def _reserved(rebate) -> int:
    return funds.account_for(rebate.org, rebate.earmark).reserved_fen


def test_a_refused_rebate_is_released_batched_again_taken_out_and_paid_once(
    caseworker, fee_finance, fee_approver, rebate_policy, make_staff
):
    firm = union_firm(caseworker, "惠济小微庚")
    import_sheet([(firm.employer.credit_code, JAN, "1000.00")], fee_finance)
    staged = services.stage_rebates(Org.objects.get(code="410108"), JAN, JAN, by=fee_finance)
    services.approve_rebates(staged, by=fee_approver)
    rebate = Rebate.objects.get(batch=staged)
    payer = make_staff("410108", "finance", username="hj_rebate_payer")
    build = dict(by=payer, source_type=services.REBATE_SOURCE)

    batch = relief.batches.build_batch(rebate.org, rebate.earmark, **build)
    relief.export_bank_file(batch, io.BytesIO(), by=payer, reason="经费返还", fmt="csv")
    refused = bank_results(batch, "失败", "账户已销户")
    assert relief.import_bank_results(batch, refused, by=payer).committed
    rebate.refresh_from_db()
    assert rebate.status == RebateStatus.FAILED and _reserved(rebate) == 0

    again = relief.batches.build_batch(rebate.org, rebate.earmark, **build)
    rebate.refresh_from_db()
    assert rebate.status == RebateStatus.IN_BATCH and rebate.payment_batch == again
    assert _reserved(rebate) == 40_000
    relief.batches.remove_from_batch(again, str(rebate.pk), by=payer, note="换账户")
    rebate.refresh_from_db()
    assert rebate.status == RebateStatus.APPROVED and rebate.payment_batch is None
    assert _reserved(rebate) == 40_000

    dropped = relief.batches.build_batch(rebate.org, rebate.earmark, **build)
    relief.batches.discard_batch(dropped, by=payer)
    rebate.refresh_from_db()
    assert rebate.status == RebateStatus.APPROVED and _reserved(rebate) == 40_000

    paying = relief.batches.build_batch(rebate.org, rebate.earmark, **build)
    relief.export_bank_file(paying, io.BytesIO(), by=payer, reason="经费返还", fmt="csv")
    assert relief.import_bank_results(paying, bank_results(paying), by=payer).committed
    assert not relief.import_bank_results(paying, bank_results(paying), by=payer).errors
    rebate.refresh_from_db()
    assert rebate.status == RebateStatus.PAID and _reserved(rebate) == 0
    assert funds.account_for(rebate.org, rebate.earmark).spent_fen == 40_000
    assert first_discrepancy() is None
