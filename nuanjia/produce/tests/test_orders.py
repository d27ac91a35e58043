"""Buy-to-help orders: lines in units and 元 to the gram and fen, maker-checker above the
union's limit, the amount reserved on approval, received, paid to the producer by a payment
batch (the ledger checks), where the goods went — a named hardship family sees it on its file."""

import io

import pytest
from django.test import Client

from conftest import verified_login
from nuanjia.cli import main as nuanjia_main
from nuanjia.core.audit import AuditEvent
from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import SheetSource
from nuanjia.funds import services as funds
from nuanjia.funds.checks import first_discrepancy
from nuanjia.funds.models import Transaction
from nuanjia.produce import services
from nuanjia.produce.models import OrderLine
from nuanjia.produce.rules import OrderStatus, OrderStep
from nuanjia.produce.workflow import ORDER_FLOW
from nuanjia.relief import services as relief

from .conftest import make_family, warmth, zhengzhou

pytestmark = pytest.mark.django_db


def account():
    return funds.account_for(zhengzhou(), warmth())


def draft(products, by, *, jin=1000, kg=500, boxes=20):
    """1000 斤 of cabbage (600 元), 500 kg of potatoes (1200 元), 20 boxes (180 元)."""
    lines = [(products["jin"], jin), (products["kg"], kg), (products["box"], boxes)]
    return services.create_order(zhengzhou(), products["jin"].producer, warmth(), lines, by=by)


def test_lines_add_up_to_the_gram_and_the_fen(products, zz_caseworker):
    order = draft(products, zz_caseworker)
    assert order.grams == 1000 * 500 + 500 * 1000 + 20 * 5000 == 1_100_000
    assert order.amount_fen == 1000 * 60 + 500 * 240 + 20 * 900 == 198_000
    lines = OrderLine.objects.filter(order=order)
    assert {line.city for line in lines} == {"410100"} and {line.county for line in lines} == {
        "411625"
    }
    assert not any(line.arrived for line in lines)


def test_a_foreign_product_or_no_line_is_refused(products, zz_caseworker, tree):
    other = services.register_producer(
        zhengzhou(), kind="farmer", name="别家", region_code="411623", by=zz_caseworker
    )
    with pytest.raises(RuleViolation) as error:
        services.create_order(
            zhengzhou(), other, warmth(), [(products["jin"], 1)], by=zz_caseworker
        )
    assert error.value.field == "lines"
    with pytest.raises(RuleViolation):
        services.create_order(zhengzhou(), other, warmth(), [], by=zz_caseworker)


def test_above_the_limit_another_person_approves(products, zz_both, zz_approver, zz_finance):
    services.set_order_limit(zhengzhou(), 100_000, by=zz_approver)  # 1,000 元
    order = draft(products, zz_both)  # 1,980 元
    ORDER_FLOW.take_step(order, OrderStep.SUBMIT, by=zz_both)
    with pytest.raises(RuleViolation) as error:
        ORDER_FLOW.take_step(order, OrderStep.APPROVE, by=zz_both)
    assert error.value.code == "maker_checker"
    assert account().reserved_fen == 0
    ORDER_FLOW.take_step(order, OrderStep.APPROVE, by=zz_approver)
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED and account().reserved_fen == 198_000


def test_at_or_below_the_limit_the_submitter_may_approve(
    products, zz_both, zz_approver, zz_finance
):
    services.set_order_limit(zhengzhou(), 500_000, by=zz_approver)
    order = draft(products, zz_both)
    ORDER_FLOW.take_step(order, OrderStep.SUBMIT, by=zz_both)
    ORDER_FLOW.take_step(order, OrderStep.APPROVE, by=zz_both)
    assert AuditEvent.objects.filter(action="produce.order.approve").count() == 1


def test_approval_is_refused_for_want_of_money(products, zz_caseworker, zz_approver):
    order = draft(products, zz_caseworker)
    ORDER_FLOW.take_step(order, OrderStep.SUBMIT, by=zz_caseworker)
    with pytest.raises(RuleViolation) as error:
        ORDER_FLOW.take_step(order, OrderStep.APPROVE, by=zz_approver)
    assert error.value.code == "insufficient_funds"
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED


def received(products, caseworker, approver):
    order = draft(products, caseworker)
    for step, by in ((OrderStep.SUBMIT, caseworker), (OrderStep.APPROVE, approver),
                     (OrderStep.DELIVER, caseworker), (OrderStep.RECEIVE, caseworker)):  # fmt: skip
        ORDER_FLOW.take_step(order, step, by=by)
    order.refresh_from_db()
    return order


def _results(batch) -> SheetSource:
    references = batch.lines.order_by("pk").values_list("reference", flat=True)
    text = "参考号,结果,原因\n" + "".join(f"{ref},成功,\n" for ref in references)
    return SheetSource(io.BytesIO(text.encode()), name="result.csv")


def test_a_batch_pays_the_producer_and_the_ledger_checks(
    products, zz_caseworker, zz_approver, zz_finance
):
    order = received(products, zz_caseworker, zz_approver)
    assert set(OrderLine.objects.filter(order=order).values_list("arrived", flat=True)) == {True}
    batch = relief.batches.build_batch(
        zhengzhou(), warmth(), by=zz_finance, source_type="produce.order"
    )
    line = batch.lines.get()
    assert line.amount_fen == 198_000 and line.reference.endswith(f"XF{order.pk:06d}")
    relief.export_bank_file(batch, io.BytesIO(), by=zz_finance, reason="货款", fmt="csv")
    assert relief.import_bank_results(batch, _results(batch), by=zz_finance).committed
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert set(OrderLine.objects.filter(order=order).values_list("paid", flat=True)) == {True}
    spends = Transaction.objects.filter(kind="spend", source_type="produce.order")
    assert list(spends.values_list("source_id", flat=True)) == [str(order.pk)]
    assert account().reserved_fen == 0 and account().spent_fen == 198_000
    assert first_discrepancy() is None
    assert nuanjia_main(["funds", "check"]) == 0


def test_cancelling_an_approved_order_releases_its_money(
    products, zz_caseworker, zz_approver, zz_finance
):
    order = draft(products, zz_caseworker)
    ORDER_FLOW.take_step(order, OrderStep.SUBMIT, by=zz_caseworker)
    ORDER_FLOW.take_step(order, OrderStep.APPROVE, by=zz_approver)
    with pytest.raises(RuleViolation):  # the reason is required
        ORDER_FLOW.take_step(order, OrderStep.CANCEL, by=zz_approver, reason="")
    ORDER_FLOW.take_step(order, OrderStep.CANCEL, by=zz_approver, reason="菜已售完")
    assert account().reserved_fen == 0 and first_discrepancy() is None


def test_goods_given_to_named_families_show_on_their_files(
    products, zz_caseworker, zz_approver, zz_finance, make_staff
):
    """周口's 1.2万斤 to named hardship families: each family's file shows what it got."""
    order = received(products, zz_caseworker, zz_approver)  # 2,200 斤
    families = [make_family("410108"), make_family("410108")]
    for family in families:
        services.record_destination(
            order, "family", 300 * 500, hardship_file=family, by=zz_caseworker
        )
    services.record_destination(order, "sold", 1000 * 500, sales_fen=50_000, by=zz_caseworker)
    services.record_destination(
        order, "activity", 100 * 500, source_type="campaigns.activity", source_id="7",
        label="送温暖慰问", by=zz_caseworker,
    )  # fmt: skip
    with pytest.raises(RuleViolation) as error:  # only 500 斤 are left to place
        services.record_destination(order, "sold", 501 * 500, by=zz_caseworker)
    assert error.value.code == "too_much"
    client = Client()
    verified_login(client, zz_caseworker)
    for family in families:
        page = client.get(f"/hardship/files/{family.pk}/").content.decode()
        assert 'data-testid="panel-produce-given"' in page and "300.0" in page
        assert "郸城县绿源蔬菜合作社" in page
    detail = client.get(f"/produce/orders/{order.pk}/").content.decode()
    assert "送温暖慰问" in detail


def test_a_family_out_of_the_buying_union_is_refused(
    products, zz_caseworker, zz_approver, zz_finance
):
    order = received(products, zz_caseworker, zz_approver)
    with pytest.raises(RuleViolation) as error:
        services.record_destination(
            order, "family", 500, hardship_file=make_family("410204"), by=zz_caseworker
        )
    assert error.value.field == "hardship_file"


def test_the_order_pages_take_the_steps(products, zz_caseworker, zz_approver, zz_finance):
    client = Client()
    verified_login(client, zz_caseworker)
    order = draft(products, zz_caseworker)
    assert client.get("/produce/orders/").status_code == 200
    assert client.get("/produce/orders/new/").status_code == 200
    client.post(f"/produce/orders/{order.pk}/submit/")
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED
    checker = Client()
    verified_login(checker, zz_approver)
    checker.post(f"/produce/orders/{order.pk}/approve/")
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    page = client.get(f"/produce/orders/{order.pk}/").content.decode()
    assert 'data-testid="step-deliver"' in page


def test_an_amount_past_the_ledger_limit_is_refused_and_a_zero_limit_allowed(
    products, zz_caseworker, zz_approver
):
    producer = products["jin"].producer
    dear = services.add_product(producer, "金瓜", "jin", 10**12, by=zz_caseworker)
    with pytest.raises(RuleViolation) as error:
        services.create_order(zhengzhou(), producer, warmth(), [(dear, 10_000)], by=zz_caseworker)
    assert error.value.field == "lines"
    services.set_order_limit(zhengzhou(), 0, by=zz_approver)
    assert services.order_limit(zhengzhou()) == 0
    assert services.order_limit(products["jin"].producer.org.children.first() or zhengzhou()) == 0
