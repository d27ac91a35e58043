"""Union-fee rebates: the collection import run twice adds and pays nothing twice; the size
class of each period decides; 工会筹备金 is not rebated; exceptions are listed apart; another
person approves the batch in one step with the money reserved; a payment batch pays the
firm's union; due vs returned per city."""

import datetime
import io

import pytest
from django.db import IntegrityError, transaction

from nuanjia.cli import main as nuanjia_main
from nuanjia.core.errors import RuleViolation
from nuanjia.enterprises import services
from nuanjia.enterprises.figures import rebate_report
from nuanjia.enterprises.models import FeeCollection, Rebate, RebateExceptionRow
from nuanjia.enterprises.rules import RebateException, RebateStatus, SizeClass
from nuanjia.funds.checks import first_discrepancy
from nuanjia.orgs.models import Org
from nuanjia.relief import services as relief_services

from .rebate_support import *  # noqa: F403 -- the fixtures
from .rebate_support import import_sheet, union_firm
from .support import *  # noqa: F403
from .support import bank_results, credit_code

pytestmark = pytest.mark.django_db
JAN, FEB, JUL = datetime.date(2022, 1, 1), datetime.date(2022, 2, 1), datetime.date(2022, 7, 1)


def _stage(by, start=JAN, end=datetime.date(2022, 12, 1)):
    return services.stage_rebates(Org.objects.get(code="410108"), start, end, by=by)


def test_an_import_and_a_staging_run_twice_pay_nothing_twice(
    caseworker, fee_finance, rebate_policy
):
    firm = union_firm(caseworker, "惠济小微甲")
    rows = [
        (firm.employer.credit_code, JAN, "1000.00"),
        (firm.employer.credit_code, FEB, "1000.00"),
    ]
    first = import_sheet(rows, fee_finance)
    assert first.committed and first.created == 2
    again = import_sheet(rows, fee_finance)
    assert again.committed and again.created == 0 and again.unchanged == 2
    assert FeeCollection.objects.count() == 2
    batch = _stage(fee_finance)
    assert batch.count == 2 and batch.total_fen == 80_000  # 40% of 1,000 元, twice
    second = _stage(fee_finance)
    assert second.count == 0 and second.total_fen == 0
    assert set(second.exceptions.values_list("reason", flat=True)) == {
        RebateException.ALREADY_RETURNED
    }
    with pytest.raises(IntegrityError), transaction.atomic():  # the database's own guard
        rebate = Rebate.objects.first()
        Rebate.objects.create(
            batch=second, collection=rebate.collection, firm=firm, org=rebate.org,
            earmark=rebate.earmark, period_start=JAN, size_class="micro", fee_fen=1,
            amount_fen=1, status=RebateStatus.STAGED,
        )  # fmt: skip


def test_a_size_change_mid_year_is_rebated_per_period(caseworker, fee_finance, rebate_policy):
    firm = union_firm(caseworker, "惠济成长乙")  # micro from 2022-01-01
    services.record_figures(
        firm, year=2022, headcount=120, revenue_fen=1_000_000_000, assets_fen=None,
        by=caseworker, effective_on=JUL,
    )  # medium from 1 July  # fmt: skip
    code = firm.employer.credit_code
    import_sheet([(code, datetime.date(2022, m, 1), "100.00") for m in range(1, 13)], fee_finance)
    batch = _stage(fee_finance)
    rebates = Rebate.objects.filter(batch=batch).order_by("period_start")
    assert [r.period_start.month for r in rebates] == [1, 2, 3, 4, 5, 6]
    assert {r.size_class for r in rebates} == {SizeClass.MICRO}
    assert batch.total_fen == 6 * 4_000


def test_exceptions_are_listed_apart(caseworker, fee_finance, rebate_policy):
    no_account = union_firm(caseworker, "无账户丙", union_account="")
    preparing = union_firm(caseworker, "筹备丁")
    unknown = services.register_firm(
        name="未知规模戊", credit_code=credit_code(),
        region_code="410108", kind="firm", industry="retail", by=caseworker,
    )  # fmt: skip
    import_sheet([
        (no_account.employer.credit_code, JAN, "500.00"),
        (preparing.employer.credit_code, JAN, "500.00", "工会筹备金"),
        (unknown.employer.credit_code, JAN, "500.00"),
    ], fee_finance)  # fmt: skip
    batch = _stage(fee_finance)
    assert batch.count == 0
    reasons = dict(
        RebateExceptionRow.objects.filter(batch=batch).values_list("collection__firm_id", "reason")
    )
    assert reasons == {
        no_account.pk: RebateException.NO_UNION_ACCOUNT,
        preparing.pk: RebateException.PREPARATORY,
        unknown.pk: RebateException.SIZE_UNKNOWN,
    }


def test_another_person_approves_and_a_batch_pays_the_union(
    caseworker, fee_finance, fee_approver, rebate_policy, make_staff
):
    firm = union_firm(caseworker, "惠济小微己")
    import_sheet([(firm.employer.credit_code, JAN, "1000.00")], fee_finance)
    batch = _stage(fee_finance)
    with pytest.raises(RuleViolation):
        both = make_staff("410108", "finance", "approver", username="hj_both_fee")
        services.approve_rebates(_stage(both, FEB, FEB), by=both)
    services.approve_rebates(batch, by=fee_approver)
    rebate = Rebate.objects.get(batch=batch)
    assert rebate.status == RebateStatus.APPROVED
    payer = make_staff("410108", "finance", username="hj_fee_payer")
    paying = relief_services.batches.build_batch(
        rebate.org, rebate.earmark, by=payer, source_type=services.REBATE_SOURCE
    )
    assert paying.total_fen == 40_000 and paying.lines.get().purpose == "工会经费返还"
    relief_services.export_bank_file(paying, io.BytesIO(), by=payer, reason="经费返还", fmt="csv")
    assert relief_services.import_bank_results(paying, bank_results(paying), by=payer).committed
    rebate.refresh_from_db()
    assert rebate.status == RebateStatus.PAID
    assert first_discrepancy() is None and nuanjia_main(["funds", "check"]) == 0
    report = {row.city_code: row for row in rebate_report(None)}
    assert report["410100"].due_fen == 40_000 and report["410100"].returned_fen == 40_000
    assert report["410100"].ratio == 100


def _one_by_one(collections) -> tuple[dict, dict]:
    """The rule written plainly, a collection at a time (the ORM's look-ups, no bulk SQL): what
    the staging must write — rebates (collection → size class, amount) and exceptions
    (collection → reason)."""
    from nuanjia.enterprises.models import RebatePolicy
    from nuanjia.enterprises.services.leases import half_up

    rebates, exceptions = {}, {}
    for c in collections:
        policy = RebatePolicy.objects.filter(effective_from__lte=c.period_start).first()
        size = services.size_class_on(c.firm, c.period_start)
        returned = Rebate.objects.filter(firm=c.firm, period_start=c.period_start).exclude(
            status=RebateStatus.CANCELLED
        )
        if c.preparatory:
            exceptions[c.pk] = RebateException.PREPARATORY
        elif returned.exists():
            exceptions[c.pk] = RebateException.ALREADY_RETURNED
        elif size == SizeClass.UNKNOWN:
            exceptions[c.pk] = RebateException.SIZE_UNKNOWN
        elif size not in (SizeClass.SMALL, SizeClass.MICRO):
            continue
        elif not c.firm.union_account_encrypted:
            exceptions[c.pk] = RebateException.NO_UNION_ACCOUNT
        else:
            rebates[c.pk] = (size, half_up(c.fee_fen * policy.returned_permille, 1000))
    return rebates, exceptions


def test_the_set_based_staging_writes_what_the_rule_says_one_by_one(
    caseworker, fee_finance, rebate_policy
):
    from nuanjia.core.audit import AuditEvent

    growing = union_firm(caseworker, "成长庚")  # micro, medium from 1 July
    services.record_figures(
        growing, year=2022, headcount=120, revenue_fen=1_000_000_000, assets_fen=None,
        by=caseworker, effective_on=JUL,
    )  # fmt: skip
    shrinking = union_firm(caseworker, "收缩辛", size="medium")  # medium, small from 1 July
    services.record_figures(
        shrinking, year=2022, headcount=30, revenue_fen=300_000_000, assets_fen=None,
        by=caseworker, effective_on=JUL,
    )  # fmt: skip
    no_account = union_firm(caseworker, "无账户壬", union_account="")
    unknown = services.register_firm(
        name="未知规模癸", credit_code=credit_code(), region_code="410108", kind="firm",
        industry="retail", by=caseworker,
    )  # fmt: skip
    rows = [
        (firm.employer.credit_code, datetime.date(2022, month, 1), f"{100 + month}.07")
        for firm in (growing, shrinking, no_account, unknown)
        for month in range(1, 13)
    ]
    rows.append((union_firm(caseworker, "筹备子").employer.credit_code, JAN, "9.99", "工会筹备金"))
    import_sheet(rows, fee_finance)
    _stage(fee_finance, start=JAN, end=JAN)  # January already returned for the second run
    collections = list(FeeCollection.objects.select_related("firm").order_by("pk"))
    rebates, exceptions = _one_by_one(collections)
    batch = _stage(fee_finance)
    written = {
        r.collection_id: (r.size_class, r.amount_fen) for r in Rebate.objects.filter(batch=batch)
    }
    assert written == rebates
    assert {r.status for r in Rebate.objects.filter(batch=batch)} == {RebateStatus.STAGED}
    assert {r.firm_id for r in Rebate.objects.filter(batch=batch)} <= {growing.pk, shrinking.pk}
    assert dict(batch.exceptions.values_list("collection_id", "reason")) == exceptions
    assert (batch.count, batch.total_fen, batch.exception_count) == (
        len(rebates), sum(amount for _size, amount in rebates.values()), len(exceptions),
    )  # fmt: skip
    event = AuditEvent.objects.filter(action="enterprises.rebate_batch.stage").latest("pk")
    assert event.changes["count"] == len(rebates)
    assert event.changes["exceptions"] == len(exceptions)
